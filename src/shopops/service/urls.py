"""Each area of customer service declares its own `urlpatterns` in its views module."""

from . import views_privacy

app_name = "service"

urlpatterns = [*views_privacy.urlpatterns]
