"""The customer's side of after-sales, under the shop (/shop/aftersales/)."""

from .shop_views import urlpatterns  # noqa: F401

app_name = "shop_aftersales"
