"""Each area of after-sales declares its own `urlpatterns` in its views module."""

from . import views, views_liability, views_receiving, views_supervisor

app_name = "aftersales"

urlpatterns = [*views.urlpatterns, *views_receiving.urlpatterns,
               *views_supervisor.urlpatterns, *views_liability.urlpatterns]
