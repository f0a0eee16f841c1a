"""Periodic jobs of this part (registered at import, from StaffConfig.ready): each morning
the previous day's absences (旷工) are recorded (HR-4)."""

from datetime import timedelta

from django.utils import timezone

from shopops.core.periodic import daily_at, register_periodic


def run_absence_check():
    from .actions.absence import detect_absences

    now = timezone.now()
    detect_absences(day=timezone.localtime(now).date() - timedelta(days=1), now=now)


register_periodic("staff.absence_check", next_run=daily_at("staff.absence_check_time"),
                  run=run_absence_check)
