"""Shifts (HR-1) and the holiday calendar's overrides (HR-2); staff.manage_calendar."""

import re
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from shopops.accounts.models import Role
from shopops.core.access import require
from shopops.core.errors import UserError
from shopops.core.events import record

from ..models import CalendarOverride, Shift

CAP = "staff.manage_calendar"


def _check(actor):
    if actor is not None:
        require(actor, CAP)


@transaction.atomic
def save_override(*, actor, day: date, kind: str, name: str = "") -> CalendarOverride:
    """Make `day` a legal holiday or a make-up working day, whatever the package says."""
    _check(actor)
    if kind not in CalendarOverride.Kind.values:
        raise UserError("override_kind", "未知的类型 {kind}", "Unknown kind {kind}", kind=kind)
    CalendarOverride.objects.bulk_create(
        [CalendarOverride(day=day, kind=kind, name=name[:50], created_by=actor,
                          created_at=timezone.now())],
        update_conflicts=True, unique_fields=["day"],
        update_fields=["kind", "name", "created_by", "created_at"])
    override = CalendarOverride.objects.get(day=day)
    record(actor=actor, verb="staff.calendar_override_saved", obj=override,
           summary=f"设置 {day:%Y-%m-%d} 为{override.get_kind_display()} {name}".strip(),
           data={"day": day.isoformat(), "kind": kind, "name": name})
    return override


@transaction.atomic
def delete_override(*, actor, day: date) -> bool:
    _check(actor)
    deleted, _ = CalendarOverride.objects.filter(day=day).delete()
    if deleted:
        record(actor=actor, verb="staff.calendar_override_deleted",
               object_type="staff.calendaroverride", object_id=day.isoformat(),
               object_repr=day.isoformat(), summary=f"取消 {day:%Y-%m-%d} 的节假日调整",
               data={"day": day.isoformat()})
    return bool(deleted)


def _minutes(start: time, end: time) -> int:
    length = (datetime.combine(date.min, end) - datetime.combine(date.min, start)).seconds
    return length // 60 or 24 * 60


@transaction.atomic
def save_shift(*, actor, code: str, name: str, start: time, end: time, break_minutes: int,
               posts=(), active: bool = True) -> Shift:
    """Create the shift `code` or change it (HR-1); an overnight shift ends before it
    starts."""
    _check(actor)
    code, name = (code or "").strip(), (name or "").strip()
    if not re.fullmatch(r"[-a-zA-Z0-9_]{1,20}", code):
        raise UserError("shift_code", "编码只能用字母、数字、-、_（最多 20 个）",
                        "The code takes letters, digits, - and _ (at most 20)")
    if not name:
        raise UserError("shift_name", "请填写班次名称", "Enter the shift's name")
    if start == end:
        raise UserError("shift_times", "上班和下班时间不能相同",
                        "Start and end must differ")
    if not 0 <= break_minutes < _minutes(start, end):
        raise UserError("shift_break", "休息时间应短于班次时长（{n} 分钟）",
                        "The break must be shorter than the shift ({n} minutes)",
                        n=_minutes(start, end))
    posts = sorted(set(posts))
    unknown = set(posts) - set(Role.objects.filter(code__in=posts).values_list("code", flat=True))
    if unknown:
        raise UserError("shift_posts", "未知岗位：{codes}", "Unknown posts: {codes}",
                        codes="、".join(sorted(unknown)))
    values = {"name": name[:30], "start": start, "end": end, "break_minutes": break_minutes,
              "posts": posts, "active": active}
    old = Shift.objects.filter(code=code).values(*values).first()
    shift, created = Shift.objects.update_or_create(code=code, defaults=values)
    changes = {k: [str(old[k]), str(v)] for k, v in values.items() if old and old[k] != v}
    record(actor=actor, verb="staff.shift_saved", obj=shift,
           summary=f"{'新建' if created else '修改'}班次 {shift}", changes=changes,
           data={"code": code, "created": created})
    return shift
