"""After-sales (售后, AS-1…AS-5): a customer's refund / return / exchange / repair request
on an order, its lines and evidence photos (AS-1); the returned parcels the returns
receiver registers and signs or refuses (AS-2); the inspection of what came back and the
exchange quality check (AS-3); who bears the loss (AS-4); and the refunds paid.

The request's state machine and the policy of what an order allows live in states.py;
every change goes through actions/ (one event per move)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class AfterSale(models.Model):
    class Kind(models.TextChoices):
        REFUND_ONLY = "refund", _("仅退款")
        RETURN_REFUND = "return", _("退货退款")
        EXCHANGE = "exchange", _("换货")
        REPAIR = "repair", _("维修")

    class Reason(models.TextChoices):
        QUALITY = "quality", _("质量问题")
        DAMAGED = "damaged", _("运输破损")
        WRONG_ITEM = "wrong_item", _("发错货")
        MISSING = "missing", _("少件/漏发")
        NOT_AS_DESCRIBED = "not_as_described", _("与描述不符")
        SIZE = "size", _("尺码/规格不合适")
        CHANGED_MIND = "changed_mind", _("七天无理由")
        NOT_RECEIVED = "not_received", _("未收到货")
        WRONG_ORDER = "wrong_order", _("拍错/不想要了")
        SLOW = "slow", _("发货太慢")
        OTHER = "other", _("其他")

    class State(models.TextChoices):
        REQUESTED = "requested", _("待处理")
        APPROVED = "approved", _("已同意，待寄回")
        RETURNING = "returning", _("买家已寄回")
        REJECTED = "rejected", _("已拒绝")
        RECEIVED = "received", _("已收到退货")
        INSPECTED = "inspected", _("已检验")
        REFUNDED = "refunded", _("已退款")
        REPAIRING = "repairing", _("维修中")
        EXCHANGE_SHIPPING = "exchange_shipping", _("换货/返修寄出中")
        COMPLETED = "completed", _("已完成")
        CANCELLED = "cancelled", _("已撤销")
        CLOSED = "closed", _("已关闭")

    number = models.CharField("售后单号", max_length=30, unique=True)
    order = models.ForeignKey("orders.Order", verbose_name="订单", on_delete=models.PROTECT,
                              related_name="after_sales")
    customer = models.ForeignKey("service.Customer", verbose_name="客户", null=True,
                                 blank=True, on_delete=models.PROTECT,
                                 related_name="after_sales")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    reason = models.CharField("原因", max_length=20, choices=Reason.choices)
    description = models.TextField("问题描述", blank=True)
    state = models.CharField("状态", max_length=20, choices=State.choices,
                             default=State.REQUESTED, db_index=True)
    requested_refund_fen = models.BigIntegerField("申请退款（分）", default=0)
    refund_fen = models.BigIntegerField("同意退款（分）", default=0)
    # 维权: the customer escalated on the platform or to a regulator; the supervisor
    # watches these daily (AS-5).
    dispute = models.BooleanField("维权", default=False, db_index=True)
    dispute_note = models.TextField("维权说明", blank=True)
    dispute_at = models.DateTimeField("维权登记时间", null=True, blank=True)
    dispute_by = models.ForeignKey(USER, verbose_name="维权登记人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    handler = models.ForeignKey(USER, verbose_name="处理客服", null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(USER, verbose_name="登记人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("申请时间", default=timezone.now, db_index=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理说明", max_length=300, blank=True)
    reject_reason = models.CharField("拒绝原因", max_length=300, blank=True)
    closed_at = models.DateTimeField("完结时间", null=True, blank=True, db_index=True)
    close_reason = models.CharField("关闭原因", max_length=300, blank=True)
    # When the step the request waits for is due (response, customer's return, inspection,
    # refund): the core deadline of that step says the same; this column sorts the queues.
    due_at = models.DateTimeField("当前时限", null=True, blank=True)
    escalated_at = models.DateTimeField("超时上报时间", null=True, blank=True)
    # What the request did to the unshipped order (AS-1): held for the reviewer, or marked
    # for interception at the next scan.
    order_action = models.CharField("订单处理", max_length=20, blank=True)
    # The customer's return parcel (AS-1 → AS-2).
    freight_collect_agreed = models.BooleanField("同意运费到付", default=False)
    return_courier = models.CharField("退回快递公司", max_length=30, blank=True)
    return_waybill = models.CharField("退回运单号", max_length=40, blank=True, db_index=True)
    return_shipped_at = models.DateTimeField("买家寄回时间", null=True, blank=True)
    received_at = models.DateTimeField("收货时间", null=True, blank=True)
    # Inspection (AS-3): one per request; the per-line result is on the lines.
    inspected_by = models.ForeignKey(USER, verbose_name="检验人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    inspected_at = models.DateTimeField("检验时间", null=True, blank=True)
    inspection_note = models.TextField("检验说明", blank=True)
    repair_note = models.TextField("维修结果", blank=True)
    repaired_at = models.DateTimeField("修好时间", null=True, blank=True)
    # An exchange (or a repaired item going back) ships as a new order through the
    # warehouse line (FUL-*), after the quality check (AS-3).
    replacement_order = models.ForeignKey("orders.Order", verbose_name="换货/返修发货单",
                                          null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")

    class Meta:
        verbose_name = "售后单"
        verbose_name_plural = "售后单"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="aftersale_state_idx"),
                   models.Index(fields=["state", "due_at"], name="aftersale_due_idx")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("aftersales:request_detail", args=[self.pk])

    @property
    def reference(self):
        """What stock movements and orders made for this request point back to."""
        return f"aftersales.aftersale:{self.pk}"

    @property
    def is_overdue(self):
        return self.due_at is not None and self.due_at <= timezone.now()

    @property
    def needs_return(self):
        return self.kind != self.Kind.REFUND_ONLY


class AfterSaleLine(models.Model):
    class Condition(models.TextChoices):
        GOOD = "good", _("完好，可二次销售")
        DEFECT = "defect", _("质量问题")
        DAMAGED = "damaged", _("运输破损")
        USED = "used", _("已使用/人为损坏")
        INCOMPLETE = "incomplete", _("缺配件/吊牌")

    class Plan(models.TextChoices):
        RESTOCK = "restock", _("入库再售")
        REPAIR = "repair", _("维修后寄回")
        MERCHANT = "merchant", _("退回品牌商返包装")
        SCRAP = "scrap", _("报废")

    request = models.ForeignKey(AfterSale, verbose_name="售后单", on_delete=models.CASCADE,
                                related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", verbose_name="订单行",
                                   on_delete=models.PROTECT, related_name="after_sale_lines")
    quantity = models.PositiveIntegerField("数量")
    exchange_sku = models.ForeignKey("catalog.Sku", verbose_name="换成", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    # Inspection (AS-3)
    condition = models.CharField("检验结果", max_length=12, choices=Condition.choices,
                                 blank=True)
    plan = models.CharField("处理方案", max_length=10, choices=Plan.choices, blank=True)
    plan_note = models.CharField("方案说明", max_length=300, blank=True)
    restock_location = models.ForeignKey("inventory.Location", verbose_name="入库库位",
                                         null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    restock_warehouse = models.ForeignKey("inventory.Warehouse", verbose_name="入库仓库",
                                          null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")
    restock_move = models.ForeignKey("inventory.Move", verbose_name="入库流水", null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    merchant = models.ForeignKey("purchasing.Supplier", verbose_name="退回品牌商", null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "售后商品"
        verbose_name_plural = "售后商品"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.request_id}: {self.order_line_id} × {self.quantity}"


class AfterSalePhoto(models.Model):
    """Evidence photos (AS-1), within the catalog's image size limit (CAT-7)."""

    request = models.ForeignKey(AfterSale, verbose_name="售后单", on_delete=models.CASCADE,
                                related_name="photos")
    file = models.FileField("图片", upload_to="aftersales/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    size_bytes = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=40, default="image/jpeg")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "售后凭证"
        verbose_name_plural = "售后凭证"
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class ReturnParcel(models.Model):
    """An incoming parcel at the returns desk (售后来件, AS-2): registered with what is on
    its label, matched to a request or an order when possible, signed for or refused by
    the receiving rules (rules.py), and passed on to the responsible customer service."""

    class Decision(models.TextChoices):
        SIGNED = "signed", _("签收")
        REFUSED = "refused", _("拒收")

    class Packaging(models.TextChoices):
        INTACT = "intact", _("包装完好")
        DAMAGED = "damaged", _("包装破损")

    number = models.CharField("来件登记号", max_length=30, unique=True)
    waybill_no = models.CharField("运单号", max_length=40, db_index=True)
    courier = models.ForeignKey("fulfillment.Courier", verbose_name="快递公司", null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    sender_name = models.CharField("寄件人", max_length=60, blank=True)
    sender_phone = models.CharField("寄件人电话", max_length=30, blank=True)
    order_ref = models.CharField("包裹内/面单订单号", max_length=64, blank=True)
    request = models.ForeignKey(AfterSale, verbose_name="售后单", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="parcels")
    order = models.ForeignKey("orders.Order", verbose_name="订单", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    freight_collect = models.BooleanField("运费到付", default=False)
    freight_fen = models.BigIntegerField("到付运费（分）", default=0)
    packaging = models.CharField("外包装", max_length=10, choices=Packaging.choices,
                                 default=Packaging.INTACT)
    packaging_note = models.CharField("包装说明", max_length=300, blank=True)
    decision = models.CharField("签收/拒收", max_length=10, choices=Decision.choices)
    rule = models.CharField("依据规则", max_length=20)
    suggested = models.CharField("规则建议", max_length=10, choices=Decision.choices)
    decision_note = models.CharField("说明", max_length=300, blank=True)
    # A problem for customer service to follow up (unexpected return, damage, refusal…).
    problem = models.BooleanField("问题件", default=False, db_index=True)
    passed_to = models.ForeignKey(USER, verbose_name="转交给", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    passed_at = models.DateTimeField("转交时间", null=True, blank=True)
    received_by = models.ForeignKey(USER, verbose_name="售后员", null=True,
                                    on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField("登记时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "售后来件"
        verbose_name_plural = "售后来件"
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.number} {self.waybill_no}"

    def get_absolute_url(self):
        return reverse("aftersales:parcel_detail", args=[self.pk])


class ReturnParcelPhoto(models.Model):
    parcel = models.ForeignKey(ReturnParcel, verbose_name="来件", on_delete=models.CASCADE,
                               related_name="photos")
    file = models.FileField("图片", upload_to="aftersales/parcels/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    size_bytes = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=40, default="image/jpeg")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "来件照片"
        verbose_name_plural = "来件照片"
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class ReceivingFault(models.Model):
    """A supervisor's finding against the returns receiver (AS-2 scoring): a wrong
    sign/refuse decision, a problem not passed on, a parcel not registered (or registered
    wrongly). The event `aftersales.receiving_fault` says the same for the scorecard."""

    class Kind(models.TextChoices):
        WRONG_REFUSAL = "wrong_refusal", _("对能签收的件拒收")
        WRONG_SIGNING = "wrong_signing", _("要拒收的件签收")
        NOT_PASSED_ON = "not_passed_on", _("问题件未及时会知相关人员")
        NOT_REGISTERED = "not_registered", _("来件未登记清楚或未及时转交")

    DECISION_KINDS = (Kind.WRONG_REFUSAL, Kind.WRONG_SIGNING)

    receiver = models.ForeignKey(USER, verbose_name="售后员", on_delete=models.PROTECT,
                                 related_name="+")
    parcel = models.ForeignKey(ReturnParcel, verbose_name="来件", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="faults")
    kind = models.CharField("问题", max_length=20, choices=Kind.choices)
    note = models.CharField("说明", max_length=300)
    marked_by = models.ForeignKey(USER, verbose_name="判定人", null=True,
                                  on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField("判定时间", default=timezone.now)

    class Meta:
        verbose_name = "售后员差错"
        verbose_name_plural = "售后员差错"
        ordering = ["-marked_at", "-pk"]

    def __str__(self):
        return f"{self.receiver} {self.get_kind_display()}"


class ExchangeCheck(models.Model):
    """The quality check of the goods an exchange sends out (AS-3: 换出去的都经过质量检测)."""

    request = models.ForeignKey(AfterSale, verbose_name="售后单", on_delete=models.CASCADE,
                                related_name="exchange_checks")
    passed = models.BooleanField("检测合格")
    note = models.CharField("检测说明", max_length=300, blank=True)
    checked_by = models.ForeignKey(USER, verbose_name="检测人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField("检测时间", default=timezone.now)

    class Meta:
        verbose_name = "换货质检"
        verbose_name_plural = "换货质检"
        ordering = ["checked_at", "pk"]

    def __str__(self):
        return f"{self.request_id} {'合格' if self.passed else '不合格'}"


class Liability(models.Model):
    """Who bears an after-sales loss (AS-4), in fen, for settlement (FIN-2): the supplier
    when the packaging arrived intact, split between courier and supplier by the damage
    when it did not (seed contract 第五条), or the customer / ourselves. A revised
    assessment voids the earlier rows; finance reads the rows that are not void."""

    class Party(models.TextChoices):
        SUPPLIER = "supplier", _("供应商/品牌商")
        COURIER = "courier", _("快递公司")
        CUSTOMER = "customer", _("客户")
        OURS = "ours", _("我方")

    request = models.ForeignKey(AfterSale, verbose_name="售后单", on_delete=models.PROTECT,
                                related_name="liabilities")
    party = models.CharField("责任方", max_length=10, choices=Party.choices)
    supplier = models.ForeignKey("purchasing.Supplier", verbose_name="供应商", null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    courier = models.ForeignKey("fulfillment.Courier", verbose_name="快递公司", null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField("承担金额（分）")
    basis = models.CharField("依据", max_length=300, blank=True)
    decided_by = models.ForeignKey(USER, verbose_name="判定人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("判定时间", default=timezone.now, db_index=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "售后责任"
        verbose_name_plural = "售后责任"
        ordering = ["-decided_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gte=0),
                                              name="liability_amount_not_negative")]

    def __str__(self):
        return f"{self.request_id} {self.get_party_display()} {self.amount_fen}"

    @property
    def party_name(self):
        if self.party == self.Party.SUPPLIER and self.supplier_id:
            return str(self.supplier)
        if self.party == self.Party.COURIER and self.courier_id:
            return str(self.courier)
        return self.get_party_display()


class Refund(models.Model):
    """Money paid back (退款记录): how, how much, who, when and the payment reference."""

    class Method(models.TextChoices):
        ORIGINAL = "original", _("原路退回")
        PLATFORM = "platform", _("平台退款")
        OFFLINE = "offline", _("线下退款")

    request = models.ForeignKey(AfterSale, verbose_name="售后单", on_delete=models.PROTECT,
                                related_name="refunds")
    order = models.ForeignKey("orders.Order", verbose_name="订单", on_delete=models.PROTECT,
                              related_name="+")
    amount_fen = models.BigIntegerField("退款金额（分）")
    method = models.CharField("退款方式", max_length=10, choices=Method.choices)
    reference = models.CharField("退款流水号", max_length=80, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    refunded_by = models.ForeignKey(USER, verbose_name="经办人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    refunded_at = models.DateTimeField("退款时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "退款记录"
        verbose_name_plural = "退款记录"
        ordering = ["-refunded_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gt=0),
                                              name="refund_amount_positive")]

    def __str__(self):
        return f"{self.request_id} {self.amount_fen}"
