"""The warehouse line (FUL-1…FUL-7): review rules and decisions, waves and print runs with
their slips/waybills, pick allocations and transfer requests, scan verification sessions,
parcels, courier handovers, tracking events and shipping summaries.

The order's own state (and who reviewed/picked/verified it, when) lives on orders.Order;
these tables hold the warehouse's working records. Every change goes through the actions
in fulfillment/actions/, which record the events the scorecards read."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Courier(models.Model):
    """A courier company the department ships with (快递公司)."""

    class WaybillSize(models.TextChoices):
        LARGE = "100x180", _("100×180 毫米")
        SMALL = "76x130", _("76×130 毫米")

    code = models.SlugField("编码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)  # what Order.courier holds
    waybill_size = models.CharField("面单尺寸", max_length=10, choices=WaybillSize.choices,
                                    default=WaybillSize.LARGE)
    tracking_prefix = models.CharField("运单号前缀", max_length=6, blank=True)
    # Name of the tracking adapter (fulfillment/couriers.py); "" = tracking by file import only.
    adapter = models.CharField("跟踪接口", max_length=30, blank=True)
    active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "快递公司"
        verbose_name_plural = "快递公司"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class ReviewRuleSet(models.Model):
    """One version of the automatic review rules (FUL-1). Exactly one version is active at a
    time; a change is a new draft that can be dry-run against past orders before it is
    enabled. `rules` is a list of {"code", "enabled", "params"} read by fulfillment/rules.py."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("启用中")
        RETIRED = "retired", _("已停用")

    version = models.PositiveIntegerField("版本", unique=True)
    name = models.CharField("名称", max_length=100)
    rules = models.JSONField("规则", default=list)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    note = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(USER, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    activated_by = models.ForeignKey(USER, verbose_name="启用人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    activated_at = models.DateTimeField("启用时间", null=True, blank=True)
    # Result of the last dry-run: {"at", "from", "to", "total", "held", "passed", "changed": [...]}
    last_dry_run = models.JSONField("试运行结果", default=dict, blank=True)

    class Meta:
        verbose_name = "审单规则"
        verbose_name_plural = "审单规则"
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["state"], condition=Q(state="active"),
                                               name="one_active_rule_set")]

    def __str__(self):
        return f"v{self.version} {self.name}"


class ReviewDecision(models.Model):
    """What review decided for one order and why: by the rules (by = None) or by a person.
    `trace` lists every rule that looked at the order: [{"rule", "label", "result":
    "pass"|"hold"|"set", "message"}]. The held order's page shows the last one."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("通过")
        HELD = "held", _("挂起")

    order = models.ForeignKey("orders.Order", verbose_name="订单", on_delete=models.CASCADE,
                              related_name="review_decisions")
    rule_set = models.ForeignKey(ReviewRuleSet, verbose_name="规则版本", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="decisions")
    by = models.ForeignKey(USER, verbose_name="审单人", null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices)
    reason = models.CharField("挂起原因", max_length=30, blank=True)  # orders HoldReason
    rule = models.CharField("挂起规则", max_length=40, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    trace = models.JSONField("规则轨迹", default=list)

    class Meta:
        verbose_name = "审单结果"
        verbose_name_plural = "审单结果"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["order", "-at"], name="review_decision_order_idx")]

    def __str__(self):
        return f"{self.order_id} {self.outcome}"


class Wave(models.Model):
    """波次: orders of one warehouse grouped for one picking walk, printed together, handed
    to one picker (FUL-2, FUL-3)."""

    class State(models.TextChoices):
        OPEN = "open", _("待打印")
        PRINTED = "printed", _("已打印")
        HANDED = "handed", _("已交备货")
        PICKED = "picked", _("已配货")
        DONE = "done", _("已完成")

    number = models.CharField("波次号", max_length=30, unique=True)
    warehouse = models.ForeignKey("inventory.Warehouse", verbose_name="仓库",
                                  on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN,
                             db_index=True)
    created_by = models.ForeignKey(USER, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    first_printed_at = models.DateTimeField("首次打印时间", null=True, blank=True)
    picker = models.ForeignKey(USER, verbose_name="备货员", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    handed_by = models.ForeignKey(USER, verbose_name="交单人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    handed_at = models.DateTimeField("交备货时间", null=True, blank=True)
    picked_at = models.DateTimeField("配货完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "波次"
        verbose_name_plural = "波次"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("fulfillment:wave_detail", args=[self.pk])


class WaveOrder(models.Model):
    """An order's place in its wave (an order belongs to at most one wave)."""

    wave = models.ForeignKey(Wave, verbose_name="波次", on_delete=models.CASCADE,
                             related_name="members")
    order = models.OneToOneField("orders.Order", verbose_name="订单", on_delete=models.CASCADE,
                                 related_name="wave_member")
    position = models.PositiveIntegerField("序号")

    class Meta:
        verbose_name = "波次订单"
        verbose_name_plural = "波次订单"
        ordering = ["wave_id", "position"]

    def __str__(self):
        return f"{self.wave_id}#{self.position}"


class PrintRun(models.Model):
    """One print of a wave (or of some of its orders): the PDF documents produced, who
    printed, and for a reprint why (FUL-2)."""

    class Kind(models.TextChoices):
        FIRST = "first", _("首次打印")
        REPRINT = "reprint", _("重打")

    number = models.CharField("打印批号", max_length=30, unique=True)
    wave = models.ForeignKey(Wave, verbose_name="波次", on_delete=models.PROTECT,
                             related_name="print_runs")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.FIRST)
    reason = models.CharField("重打原因", max_length=300, blank=True)
    printed_by = models.ForeignKey(USER, verbose_name="打单人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    printed_at = models.DateTimeField("打印时间", default=timezone.now)
    order_count = models.PositiveIntegerField("订单数", default=0)
    # Relative to the media root: the summary sheet, slips and waybills of this run.
    files = models.JSONField("文件", default=dict, blank=True)  # {"summary": "...pdf", ...}

    class Meta:
        verbose_name = "打印批次"
        verbose_name_plural = "打印批次"
        ordering = ["-printed_at", "-pk"]

    def __str__(self):
        return self.number


class Slip(models.Model):
    """One printed pair for one order: the picking slip (配货单) and its courier waybill
    (快递单), paired by the order and the waybill number. A reprint voids the old pair."""

    class State(models.TextChoices):
        ACTIVE = "active", _("有效")
        VOID = "void", _("已作废")

    order = models.ForeignKey("orders.Order", verbose_name="订单", on_delete=models.CASCADE,
                              related_name="slips")
    print_run = models.ForeignKey(PrintRun, verbose_name="打印批次", on_delete=models.PROTECT,
                                  related_name="slips")
    copy_no = models.PositiveIntegerField("第几次打印", default=1)
    courier = models.ForeignKey(Courier, verbose_name="快递公司", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    waybill_no = models.CharField("运单号", max_length=40, db_index=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.ACTIVE)
    void_reason = models.CharField("作废原因", max_length=300, blank=True)
    voided_by = models.ForeignKey(USER, verbose_name="作废人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "配货单/快递单"
        verbose_name_plural = "配货单/快递单"
        ordering = ["order_id", "copy_no"]
        constraints = [models.UniqueConstraint(fields=["order"], condition=Q(state="active"),
                                               name="one_active_slip_per_order")]

    def __str__(self):
        return f"{self.order_id} #{self.copy_no} {self.waybill_no}"


class PickAllocation(models.Model):
    """Where the picker takes an order line's goods from (the summary sheet's locations).
    Shipping consumes the reservation from this location."""

    wave = models.ForeignKey(Wave, verbose_name="波次", on_delete=models.CASCADE,
                             related_name="allocations")
    line = models.ForeignKey("orders.OrderLine", verbose_name="订单行", on_delete=models.CASCADE,
                             related_name="pick_allocations")
    location = models.ForeignKey("inventory.Location", verbose_name="库位", null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField("数量")

    class Meta:
        verbose_name = "配货库位"
        verbose_name_plural = "配货库位"
        ordering = ["wave_id", "pk"]

    def __str__(self):
        return f"{self.line_id}@{self.location_id} × {self.quantity}"


class TransferRequest(models.Model):
    """A shortage reported by the picker (FUL-3): goes to whoever handles transfers (调拨).
    Two unmet requests in a row for one SKU raise the "discontinued?" question."""

    class State(models.TextChoices):
        OPEN = "open", _("待调拨")
        FULFILLED = "fulfilled", _("已调拨")
        UNMET = "unmet", _("无法调拨")

    number = models.CharField("单号", max_length=30, unique=True)
    sku = models.ForeignKey("catalog.Sku", verbose_name="SKU", on_delete=models.PROTECT,
                            related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", verbose_name="仓库",
                                  on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField("缺货数量")
    order = models.ForeignKey("orders.Order", verbose_name="订单", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    wave = models.ForeignKey(Wave, verbose_name="波次", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN,
                             db_index=True)
    requested_by = models.ForeignKey(USER, verbose_name="报缺人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("报缺时间", default=timezone.now)
    resolved_by = models.ForeignKey(USER, verbose_name="处理人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    document = models.ForeignKey("inventory.Document", verbose_name="调拨单", null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    discontinued_asked = models.BooleanField("已询问是否停产", default=False)

    class Meta:
        verbose_name = "调拨申请"
        verbose_name_plural = "调拨申请"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["sku", "-requested_at"], name="transfer_req_sku_idx")]

    def __str__(self):
        return self.number


class VerifySession(models.Model):
    """Scanning one order at the verification station (FUL-4). `scanned` maps an order line
    id (as a string) to the count scanned so far; a reload continues where it stopped."""

    class State(models.TextChoices):
        OPEN = "open", _("验货中")
        DONE = "done", _("已验货")
        STOPPED = "stopped", _("已拦截")

    order = models.ForeignKey("orders.Order", verbose_name="订单", on_delete=models.CASCADE,
                              related_name="verify_sessions")
    verifier = models.ForeignKey(USER, verbose_name="验货员", on_delete=models.PROTECT,
                                 related_name="+")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    scanned = models.JSONField("已扫描", default=dict)
    rejected = models.PositiveIntegerField("拒绝次数", default=0)
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    stop_reason = models.CharField("拦截原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "验货记录"
        verbose_name_plural = "验货记录"
        ordering = ["-started_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["order"], condition=Q(state="open"),
                                               name="one_open_verify_per_order")]

    def __str__(self):
        return f"{self.order_id} {self.state}"


class Handover(models.Model):
    """交接单: the parcels of one courier handed to its driver, reconciled by scanning each
    parcel; a count mismatch blocks it until resolved (FUL-5). Finance reads these."""

    class State(models.TextChoices):
        OPEN = "open", _("交接中")
        DONE = "done", _("已交接")

    number = models.CharField("交接单号", max_length=30, unique=True)
    courier = models.ForeignKey(Courier, verbose_name="快递公司", on_delete=models.PROTECT,
                                related_name="handovers")
    warehouse = models.ForeignKey("inventory.Warehouse", verbose_name="仓库",
                                  on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN,
                             db_index=True)
    created_by = models.ForeignKey(USER, verbose_name="交接人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    driver_name = models.CharField("快递员", max_length=30, blank=True)
    expected_count = models.PositiveIntegerField("应交件数", default=0)
    # Parcel ids scanned in front of the driver; a parcel counts once.
    scanned = models.JSONField("已扫描包裹", default=list)
    resolution = models.CharField("差异处理", max_length=300, blank=True)
    closed_by = models.ForeignKey(USER, verbose_name="确认人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField("交接时间", null=True, blank=True)
    pdf = models.CharField("交接单文件", max_length=200, blank=True)

    class Meta:
        verbose_name = "快递交接单"
        verbose_name_plural = "快递交接单"
        ordering = ["-created_at", "-pk"]
        # Two packers opening a sheet for the same courier at once: the database decides.
        constraints = [models.UniqueConstraint(fields=["courier", "warehouse"],
                                               condition=Q(state="open"),
                                               name="one_open_handover_per_courier")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("fulfillment:handover_detail", args=[self.pk])


class Parcel(models.Model):
    """The box that leaves: one order, or several orders merged to one recipient (FUL-1
    merge). Packed with its checklist, optionally weighed, handed to the courier."""

    class State(models.TextChoices):
        PACKED = "packed", _("已打包")
        CHECK = "check", _("重量待核")
        HANDED = "handed", _("已交接")
        SHIPPED = "shipped", _("已发货")
        # An order inside was intercepted at the handover: the box stays in the warehouse.
        STOPPED = "stopped", _("已拦截")

    number = models.CharField("包裹号", max_length=30, unique=True)
    orders = models.ManyToManyField("orders.Order", verbose_name="订单", related_name="parcels")
    courier = models.ForeignKey(Courier, verbose_name="快递公司", on_delete=models.PROTECT,
                                related_name="parcels")
    waybill_no = models.CharField("运单号", max_length=40, unique=True)
    warehouse = models.ForeignKey("inventory.Warehouse", verbose_name="仓库",
                                  on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PACKED,
                             db_index=True)
    estimate_g = models.PositiveIntegerField("预估重量（克）", default=0)
    weight_g = models.PositiveIntegerField("称重（克）", null=True, blank=True)
    # {"slip": true, "gift": true|null, ...} what the packer ticked.
    checklist = models.JSONField("打包清单", default=dict)
    packed_by = models.ForeignKey(USER, verbose_name="打包员", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    packed_at = models.DateTimeField("打包时间", default=timezone.now)
    check_note = models.CharField("核重说明", max_length=300, blank=True)
    handover = models.ForeignKey(Handover, verbose_name="交接单", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="parcels")
    shipped_at = models.DateTimeField("发货时间", null=True, blank=True)
    delivered_at = models.DateTimeField("签收时间", null=True, blank=True)

    class Meta:
        verbose_name = "包裹"
        verbose_name_plural = "包裹"
        ordering = ["-packed_at", "-pk"]
        # The tracking list and poll: shipped parcels, newest first.
        indexes = [models.Index(fields=["state", "-shipped_at"], name="parcel_state_shipped_idx")]

    def __str__(self):
        return f"{self.number} {self.waybill_no}"


class TrackingEvent(models.Model):
    """One step of a parcel's journey from a courier adapter or an imported tracking file
    (FUL-6). Exceptions open a task for customer service."""

    class Status(models.TextChoices):
        COLLECTED = "collected", _("已揽收")
        IN_TRANSIT = "in_transit", _("运输中")
        DELIVERING = "delivering", _("派送中")
        DELIVERED = "delivered", _("已签收")
        DELAYED = "delayed", _("延误")
        LOST = "lost", _("丢失")
        RETURNED = "returned", _("退回")

    EXCEPTIONS = {"delayed", "lost", "returned"}

    parcel = models.ForeignKey(Parcel, verbose_name="包裹", on_delete=models.CASCADE,
                               related_name="tracking")
    at = models.DateTimeField("时间")
    status = models.CharField("状态", max_length=12, choices=Status.choices)
    description = models.CharField("描述", max_length=300, blank=True)
    location = models.CharField("地点", max_length=100, blank=True)
    source = models.CharField("来源", max_length=30, blank=True)  # adapter name or "import"
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "物流轨迹"
        verbose_name_plural = "物流轨迹"
        ordering = ["parcel_id", "at", "pk"]
        constraints = [models.UniqueConstraint(fields=["parcel", "at", "status"],
                                               name="tracking_event_once")]

    def __str__(self):
        return f"{self.parcel_id} {self.status} {self.at}"


class ShippingSummary(models.Model):
    """Daily, weekly and monthly shipping and sales summaries (FUL-7), written by the
    scheduler; `data` holds the figures the page and export show."""

    class Period(models.TextChoices):
        DAY = "day", _("日报")
        WEEK = "week", _("周报")
        MONTH = "month", _("月报")

    period = models.CharField("周期", max_length=5, choices=Period.choices)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    data = models.JSONField("数据", default=dict)
    generated_at = models.DateTimeField("生成时间", default=timezone.now)

    class Meta:
        verbose_name = "发货与销售汇总"
        verbose_name_plural = "发货与销售汇总"
        ordering = ["-start", "period"]
        constraints = [models.UniqueConstraint(fields=["period", "start"],
                                               name="summary_once_per_period")]

    def __str__(self):
        return f"{self.get_period_display()} {self.start}"
