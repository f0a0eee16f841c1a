# TEMPORARY STUB — to be replaced
from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("catalog.view")
def import_list(request, *args, **kwargs):
    return HttpResponse('import_list')


urlpatterns = [
    path("imports/", import_list, name="import_list"),
]
