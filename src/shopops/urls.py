from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("shopops.core.urls")),
    path("accounts/", include("shopops.accounts.urls")),
    path("ops/", include("shopops.ops.urls")),
    path("catalog/", include("shopops.catalog.urls")),
    path("inventory/", include("shopops.inventory.urls")),
    path("orders/", include("shopops.orders.urls")),
    path("fulfillment/", include("shopops.fulfillment.urls")),
    path("staff/", include("shopops.staff.urls")),
    path("service/", include("shopops.service.urls")),
    path("aftersales/", include("shopops.aftersales.urls")),
    path("shop/chat/", include("shopops.service.shop_urls")),
    path("shop/aftersales/", include("shopops.aftersales.shop_urls")),
    path("shop/", include("shopops.storefront.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler403 = "shopops.core.views.errors.permission_denied"
handler404 = "shopops.core.views.errors.not_found"
