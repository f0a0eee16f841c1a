# TEMPORARY STUB — to be replaced
from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("catalog.view")
def reference(request, *args, **kwargs):
    return HttpResponse('reference')


urlpatterns = [
    path("reference/", reference, name="reference"),
]
