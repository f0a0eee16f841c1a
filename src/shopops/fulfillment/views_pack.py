"""Placeholder until this step's pages are written."""

from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("fulfillment.pack")
def pack_station(request):
    return HttpResponse("待实现")


@access("fulfillment.view")
def handover_list(request):
    return HttpResponse("待实现")


urlpatterns = [
    path("pack-station/", pack_station, name="pack_station"),
    path("handover-list/", handover_list, name="handover_list"),
]
