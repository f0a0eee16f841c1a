"""Providers by code. A provider module registers itself; the shop offers those listed in
the setting storefront.payment_providers that are registered."""

from shopops.core.errors import NotFoundError
from shopops.core.registry import define, setting

from .base import PaymentProvider

PROVIDERS: dict[str, PaymentProvider] = {}

define("storefront.payment_providers", ["sandbox"], type="list", label="商城支付方式",
       group="官网商城 Shop",
       description="顾客结算时可选的支付方式代码，逗号分隔（sandbox 为内置沙箱；接入支付宝、微信支付见 "
                   "docs/payments.md）。Payment provider codes offered at checkout.")


def register(provider: PaymentProvider) -> PaymentProvider:
    PROVIDERS[provider.code] = provider
    return provider


def get_provider(code: str) -> PaymentProvider:
    provider = PROVIDERS.get(code or "")
    if provider is None:
        raise NotFoundError("payment_provider_unknown", "不支持的支付方式：{provider}",
                            "Unknown payment provider: {provider}", provider=code)
    return provider


def offered() -> list[PaymentProvider]:
    return [PROVIDERS[c] for c in setting("storefront.payment_providers") if c in PROVIDERS]
