"""The order state machine (ORD-7): the one map of legal moves. Actions move orders only
through core.states.transition with this map."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("待付款")
    PAID = "paid", _("已付款")
    CONFIRMED = "confirmed", _("已确认")
    REVIEWED = "reviewed", _("已审单")
    PRINTED = "printed", _("已打单")
    PICKED = "picked", _("已配货")
    VERIFIED = "verified", _("已验货")
    PACKED = "packed", _("已打包")
    SHIPPED = "shipped", _("已发货")
    DELIVERED = "delivered", _("已签收")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")
    ON_HOLD = "on_hold", _("异常挂起")
    OUT_OF_STOCK = "out_of_stock", _("缺货")


S = State
# States an order can be held in (异常/挂起) or declared short (缺货) from, and go back to.
HOLDABLE = {S.PAID, S.CONFIRMED, S.REVIEWED}
# Before print the order is voided directly (ORD-6); after print it is intercepted (FUL-4).
CANCELLABLE = {S.PENDING_PAYMENT, S.PAID, S.CONFIRMED, S.REVIEWED, S.ON_HOLD, S.OUT_OF_STOCK}
PRINTED_OR_LATER = {S.PRINTED, S.PICKED, S.VERIFIED, S.PACKED}
# Printed but not shipped: the goods are in the warehouse's hands. Such an order is stopped
# by interception (held for the reviewer, or cancelled with its slip and waybill voided),
# and a picker's shortage puts it out of stock.
INTERCEPTABLE = PRINTED_OR_LATER
SHIPPED_OR_LATER = {S.SHIPPED, S.DELIVERED, S.COMPLETED}
TERMINAL = {S.COMPLETED, S.CANCELLED}

ALLOWED: dict[str, set[str]] = {
    S.PENDING_PAYMENT: {S.PAID, S.CANCELLED},
    S.PAID: {S.CONFIRMED, S.REVIEWED, S.CANCELLED, S.ON_HOLD, S.OUT_OF_STOCK},
    S.CONFIRMED: {S.REVIEWED, S.CANCELLED, S.ON_HOLD, S.OUT_OF_STOCK},
    S.REVIEWED: {S.PRINTED, S.CANCELLED, S.ON_HOLD, S.OUT_OF_STOCK},
    S.PRINTED: {S.PICKED, S.CANCELLED, S.ON_HOLD, S.OUT_OF_STOCK},
    S.PICKED: {S.VERIFIED, S.CANCELLED, S.ON_HOLD, S.OUT_OF_STOCK},
    S.VERIFIED: {S.PACKED, S.CANCELLED, S.ON_HOLD},
    S.PACKED: {S.SHIPPED, S.CANCELLED, S.ON_HOLD},
    S.SHIPPED: {S.DELIVERED},
    S.DELIVERED: {S.COMPLETED},
    S.COMPLETED: set(),
    S.CANCELLED: set(),
    # Released back to the state it was held from (held_from), or cancelled.
    S.ON_HOLD: HOLDABLE | INTERCEPTABLE | {S.CANCELLED},
    S.OUT_OF_STOCK: HOLDABLE | INTERCEPTABLE | {S.CANCELLED},
}


class Intercept(models.TextChoices):
    """Why a printed order must be stopped before it leaves (ORD-6, FUL-4)."""

    REFUND = "refund", _("该订单有退款")
    CANCEL = "cancel", _("订单已取消")


class HoldReason(models.TextChoices):
    """Why an order is held (异常/挂起) or short (缺货): typed, so queues can filter and
    FUL-1's rules can say which rule held it."""

    ADDRESS = "address", _("地址不完整或有误")
    CUSTOMER_REQUEST = "customer_request", _("客户要求暂缓发货")
    REMARK = "remark", _("留言/备注待确认")
    PAYMENT = "payment", _("付款异常")
    OUT_OF_STOCK = "out_of_stock", _("缺货")
    REFUND = "refund", _("有退款申请")
    BUYER_MESSAGE = "buyer_message", _("买家留言有变")
    REGION = "region", _("地区不发货")
    AMOUNT = "amount", _("金额超出阈值")
    WEIGHT = "weight", _("重量超出阈值")
    PRICE = "price", _("价格低于最低价")
    VERIFY = "verify", _("验货异常")
    OTHER = "other", _("其他")
