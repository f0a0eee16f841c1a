# TEMPORARY STUB — to be replaced
from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("catalog.view")
def shelf_plan(request, *args, **kwargs):
    return HttpResponse('shelf_plan')


urlpatterns = [
    path("shelf/", shelf_plan, name="shelf_plan"),
]
