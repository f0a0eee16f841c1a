"""旷工 (HR-4): a rostered working day with no clock-in and no leave costs that day's pay
(the person's base pay ÷ full-attendance days, or the flat setting staff.daily_wage_fen for
someone without a base pay, staff/actions/pay.py); 3 consecutive absent rostered days or 5 in a month flag the person for
dismissal handling (the manager is told; staff.dismissal_flag is recorded once a month).

The roster is the authority on who was due at work: a CS agent on the weekend rota is due
on a Saturday, a person rostered to rest on a weekday is not. "Consecutive" counts the
person's own rostered working days, so rest days in between do not break a run.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shopops.accounts.queries import users_with_roles
from shopops.core import events
from shopops.core.models import Event
from shopops.core.notify import notify
from shopops.core.registry import setting

from ..models import Absence, Attendance, LeaveRequest, RosterEntry
from .pay import daily_wage

FLAG_VERB = "staff.dismissal_flag"


def _day_window(day):
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def _on_leave(day) -> set[int]:
    """People whose approved leave (or emergency leave still waiting) touches the day. Any
    overlap counts: the manager let them be away that day, a partial day is not 旷工."""
    start, end = _day_window(day)
    S = LeaveRequest.State
    return set(LeaveRequest.objects.filter(start__lt=end, end__gt=start).filter(
        Q(state=S.APPROVED) | Q(state=S.PENDING, emergency=True)
    ).values_list("person_id", flat=True))


@transaction.atomic
def detect_absences(*, day, now=None) -> int:
    """Record the absences of `day`; returns how many new Absence rows were made."""
    now = now or timezone.now()
    due = {e.person_id: e.person for e in RosterEntry.objects.filter(
        day=day, shift__isnull=False, person__is_active=True).select_related("person")}
    present = set(Attendance.objects.filter(day=day, clock_in__isnull=False, person__in=list(due))
                  .values_list("person_id", flat=True))
    already = set(Absence.objects.filter(day=day, person__in=list(due))
                  .values_list("person_id", flat=True))
    missing = set(due) - present - _on_leave(day) - already
    made = 0
    for person_id in sorted(missing):
        person = due[person_id]
        wage = daily_wage(person_id, day)
        absence, created = Absence.objects.get_or_create(
            person=person, day=day, defaults={"deduction_fen": wage, "detected_at": now})
        if not created:
            continue
        made += 1
        events.record(actor=None, verb="staff.absent", obj=absence,
                      summary=f"{person} {day} 未打卡且无请假，认定旷工，扣当天工资",
                      data={"person_id": person.pk, "day": day, "deduction_fen": wage})
        notify([person], title=f"{day} 旷工记录",
               body="当天排班未打卡且无已批准的请假，按旷工处理。如有误请找部门经理补录。",
               category="staff")
        _flag_if_due(person, day)
    return made


def _consecutive_absent(person, day) -> int:
    """How many of the person's rostered working days up to `day` were absent in a row."""
    limit = setting("staff.absence_consecutive_days")
    days = list(RosterEntry.objects.filter(person=person, day__lte=day, shift__isnull=False)
                .order_by("-day").values_list("day", flat=True)[:limit])
    absent = set(Absence.objects.filter(person=person, day__in=days, excused=False)
                 .values_list("day", flat=True))
    run = 0
    for rostered in days:
        if rostered not in absent:
            break
        run += 1
    return run


def _flag_if_due(person, day):
    run = _consecutive_absent(person, day)
    in_month = Absence.objects.filter(person=person, excused=False, day__year=day.year,
                                      day__month=day.month).count()
    if run >= setting("staff.absence_consecutive_days"):
        reason = f"连续旷工 {run} 天"
    elif in_month >= setting("staff.absence_month_days"):
        reason = f"本月旷工 {in_month} 天"
    else:
        return
    month = f"{day:%Y-%m}"
    if Event.objects.filter(verb=FLAG_VERB, object_type=person._meta.label_lower,
                            object_id=str(person.pk), data__month=month).exists():
        return
    message = f"{person} {reason}，按规定作自动离职处理，请处理"
    events.record(actor=None, verb=FLAG_VERB, obj=person, summary=message,
                  data={"month": month, "day": day, "consecutive": run, "in_month": in_month})
    notify(users_with_roles(["manager"]), title=message,
           body=f"截至 {day}：连续旷工 {run} 天，本月旷工 {in_month} 天。", category="staff")
