# TEMPORARY STUB — to be replaced
from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


@access("catalog.view")
def price_list(request, *args, **kwargs):
    return HttpResponse('price_list')


urlpatterns = [
    path("prices/", price_list, name="price_list"),
]
