"""Reading the roster (HR-2): the month grid and whether every post is staffed each day.
Each function runs a fixed number of queries whatever the number of people or days."""

import calendar as pycal
from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from shopops.accounts.models import RoleAssignment

from . import calendar
from .models import Attendance, DutyAssignment, RosterEntry


def month_bounds(first_day: date) -> tuple[date, date]:
    first = first_day.replace(day=1)
    return first, first.replace(day=pycal.monthrange(first.year, first.month)[1])


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def month_grid(first_day: date, people) -> dict:
    """{"days": [{day, kind, name, working}], "rows": [{person, cells: [{day, entry,
    shift}], working}]} — entry None when nothing is planned, shift None on a rest day."""
    first, last = month_bounds(first_day)
    people = list(people)
    kinds = calendar.kinds_between(first, last)
    days = [{"day": d, "kind": k, "name": n, "working": k in calendar.WORKING_KINDS}
            for d, (k, n) in kinds.items()]
    entries = {(e.person_id, e.day): e for e in RosterEntry.objects.filter(
        person__in=[p.pk for p in people], day__range=(first, last)).select_related("shift")}
    # HR-3 on the roster: who came late or left early that day (one query for the month).
    marks = {(a[0], a[1]): (a[2], a[3]) for a in Attendance.objects.filter(
        person__in=[p.pk for p in people], day__range=(first, last)).filter(
        Q(late_minutes__gt=0) | Q(early_minutes__gt=0)).values_list(
        "person_id", "day", "late_minutes", "early_minutes")}
    rows = []
    for person in people:
        cells = []
        for d in kinds:
            entry = entries.get((person.pk, d))
            late, early = marks.get((person.pk, d), (0, 0))
            cells.append({"day": d, "entry": entry, "shift": entry.shift if entry else None,
                          "late": late, "early": early})
        rows.append({"person": person, "cells": cells,
                     "working": sum(1 for c in cells if c["shift"])})
    return {"first": first, "last": last, "days": days, "rows": rows}


def post_members(day: date | None = None, posts=None) -> dict[str, dict]:
    """{role code: {"name", "people": set of user ids}} of active people holding a post
    (or acting in it) on `day`."""
    day = day or timezone.localdate()
    assignments = RoleAssignment.objects.filter(user__is_active=True).filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=day)).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    if posts:
        assignments = assignments.filter(role__code__in=list(posts))
    result: dict[str, dict] = {}
    for code, name, user_id in assignments.values_list(
            "role__code", "role__name", "user_id").order_by(
            "role__sort_order", "role__code"):
        result.setdefault(code, {"name": name, "people": set()})["people"].add(user_id)
    return result


def coverage(first: date, last: date, posts=None) -> dict:
    """For each day and each post that has people: how many are scheduled to work. A gap
    is a post with nobody at work on a working day (HR-2: every post staffed every day).

    {"days": [...], "posts": [{code, name, size, counts: [n per day], cells: [{day, count, gap}]}],
     "gaps": [(day, code, name)], "totals": [people at work per day]}"""
    members = post_members(first, posts)
    kinds = calendar.kinds_between(first, last)
    at_work = defaultdict(set)
    for person_id, day in RosterEntry.objects.filter(
            day__range=(first, last), shift__isnull=False).values_list("person_id", "day"):
        at_work[day].add(person_id)
    days = list(kinds)
    rows, gaps = [], []
    for code, post in members.items():
        counts = [len(post["people"] & at_work[d]) for d in days]
        row_gaps = [d for d, n in zip(days, counts, strict=True)
                    if n == 0 and kinds[d][0] in calendar.WORKING_KINDS]
        gaps += [(d, code, post["name"]) for d in row_gaps]
        rows.append({"code": code, "name": post["name"], "size": len(post["people"]),
                     "counts": counts, "gap_days": set(row_gaps),
                     "cells": [{"day": d, "count": n, "gap": d in row_gaps}
                               for d, n in zip(days, counts, strict=True)]})
    everyone = set().union(*(p["people"] for p in members.values())) if members else set()
    totals = [len(everyone & at_work[d]) for d in days]
    gaps.sort(key=lambda g: g[0])  # stable: posts stay in their display order
    return {"days": days, "posts": rows, "gaps": gaps, "totals": totals}


def duties(first: date, last: date) -> dict[date, dict[str, list]]:
    """{day: {"duty": [person…], "cleaning": [person…]}} for the period."""
    result: dict[date, dict[str, list]] = {d: {"duty": [], "cleaning": []}
                                           for d in days_between(first, last)}
    for duty in DutyAssignment.objects.filter(day__range=(first, last)).select_related(
            "person").order_by("day", "kind", "person_id"):
        result[duty.day][duty.kind].append(duty.person)
    return result
