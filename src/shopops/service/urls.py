"""Each area of customer service declares its own `urlpatterns` in its views module."""

from . import views_privacy

# crm / quality
from . import (  # isort: skip
    views_customers, views_followups, views_quality, views_reports, views_reviews,
    views_segments)

app_name = "service"

urlpatterns = [*views_privacy.urlpatterns]

# crm / quality
urlpatterns += [*views_customers.urlpatterns, *views_followups.urlpatterns,
                *views_segments.urlpatterns, *views_quality.urlpatterns,
                *views_reports.urlpatterns, *views_reviews.urlpatterns]
