"""Each part of staff declares its own `urlpatterns` in its views module."""

from . import (
    views_attendance,
    views_meetings,
    views_pay,
    views_plans,
    views_roster,
    views_scores,
)

app_name = "staff"

urlpatterns = [*views_roster.urlpatterns, *views_attendance.urlpatterns,
               *views_scores.urlpatterns]
urlpatterns += views_meetings.urlpatterns
urlpatterns += views_plans.urlpatterns
urlpatterns += views_pay.urlpatterns
