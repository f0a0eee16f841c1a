"""The B2C shop's own records: customer accounts, carts, and the money side of shop orders
(a Payment per attempt, the provider's notifications, refunds). Orders, customers and
stock live in their own apps; the shop only points at them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShopAccount(models.Model):
    """Signs a customer (service.Customer) in to the shop; not a staff account and never
    opens a staff page."""

    customer = models.OneToOneField("service.Customer", verbose_name="客户",
                                    on_delete=models.PROTECT, related_name="shop_account")
    # The mobile number the customer signs in with (normalised, digits only).
    login = models.CharField("登录手机号", max_length=20, unique=True)
    password = models.CharField("密码", max_length=128)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("注册时间", default=timezone.now)
    last_login_at = models.DateTimeField("最近登录", null=True, blank=True)
    failed_logins = models.PositiveIntegerField("连续登录失败", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "商城账号"
        verbose_name_plural = "商城账号"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.login


class Cart(models.Model):
    """A shopping cart: a signed-in customer's (one each), or an anonymous visitor's, known
    by the random key in their session (auth.visitor_key). Signing in merges the
    visitor's cart into the customer's. A cart binds nobody to anything: it reserves no
    stock; checkout does (orders.create_order)."""

    customer = models.OneToOneField("service.Customer", verbose_name="客户", null=True,
                                    blank=True, on_delete=models.CASCADE,
                                    related_name="shop_cart")
    visitor_key = models.CharField(  # noqa: DJ001 (NULL: a customer's cart, no key)
        "访客标识", max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "购物车"
        verbose_name_plural = "购物车"
        constraints = [models.CheckConstraint(
            condition=Q(customer__isnull=False) | Q(visitor_key__isnull=False),
            name="cart_has_owner")]

    def __str__(self):
        return f"购物车 #{self.pk}"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, verbose_name="购物车", on_delete=models.CASCADE,
                             related_name="items")
    sku = models.ForeignKey("catalog.Sku", verbose_name="SKU", on_delete=models.CASCADE,
                            related_name="+")
    quantity = models.PositiveIntegerField("数量")
    added_at = models.DateTimeField("加入时间", default=timezone.now)

    class Meta:
        verbose_name = "购物车商品"
        verbose_name_plural = "购物车商品"
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "sku"], name="cart_item_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_item_quantity_1"),
        ]

    def __str__(self):
        return f"{self.sku_id} × {self.quantity}"


class Payment(models.Model):
    """One attempt to pay a shop order through a provider (storefront.payments). The
    provider's word (a verified notification) moves it; a success pays the order, or —
    when the order was cancelled meanwhile — re-orders the goods or refunds the money
    (`outcome`). Money is never lost: every success has an outcome."""

    class State(models.TextChoices):
        CREATED = "created", _("待支付")
        SUCCEEDED = "succeeded", _("支付成功")
        FAILED = "failed", _("支付失败")
        CANCELLED = "cancelled", _("已取消支付")

    class Outcome(models.TextChoices):
        NONE = "", _("—")
        PAID = "paid", _("订单已付款")
        REORDERED = "reordered", _("订单已取消，已重新下单")
        REFUNDED = "refunded", _("订单已取消，已原路退款")
        DUPLICATE = "duplicate", _("重复付款，已原路退款")
        REFUND_FAILED = "refund_failed", _("退款失败，待人工处理")

    number = models.CharField("支付单号", max_length=30, unique=True)
    order = models.ForeignKey("orders.Order", verbose_name="订单", on_delete=models.PROTECT,
                              related_name="payments")
    customer = models.ForeignKey("service.Customer", verbose_name="客户", null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField("支付方式", max_length=20)
    amount_fen = models.BigIntegerField("金额（分）")
    state = models.CharField("状态", max_length=12, choices=State.choices,
                             default=State.CREATED, db_index=True)
    outcome = models.CharField("处理结果", max_length=15, choices=Outcome.choices, blank=True)
    # The provider's own number for the payment (支付宝交易号, 微信支付订单号…).
    provider_ref = models.CharField("渠道交易号", max_length=64, blank=True)
    # A payment that arrived after its order was cancelled and bought the goods again.
    reorder = models.ForeignKey("orders.Order", verbose_name="重新下单", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="late_payments")
    note = models.CharField("说明", max_length=300, blank=True)
    refunded_fen = models.BigIntegerField("已退款（分）", default=0)
    created_at = models.DateTimeField("发起时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "支付记录"
        verbose_name_plural = "支付记录"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="payment_amount_ge_0"),
            models.CheckConstraint(condition=Q(refunded_fen__gte=0)
                                   & Q(refunded_fen__lte=F("amount_fen")),
                                   name="payment_refund_within_amount"),
        ]
        indexes = [models.Index(fields=["order", "state"], name="payment_order_state_idx"),
                   models.Index(fields=["outcome", "-created_at"], name="payment_outcome_idx")]

    def __str__(self):
        return self.number

    @property
    def provider_label(self) -> str:
        from .payments.registry import PROVIDERS

        provider = PROVIDERS.get(self.provider)
        return provider.name if provider is not None else self.provider

    @property
    def refundable_fen(self) -> int:
        if self.state != self.State.SUCCEEDED:
            return 0
        return self.amount_fen - self.refunded_fen


class PaymentNotification(models.Model):
    """Each verified notification a provider sent, once (the unique key makes a repeated
    notification a no-op: the same notification twice pays once)."""

    provider = models.CharField("支付方式", max_length=20)
    notify_id = models.CharField("通知编号", max_length=80)
    payment = models.ForeignKey(Payment, verbose_name="支付记录", on_delete=models.PROTECT,
                                related_name="notifications")
    status = models.CharField("通知结果", max_length=12)
    amount_fen = models.BigIntegerField("金额（分）")
    payload = models.JSONField("原始通知", default=dict)
    received_at = models.DateTimeField("收到时间", default=timezone.now)

    class Meta:
        verbose_name = "支付通知"
        verbose_name_plural = "支付通知"
        ordering = ["-received_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["provider", "notify_id"],
                                               name="payment_notification_once")]

    def __str__(self):
        return f"{self.provider}:{self.notify_id}"


class Refund(models.Model):
    """Money given back through the provider the customer paid with: a late payment, a
    duplicate payment, or an after-sales refund (storefront.payments.refund_payment)."""

    class State(models.TextChoices):
        SUCCEEDED = "succeeded", _("退款成功")
        FAILED = "failed", _("退款失败")

    number = models.CharField("退款单号", max_length=30, unique=True)
    payment = models.ForeignKey(Payment, verbose_name="支付记录", on_delete=models.PROTECT,
                                related_name="refunds")
    order = models.ForeignKey("orders.Order", verbose_name="订单", on_delete=models.PROTECT,
                              related_name="shop_refunds")
    amount_fen = models.BigIntegerField("退款金额（分）")
    reason = models.CharField("退款原因", max_length=300)
    state = models.CharField("状态", max_length=10, choices=State.choices)
    provider_ref = models.CharField("渠道退款号", max_length=64, blank=True)
    message = models.CharField("渠道返回信息", max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("退款时间", default=timezone.now)

    class Meta:
        verbose_name = "退款记录"
        verbose_name_plural = "退款记录"
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0),
                                              name="refund_amount_gt_0")]

    def __str__(self):
        return self.number
