"""Periodic job of this part (registered at import, from StaffConfig.ready): every day the
morning meetings (晨会, HR-5) of the coming week are scheduled for the people rostered to
work, so nobody has to remember to; people rostered later join at the next run."""

from datetime import timedelta

from django.utils import timezone

from shopops.core.periodic import daily_at, register_periodic
from shopops.core.registry import setting

JOB = "staff.morning_meetings"


def run_morning_meetings(now=None) -> list:
    from .actions.meetings import schedule_morning_meetings

    today = timezone.localtime(now or timezone.now()).date()
    ahead = int(setting("staff.morning_meeting_days_ahead"))
    return schedule_morning_meetings(actor=None, first=today,
                                     last=today + timedelta(days=ahead - 1))


register_periodic(JOB, next_run=daily_at("staff.morning_meeting_schedule_time"),
                  run=run_morning_meetings)
