"""Each area of the catalog declares its own `urlpatterns` in its views module."""

from .views import imports, listing, media, pricing, products, reference, shelf, submissions

app_name = "catalog"

urlpatterns = [
    *products.urlpatterns,
    *media.urlpatterns,
    *reference.urlpatterns,
    *submissions.urlpatterns,
    *shelf.urlpatterns,
    *pricing.urlpatterns,
    *listing.urlpatterns,
    *imports.urlpatterns,
]
