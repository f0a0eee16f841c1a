"""The shop's periodic job: anonymous visitors' carts nobody touched for
storefront.visitor_cart_days are removed every night (a signed-in customer's cart stays
with the account)."""

from datetime import time, timedelta

from django.utils import timezone

from shopops.core.periodic import daily_at, register_periodic
from shopops.core.registry import define, setting

from .models import Cart

define("storefront.visitor_cart_days", 30, type="int", unit="天", min=1, max=365,
       label="游客购物车保留天数", group="官网商城 Shop",
       description="未登录访客的购物车这么多天没有变动就清除（登录顾客的购物车一直保留）。"
                   "Days an anonymous visitor's untouched cart is kept.")
define("storefront.cart_cleanup_time", time(3, 30), type="time", label="清理游客购物车时间",
       group="官网商城 Shop", description="每天这个时间清理过期的游客购物车。"
                                          "When abandoned visitor carts are removed each day.")


def purge_visitor_carts(*, now=None) -> int:
    """Remove anonymous carts untouched for storefront.visitor_cart_days (with their lines).
    Returns how many carts."""
    cutoff = (now or timezone.now()) - timedelta(days=setting("storefront.visitor_cart_days"))
    _, removed = Cart.objects.filter(customer__isnull=True, updated_at__lt=cutoff).delete()
    return removed.get(Cart._meta.label, 0)


def register_jobs():
    register_periodic("storefront.purge_visitor_carts",
                      next_run=daily_at("storefront.cart_cleanup_time"),
                      run=lambda: purge_visitor_carts())
