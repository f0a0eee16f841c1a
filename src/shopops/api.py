"""The HTTP API under /api/v1/ (OpenAPI at /api/v1/openapi.json).

Every operation declares what it needs with `@api_access(...)` (core.access rules); the
URL-walk test fails for an operation that declares nothing."""

from importlib import import_module

from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI
from ninja.security import django_auth

from shopops.core.errors import UserError

api = NinjaAPI(
    title="ShopOps API",
    version="1",
    description="ShopOps 电商运营管理系统 API",
    auth=django_auth,
    urls_namespace="api",
    # The schema and docs describe internal operations: staff only.
    docs_decorator=login_required,
)


@api.exception_handler(UserError)
def user_error(request, exc: UserError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _add_routers():
    from shopops.core.api import router as core_router
    from shopops.ops.api import router as ops_router

    api.add_router("/", core_router)
    api.add_router("/ops/", ops_router)
    for prefix, module in (("/catalog/", "shopops.catalog.api"),
                           ("/inventory/", "shopops.inventory.api"),
                           ("/orders/", "shopops.orders.api"),
                           ("/fulfillment/", "shopops.fulfillment.api"),
                           ("/staff/", "shopops.staff.api"),
                           ("/service/", "shopops.service.api"),
                           ("/aftersales/", "shopops.aftersales.api")):
        api.add_router(prefix, import_module(module).router)


_add_routers()
