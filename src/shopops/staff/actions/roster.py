"""Rosters (HR-2): one entry per person per day, written by upsert so two planners editing
the same cell cannot create a second row; 值班 / 值日 rotas."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from shopops.core.access import require
from shopops.core.errors import UserError
from shopops.core.events import record

from .. import calendar
from ..models import DutyAssignment, RosterEntry, Shift

CAP = "staff.manage_roster"
MAX_DAYS = 62  # two months at a time is the most a planner fills in one go


def _check(actor):
    if actor is not None:
        require(actor, CAP)


def _days(first: date, last: date) -> list[date]:
    if last < first:
        raise UserError("roster_range", "结束日期早于开始日期", "The last day is before the first")
    if (last - first).days >= MAX_DAYS:
        raise UserError("roster_range_long", "一次最多排 {n} 天", "At most {n} days at a time",
                        n=MAX_DAYS)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _people(people) -> list:
    people = list(people)
    if not people:
        raise UserError("roster_no_people", "请选择员工", "Choose at least one person")
    return people


def _upsert(actor, cells: list[tuple], note=""):
    """cells: (person, day, shift|None). INSERT … ON CONFLICT (person, day) DO UPDATE."""
    now = timezone.now()
    RosterEntry.objects.bulk_create(
        [RosterEntry(person=p, day=d, shift=s, note=note, updated_by=actor, updated_at=now)
         for p, d, s in cells],
        update_conflicts=True, unique_fields=["person", "day"],
        update_fields=["shift", "note", "updated_by", "updated_at"])


@transaction.atomic
def set_shift(*, actor, person, day: date, shift: Shift | None, note: str = "") -> RosterEntry:
    """Put `person` on `shift` that day, or give them the day off (shift None)."""
    _check(actor)
    if shift is not None and not shift.active:
        raise UserError("shift_inactive", "班次「{name}」已停用", "Shift {name} is not active",
                        name=shift.name)
    _upsert(actor, [(person, day, shift)], note=note[:100])
    entry = RosterEntry.objects.select_related("shift").get(person=person, day=day)
    what = shift.name if shift else "休息"
    record(actor=actor, verb="staff.roster_set", obj=entry,
           summary=f"{person} {day:%Y-%m-%d} 排班：{what}",
           data={"person": person.pk, "day": day.isoformat(),
                 "shift": shift.code if shift else None})
    return entry


@transaction.atomic
def fill_roster(*, actor, people, first: date, last: date, shift: Shift,
                rest_weekdays=(5, 6), follow_calendar: bool = True) -> int:
    """Fill a period: working days get `shift`, rest days rest. Following the calendar,
    legal holidays rest and make-up working days (调休) work whatever the weekday."""
    _check(actor)
    people, days = _people(people), _days(first, last)
    kinds = calendar.kinds_between(first, last) if follow_calendar else {}
    rest_weekdays = {int(w) for w in rest_weekdays}

    def works(day):
        kind = kinds.get(day, (None, ""))[0]
        if kind == calendar.HOLIDAY:
            return False
        if kind == calendar.MAKEUP:
            return True
        return day.weekday() not in rest_weekdays

    plan = {day: (shift if works(day) else None) for day in days}
    _upsert(actor, [(p, d, s) for p in people for d, s in plan.items()])
    worked = sum(1 for s in plan.values() if s)
    record(actor=actor, verb="staff.roster_filled", obj=shift,
           summary=f"排班 {first:%Y-%m-%d}～{last:%Y-%m-%d}：{len(people)} 人 {shift.name}，"
                   f"每人上班 {worked} 天",
           data={"people": [p.pk for p in people], "first": first.isoformat(),
                 "last": last.isoformat(), "shift": shift.code, "working_days": worked,
                 "follow_calendar": follow_calendar})
    return len(people) * len(days)


@transaction.atomic
def rota_rest(*, actor, people, first: date, last: date, shift: Shift,
              rest_per_week: int = 2) -> int:
    """Customer service works every day of the year: rest days rotate through the week,
    each person resting `rest_per_week` days, staggered so that somebody always works."""
    _check(actor)
    people, days = _people(people), _days(first, last)
    if not 0 <= rest_per_week <= 5:
        raise UserError("rest_per_week", "每周休息天数应在 0～5 之间",
                        "Rest days a week must be 0 to 5")
    if len(people) < 2 and rest_per_week:
        raise UserError("rota_needs_two", "轮休至少需要两人，否则休息日无人在岗",
                        "A rest rota needs at least two people so that somebody always works")
    # Person i rests on the cycle slots i*r … i*r+r-1 (mod 7): a slot is shared by at most
    # ceil(r*n/7) < n people, so no day is left without somebody at work.
    cells = []
    for i, person in enumerate(people):
        rest = {(i * rest_per_week + k) % 7 for k in range(rest_per_week)}
        for day in days:
            slot = (day - first).days % 7
            cells.append((person, day, None if slot in rest else shift))
    _upsert(actor, cells)
    record(actor=actor, verb="staff.rest_rotated", obj=shift,
           summary=f"轮休排班 {first:%Y-%m-%d}～{last:%Y-%m-%d}：{len(people)} 人 {shift.name}，"
                   f"每周休 {rest_per_week} 天",
           data={"people": [p.pk for p in people], "first": first.isoformat(),
                 "last": last.isoformat(), "shift": shift.code,
                 "rest_per_week": rest_per_week})
    return len(cells)


def _duty_kind(kind):
    if kind not in DutyAssignment.Kind.values:
        raise UserError("duty_kind", "未知的值班类型 {kind}", "Unknown duty kind {kind}", kind=kind)
    return DutyAssignment.Kind(kind)


@transaction.atomic
def assign_duty(*, actor, day: date, kind: str, person) -> DutyAssignment:
    """值班 / 值日 for `person` that day (several people may share a day)."""
    _check(actor)
    kind = _duty_kind(kind)
    DutyAssignment.objects.bulk_create([DutyAssignment(day=day, kind=kind, person=person)],
                                       ignore_conflicts=True)
    duty = DutyAssignment.objects.get(day=day, kind=kind, person=person)
    record(actor=actor, verb="staff.duty_assigned", obj=duty,
           summary=f"{person} {day:%Y-%m-%d} {kind.label}",
           data={"person": person.pk, "day": day.isoformat(), "kind": str(kind)})
    return duty


@transaction.atomic
def clear_duty(*, actor, day: date, kind: str, person) -> bool:
    _check(actor)
    kind = _duty_kind(kind)
    deleted, _ = DutyAssignment.objects.filter(day=day, kind=kind, person=person).delete()
    if deleted:
        record(actor=actor, verb="staff.duty_cleared", object_type="staff.dutyassignment",
               object_id=f"{day.isoformat()}-{kind}-{person.pk}",
               object_repr=f"{day:%Y-%m-%d} {kind.label} {person}",
               summary=f"取消 {person} {day:%Y-%m-%d} {kind.label}",
               data={"person": person.pk, "day": day.isoformat(), "kind": str(kind)})
    return bool(deleted)


@transaction.atomic
def rotate_duty(*, actor, kind: str, people, first: date, last: date) -> int:
    """Hand 值班 / 值日 round in turn over the working days of the period, one person a day;
    the period's earlier assignments of that kind are replaced."""
    _check(actor)
    kind = _duty_kind(kind)
    people, days = _people(people), _days(first, last)
    working = calendar.working_days(first, last)
    DutyAssignment.objects.filter(kind=kind, day__range=(first, last)).delete()
    DutyAssignment.objects.bulk_create([
        DutyAssignment(day=day, kind=kind, person=people[i % len(people)])
        for i, day in enumerate(working)])
    record(actor=actor, verb="staff.duty_rotated", object_type="staff.dutyassignment",
           object_id=f"{first.isoformat()}-{kind}", object_repr=f"{kind.label} {first:%Y-%m}",
           summary=f"{kind.label}轮值 {days[0]:%Y-%m-%d}～{days[-1]:%Y-%m-%d}："
                   f"{len(people)} 人，{len(working)} 个工作日",
           data={"people": [p.pk for p in people], "first": first.isoformat(),
                 "last": last.isoformat(), "kind": str(kind)})
    return len(working)
