# TEMPORARY STUB — to be replaced
from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("inventory.view")
def warehouse_list(request, *args, **kwargs):
    return HttpResponse('warehouse_list')


urlpatterns = [
    path("warehouses/", warehouse_list, name="warehouse_list"),
]
