"""Orders (ORD-1, ORD-4, ORD-7). An order is legally binding once created: nothing edits it
in place except through an amendment (Amendment row + event), see actions/amend.py."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .states import HoldReason, Intercept, State


class Order(models.Model):
    State = State

    number = models.CharField("订单号", max_length=30, unique=True)
    channel = models.ForeignKey("catalog.Channel", verbose_name="渠道", on_delete=models.PROTECT,
                                related_name="orders")
    # Null for orders typed in by hand without a platform number; NULLs never collide.
    platform_order_no = models.CharField(  # noqa: DJ001 (NULL: no number, no uniqueness)
        "平台订单号", max_length=64, null=True, blank=True)
    state = models.CharField("状态", max_length=20, choices=State.choices,
                             default=State.PENDING_PAYMENT, db_index=True)
    # Why the order is on hold / out of stock and where it goes back to (typed, for FUL-1).
    hold_reason = models.CharField("挂起原因", max_length=30, choices=HoldReason.choices,
                                   blank=True)
    hold_note = models.CharField("挂起说明", max_length=300, blank=True)
    held_from = models.CharField("挂起前状态", max_length=20, blank=True)

    # The buyer's record (CS-4) when known: every shop order, and platform or hand-entered
    # orders once customer service links them. The recipient below is the order's own copy.
    customer = models.ForeignKey("service.Customer", verbose_name="客户", null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="orders")
    customer_name = models.CharField("收货人", max_length=60)
    customer_phone = models.CharField("联系电话", max_length=30)
    buyer_nick = models.CharField("买家昵称", max_length=60, blank=True)
    province = models.CharField("省", max_length=30)
    city = models.CharField("市", max_length=30)
    district = models.CharField("区/县", max_length=30, blank=True)
    address_detail = models.CharField("详细地址", max_length=200)
    buyer_message = models.TextField("买家留言", blank=True)
    seller_remark = models.TextField("商家备注", blank=True)
    invoice_title = models.CharField("发票抬头", max_length=100, blank=True)
    gift_card_text = models.CharField("贺卡内容", max_length=300, blank=True)
    delivery_time = models.CharField("送货时间要求", max_length=100, blank=True)
    courier = models.CharField("快递公司", max_length=30, blank=True)

    goods_fen = models.BigIntegerField("商品金额（分）", default=0)
    shipping_fen = models.BigIntegerField("运费（分）", default=0)
    discount_fen = models.BigIntegerField("优惠（分）", default=0)
    paid_fen = models.BigIntegerField("实付（分）", default=0)

    warehouse = models.ForeignKey("inventory.Warehouse", verbose_name="发货仓库",
                                  on_delete=models.PROTECT, related_name="orders")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("下单时间", default=timezone.now, db_index=True)
    paid_at = models.DateTimeField("付款时间", null=True, blank=True)
    # Set by the first print (FUL-2); an amendment after it forces a reprint (ORD-4).
    printed_at = models.DateTimeField("打单时间", null=True, blank=True)
    needs_reprint = models.BooleanField("需重打", default=False)

    # The warehouse line (FUL-1…FUL-6), set by the fulfillment actions; the events say the
    # same, these columns serve the queues and the two-person rule.
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审单人", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("审单时间", null=True, blank=True)
    picked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="配货人", null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    picked_at = models.DateTimeField("配货时间", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="验货人", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField("验货时间", null=True, blank=True)
    packed_at = models.DateTimeField("打包时间", null=True, blank=True)
    shipped_at = models.DateTimeField("发货时间", null=True, blank=True)
    delivered_at = models.DateTimeField("签收时间", null=True, blank=True)
    tracking_no = models.CharField("运单号", max_length=40, blank=True, db_index=True)
    # Review merged this order into another one to the same recipient: one parcel (FUL-1).
    merged_into = models.ForeignKey("self", verbose_name="合并到", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_orders")
    # Split off from this order by review (lines short or in another warehouse).
    split_from = models.ForeignKey("self", verbose_name="拆分自", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="split_orders")
    # A printed order that must be stopped (ORD-6, FUL-4): a refund was requested or the
    # order was cancelled after printing. The station stops it at the next scan.
    intercept = models.CharField("拦截", max_length=10, choices=Intercept.choices, blank=True)
    intercept_reason = models.CharField("拦截原因", max_length=300, blank=True)
    intercept_at = models.DateTimeField("拦截登记时间", null=True, blank=True)

    class Meta:
        verbose_name = "订单"
        verbose_name_plural = "订单"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["channel", "platform_order_no"],
                                               name="order_platform_no_unique")]
        indexes = [models.Index(fields=["customer_phone"], name="order_phone_idx"),
                   models.Index(fields=["platform_order_no"], name="order_platform_no_idx"),
                   # The queues: orders of one state, newest first (100,000 rows at peak).
                   models.Index(fields=["state", "-created_at"], name="order_state_created_idx"),
                   models.Index(fields=["state", "paid_at"], name="order_state_paid_idx"),
                   # The shipping and sales summaries (FUL-7) count by these times.
                   models.Index(fields=["paid_at"], name="order_paid_idx"),
                   models.Index(fields=["shipped_at"], name="order_shipped_idx")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("orders:order_detail", args=[self.pk])

    @property
    def address(self):
        return " ".join(p for p in (self.province, self.city, self.district,
                                    self.address_detail) if p)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, verbose_name="订单", on_delete=models.CASCADE,
                              related_name="lines")
    sku = models.ForeignKey("catalog.Sku", verbose_name="SKU", on_delete=models.PROTECT,
                            related_name="order_lines")
    title = models.CharField("商品标题", max_length=200)  # snapshot at order time
    quantity = models.PositiveIntegerField("数量")
    unit_price_fen = models.BigIntegerField("单价（分）")
    reservation = models.ForeignKey("inventory.Reservation", verbose_name="库存占用", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "订单行"
        verbose_name_plural = "订单行"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.order_id}: {self.sku_id} × {self.quantity}"

    @property
    def reference(self):
        return f"orders.orderline:{self.pk}"

    @property
    def amount_fen(self):
        return self.quantity * self.unit_price_fen


class Amendment(models.Model):
    """One change to a binding order (ORD-4, 红旗备注). Append-only: never updated."""

    class Field(models.TextChoices):
        ADDRESS = "address", _("收货地址")
        COURIER = "courier", _("快递公司")
        INVOICE_TITLE = "invoice_title", _("发票抬头")
        GIFT_CARD = "gift_card_text", _("贺卡内容")
        DELIVERY_TIME = "delivery_time", _("送货时间")
        SKU = "sku", _("商品规格")

    order = models.ForeignKey(Order, verbose_name="订单", on_delete=models.CASCADE,
                              related_name="amendments")
    field = models.CharField("修改项", max_length=20, choices=Field.choices)
    line = models.ForeignKey(OrderLine, verbose_name="订单行", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="amendments")
    before = models.JSONField("修改前")
    after = models.JSONField("修改后")
    reason = models.CharField("原因", max_length=300)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True,
                               on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)
    requires_reprint = models.BooleanField("需重打", default=False)

    class Meta:
        verbose_name = "订单修改"
        verbose_name_plural = "订单修改"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.order_id} {self.get_field_display()}"


class OrderImport(models.Model):
    """An uploaded platform order export (ORD-1): parsed into a preview that lists every
    problem row, applied only when confirmed. `plan` holds the parsed orders."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("待确认")
        APPLYING = "applying", _("导入中")
        DONE = "done", _("已导入")

    channel = models.ForeignKey("catalog.Channel", verbose_name="渠道", on_delete=models.PROTECT,
                                related_name="+")
    platform = models.CharField("格式", max_length=10)  # taobao | jd
    original_name = models.CharField("原文件名", max_length=200)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PREVIEW)
    plan = models.JSONField("解析结果", default=list, blank=True)
    # [{"row": 3, "order_no": "…", "message": "…", "message_en": "…"}]
    errors = models.JSONField("问题行", default=list, blank=True)
    summary = models.JSONField("结果", default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "订单导入"
        verbose_name_plural = "订单导入"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.original_name


class UnmatchedLine(models.Model):
    """A line of an imported order that matched no SKU (ORD-1). Its order waits, whole,
    until staff pick a SKU for every open line of it; then the order is created."""

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        RESOLVED = "resolved", _("已处理")
        DISCARDED = "discarded", _("已放弃")

    source = models.ForeignKey(OrderImport, verbose_name="导入", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="unmatched")
    channel = models.ForeignKey("catalog.Channel", verbose_name="渠道", on_delete=models.PROTECT,
                                related_name="+")
    platform_order_no = models.CharField("平台订单号", max_length=64, db_index=True)
    row_number = models.PositiveIntegerField("行号", default=0)
    line_index = models.PositiveIntegerField("订单内行序号", default=0)
    title = models.CharField("商品标题", max_length=200, blank=True)
    merchant_code = models.CharField("商家编码", max_length=64, blank=True)
    quantity = models.PositiveIntegerField("数量", default=1)
    reason = models.CharField("原因", max_length=200)
    raw = models.JSONField("原始行", default=dict)
    payload = models.JSONField("订单数据", default=dict)  # the whole parsed order
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN,
                             db_index=True)
    sku = models.ForeignKey("catalog.Sku", verbose_name="SKU", null=True, blank=True,
                            on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, verbose_name="订单", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    discard_reason = models.CharField("放弃原因", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "未匹配订单行"
        verbose_name_plural = "未匹配订单行"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.platform_order_no} #{self.line_index}"
