"""Each step of the line declares its own `urlpatterns` in its views module."""

from . import views_pack, views_print, views_review, views_shipping, views_verify

app_name = "fulfillment"

urlpatterns = [*views_review.urlpatterns, *views_print.urlpatterns, *views_verify.urlpatterns,
               *views_pack.urlpatterns, *views_shipping.urlpatterns]
