"""Each area of orders declares its own `urlpatterns` in its views module."""

from . import views, views_imports

app_name = "orders"

urlpatterns = [*views.urlpatterns, *views_imports.urlpatterns]
