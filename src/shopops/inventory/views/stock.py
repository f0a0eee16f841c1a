# TEMPORARY STUB — to be replaced
from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("inventory.view")
def stock_list(request, *args, **kwargs):
    return HttpResponse('stock_list')


@access("inventory.view")
def move_list(request, *args, **kwargs):
    return HttpResponse('move_list')


urlpatterns = [
    path("", stock_list, name="stock_list"),
    path("moves/", move_list, name="move_list"),
]
