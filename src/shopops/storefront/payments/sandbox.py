"""The built-in sandbox provider: a cashier page of its own (storefront:sandbox_pay) where
the customer chooses 支付成功 / 支付失败 / 取消支付, and notifications signed like a real
provider's (HMAC-SHA256 over the sorted fields with a key only the shop knows), so the
whole path — signature check, idempotency, late payments, refunds — runs as it will
with Alipay or WeChat Pay. No money moves.

The key: SHOPOPS_PAYMENT_SANDBOX_KEY, else var/payment_sandbox.key (made on first use)."""

import hashlib
import hmac
import os
import secrets

from django.conf import settings
from django.urls import reverse

from .base import (
    CANCELLED,
    FAILED,
    SUCCEEDED,
    InvalidNotification,
    Notice,
    PaymentProvider,
    RefundResult,
)
from .registry import register

RESULTS = {"success": SUCCEEDED, "fail": FAILED, "cancel": CANCELLED}
FIELDS = ("notify_id", "out_trade_no", "trade_no", "result", "amount_fen")


def _key() -> bytes:
    key = os.environ.get("SHOPOPS_PAYMENT_SANDBOX_KEY", "")
    if not key:
        path = settings.VAR_DIR / "payment_sandbox.key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(32))
            path.chmod(0o600)
        key = path.read_text().strip()
    return key.encode()


def sign(data: dict) -> str:
    text = "&".join(f"{k}={data[k]}" for k in sorted(data) if k != "sign" and data[k] != "")
    return hmac.new(_key(), text.encode(), hashlib.sha256).hexdigest()


class SandboxProvider(PaymentProvider):
    code = "sandbox"
    name = "沙箱支付"
    description = "测试用支付，不会真实扣款"
    fail_refunds = False  # tests flip it to see a refund the provider refuses

    def create(self, *, payment, return_url, notify_url):
        return reverse("storefront:sandbox_pay", args=[payment.number])

    def notification(self, payment, result: str) -> dict:
        """The gateway's side: the signed notification it sends for the customer's choice."""
        data = {"notify_id": f"SBN{secrets.token_hex(8)}", "out_trade_no": payment.number,
                "trade_no": f"SB{secrets.token_hex(6).upper()}", "result": result,
                "amount_fen": str(payment.amount_fen)}
        data["sign"] = sign(data)
        return data

    def verify_notification(self, data):
        data = {k: str(v) for k, v in dict(data).items()}
        given = data.get("sign", "")
        if not given or not hmac.compare_digest(given, sign(data)):
            raise InvalidNotification("签名不正确", "bad signature")
        missing = [f for f in FIELDS if not data.get(f)]
        if missing:
            raise InvalidNotification(f"缺少字段 {', '.join(missing)}", "missing fields")
        if data["result"] not in RESULTS or not data["amount_fen"].isdigit():
            raise InvalidNotification("字段值无效", "bad field values")
        return Notice(notify_id=data["notify_id"], payment_number=data["out_trade_no"],
                      status=RESULTS[data["result"]], amount_fen=int(data["amount_fen"]),
                      provider_ref=data["trade_no"], raw=data)

    def refund(self, *, payment, refund_number, amount_fen, reason):
        if self.fail_refunds:
            return RefundResult(False, "", "沙箱模拟：退款被拒绝")
        return RefundResult(True, f"SBR{refund_number[-8:]}{secrets.token_hex(3).upper()}",
                            "沙箱退款成功")


sandbox = register(SandboxProvider())
