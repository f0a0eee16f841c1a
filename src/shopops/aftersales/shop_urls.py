"""The customer's side of after-sales, under the shop (/shop/aftersales/)."""

app_name = "shop_aftersales"

urlpatterns = []
