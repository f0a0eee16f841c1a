"""Each area of inventory declares its own `urlpatterns` in its views module."""

from .views import documents, stock, warehouses

app_name = "inventory"

urlpatterns = [
    *stock.urlpatterns,
    *documents.urlpatterns,
    *warehouses.urlpatterns,
]
