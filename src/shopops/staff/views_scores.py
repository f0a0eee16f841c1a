"""Placeholder until this part's pages are written."""

from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("staff.view_team")
def penalty_list(request):
    return HttpResponse("待实现")


@access("staff.view_team")
def score_list(request):
    return HttpResponse("待实现")


urlpatterns = [
    path("penalty-list/", penalty_list, name="penalty_list"),
    path("score-list/", score_list, name="score_list"),
]
