"""Placeholder until this part's pages are written."""

from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("staff.view_team")
def roster(request):
    return HttpResponse("待实现")


urlpatterns = [
    path("roster/", roster, name="roster"),
]
