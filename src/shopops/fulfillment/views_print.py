"""Placeholder until this step's pages are written."""

from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("fulfillment.view")
def wave_list(request):
    return HttpResponse("待实现")


@access("fulfillment.view")
def transfer_list(request):
    return HttpResponse("待实现")


urlpatterns = [
    path("wave-list/", wave_list, name="wave_list"),
    path("transfer-list/", transfer_list, name="transfer_list"),
]
