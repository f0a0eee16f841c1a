"""Placeholder until this step's pages are written."""

from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("fulfillment.verify")
def verify_station(request):
    return HttpResponse("待实现")


urlpatterns = [
    path("verify-station/", verify_station, name="verify_station"),
]
