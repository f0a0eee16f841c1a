"""Placeholder until this step's pages are written."""

from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("fulfillment.view")
def tracking_list(request):
    return HttpResponse("待实现")


@access("fulfillment.view")
def summary_list(request):
    return HttpResponse("待实现")


urlpatterns = [
    path("tracking-list/", tracking_list, name="tracking_list"),
    path("summary-list/", summary_list, name="summary_list"),
]
