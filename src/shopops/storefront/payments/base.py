"""The payment provider interface. A provider (支付宝, 微信支付, the built-in sandbox…)
implements three things; everything else — payment records, idempotency, paying the
order, late payments, refunds — is the shop's, in storefront.payments.service.

    class MyProvider(PaymentProvider):
        code, name = "alipay", "支付宝"
        def create(self, *, payment, return_url, notify_url) -> str        # where to send the buyer
        def verify_notification(self, data) -> Notice                      # or raise InvalidNotification
        def refund(self, *, payment, refund_number, amount_fen, reason) -> RefundResult

See docs/payments.md for Alipay and WeChat Pay.
"""

from dataclasses import dataclass, field

from shopops.core.errors import UserError

SUCCEEDED, FAILED, CANCELLED = "succeeded", "failed", "cancelled"


class InvalidNotification(UserError):
    """A notification that does not verify (bad signature, unknown payment, bad fields).
    Nothing is changed; the attempt is recorded."""

    status = 400

    def __init__(self, reason: str, reason_en: str = ""):
        super().__init__("payment_notification_invalid", "支付通知无效：{reason}",
                         "Invalid payment notification: {reason_en}", reason=reason,
                         reason_en=reason_en or reason)


@dataclass(frozen=True)
class Notice:
    """What a verified notification says."""

    notify_id: str          # the provider's id of this notification (the same id twice = once)
    payment_number: str     # our Payment.number (支付宝 out_trade_no, 微信 out_trade_no)
    status: str             # SUCCEEDED | FAILED | CANCELLED
    amount_fen: int
    provider_ref: str = ""  # the provider's trade number
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    ok: bool
    provider_ref: str = ""
    message: str = ""


class PaymentProvider:
    code = ""
    name = ""
    # Shown to customers choosing how to pay.
    description = ""

    def create(self, *, payment, return_url: str, notify_url: str) -> str:
        """Start paying `payment` at the provider; return the URL to send the customer to
        (the provider's cashier page, or a QR-code page)."""
        raise NotImplementedError

    def notification_data(self, request) -> dict:
        """What the notify view hands to verify_notification: the posted form by default
        (Alipay). A provider that signs a raw JSON body and headers (WeChat Pay v3) returns
        {"body": request.body, "headers": dict(request.headers)} instead."""
        return request.POST.dict()

    def verify_notification(self, data: dict) -> Notice:
        """Check a notification's signature and read it; raise InvalidNotification."""
        raise NotImplementedError

    def refund(self, *, payment, refund_number: str, amount_fen: int, reason: str) -> RefundResult:
        """Give `amount_fen` of `payment` back to the customer. Must be idempotent by
        `refund_number` (the provider's out_request_no / out_refund_no)."""
        raise NotImplementedError

    def acknowledge(self, ok: bool) -> tuple[str, str]:
        """The body (and content type) the provider expects in answer to a notification."""
        return ("success" if ok else "fail"), "text/plain"
