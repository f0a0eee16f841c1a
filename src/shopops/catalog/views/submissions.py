# TEMPORARY STUB — to be replaced
from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("catalog.view")
def submission_list(request, *args, **kwargs):
    return HttpResponse('submission_list')


urlpatterns = [
    path("submissions/", submission_list, name="submission_list"),
]
