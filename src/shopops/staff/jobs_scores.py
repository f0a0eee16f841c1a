"""Periodic jobs of this part (registered at import, from StaffConfig.ready).

staff.scores (daily at staff.scores_time): recompute the running month's scorecard; on the
day before payday (staff.payday_day) also recompute last month and draft its 奖罚评分表,
then tell the supervisors.
"""

from datetime import timedelta

from django.utils import timezone

from shopops.core.errors import UserError
from shopops.core.periodic import daily_at, register_periodic
from shopops.core.registry import setting

from .actions import sheet as sheet_actions
from .actions.scores import compute_month
from .scoring import first_of

JOB = "staff.scores"


def run_scores(now=None) -> dict:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    done = {"computed": [today.replace(day=1)], "drafted": None}
    compute_month(actor=None, month=today, now=now)
    if today.day == int(setting("staff.payday_day")) - 1:
        last = first_of(first_of(today) - timedelta(days=1))
        compute_month(actor=None, month=last, now=now)
        done["computed"].append(last)
        try:
            sheet = sheet_actions.draft_sheet(actor=None, month=last)
        except UserError:  # already reviewed: the supervisors' version stands
            return done
        sheet_actions.notify_supervisors(sheet)
        done["drafted"] = last
    return done


register_periodic(JOB, next_run=daily_at("staff.scores_time"), run=run_scores)
