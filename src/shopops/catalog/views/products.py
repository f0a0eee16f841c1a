# TEMPORARY STUB — to be replaced
from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("catalog.view")
def product_list(request, *args, **kwargs):
    return HttpResponse('product_list')


@access("catalog.view")
def product_detail(request, *args, **kwargs):
    return HttpResponse('product_detail')


urlpatterns = [
    path("", product_list, name="product_list"),
    path("<int:pk>/", product_detail, name="product_detail"),
]
