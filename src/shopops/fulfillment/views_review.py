"""Placeholder until this step's pages are written."""

from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("fulfillment.view")
def review_queue(request):
    return HttpResponse("待实现")


@access("fulfillment.view")
def rule_list(request):
    return HttpResponse("待实现")


@access("fulfillment.view")
def end_of_day(request):
    return HttpResponse("待实现")


urlpatterns = [
    path("review-queue/", review_queue, name="review_queue"),
    path("rule-list/", rule_list, name="rule_list"),
    path("end-of-day/", end_of_day, name="end_of_day"),
]
