# TEMPORARY STUB — to be replaced
from django.http import HttpResponse
from django.urls import path

from shopops.core.access import access


urlpatterns = [
]
