from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("shopops.core.urls")),
    path("accounts/", include("shopops.accounts.urls")),
    path("ops/", include("shopops.ops.urls")),
    path("api/v1/", api.urls),
]

handler403 = "shopops.core.views.errors.permission_denied"
handler404 = "shopops.core.views.errors.not_found"
