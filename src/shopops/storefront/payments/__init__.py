"""Payments of shop orders through a provider interface (base.PaymentProvider), with the
built-in sandbox provider. For other work:

    from shopops.storefront.payments import refund_payment
    refund_payment(actor=agent, order=order, amount_fen=5900, reason="质量问题退货退款")

refunds a shop-paid order through the provider the customer paid with and records it
(a Refund row per payment touched, an event on the order). See docs/payments.md.
"""

from . import sandbox  # noqa: F401  (registers the sandbox provider)
from .base import InvalidNotification, Notice, PaymentProvider, RefundResult
from .registry import get_provider, offered, register
from .service import (
    amount_due,
    pay_deadlines,
    paying_payments,
    receive_notification,
    refund_payment,
    start_payment,
)

__all__ = ["InvalidNotification", "Notice", "PaymentProvider", "RefundResult", "amount_due",
           "get_provider", "offered", "pay_deadlines", "paying_payments",
           "receive_notification", "refund_payment", "register", "start_payment"]
