"""After-sales (售后, AS-1…AS-5): a customer's refund / return / exchange / repair request
on an order, its lines and evidence photos. Receiving, inspection, liability and refunds
hang off the request."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        OTHER = "other", _("其他")

    class State(models.TextChoices):
        REQUESTED = "requested", _("待处理")
        APPROVED = "approved", _("已同意，待寄回")
        REJECTED = "rejected", _("已拒绝")
        RECEIVED = "received", _("已收到退货")
        INSPECTED = "inspected", _("已检验")
        REFUNDED = "refunded", _("已退款")
        EXCHANGE_SHIPPING = "exchange_shipping", _("换货发出中")
        REPAIRING = "repairing", _("维修中")
        COMPLETED = "completed", _("已完成")
        CANCELLED = "cancelled", _("已撤销")

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
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理客服", null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("申请时间", default=timezone.now, db_index=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    closed_at = models.DateTimeField("完结时间", null=True, blank=True)
    # An exchange (or a repaired item going back) ships as a new order through the
    # warehouse line (FUL-*), after the quality check (AS-3).
    replacement_order = models.ForeignKey("orders.Order", verbose_name="换货/返修发货单",
                                          null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")

    class Meta:
        verbose_name = "售后单"
        verbose_name_plural = "售后单"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="aftersale_state_idx")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("aftersales:request_detail", args=[self.pk])


class AfterSaleLine(models.Model):
    request = models.ForeignKey(AfterSale, verbose_name="售后单", on_delete=models.CASCADE,
                                related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", verbose_name="订单行",
                                   on_delete=models.PROTECT, related_name="after_sale_lines")
    quantity = models.PositiveIntegerField("数量")
    exchange_sku = models.ForeignKey("catalog.Sku", verbose_name="换成", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

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
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "售后凭证"
        verbose_name_plural = "售后凭证"
        ordering = ["pk"]

    def __str__(self):
        return self.original_name
