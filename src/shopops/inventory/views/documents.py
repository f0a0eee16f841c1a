# TEMPORARY STUB — to be replaced
from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("inventory.view")
def document_list(request, *args, **kwargs):
    return HttpResponse('document_list')


@access("inventory.view")
def document_detail(request, *args, **kwargs):
    return HttpResponse('document_detail')


urlpatterns = [
    path("documents/", document_list, name="document_list"),
    path("documents/<int:pk>/", document_detail, name="document_detail"),
]
