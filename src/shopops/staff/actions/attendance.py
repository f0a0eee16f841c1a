"""Clocking in and out (HR-3), corrections, and 出门证 (out-of-office passes, HR-4).

Decisions:
- One Attendance row per person per business day (Asia/Shanghai). A clock-out after
  midnight belongs to the day before when that day's shift is overnight (up to setting
  staff.overnight_clock_out_hours after its end) and there is no clock-in today.
- Clocking in twice is refused (the first time stands); clocking out before clocking in is
  refused; clocking out again replaces the earlier clock-out (the person went back to
  work), and the early-leaving measure and its proposed penalty follow the last one.
- The shift is the roster's shift of the day; no roster entry → the default shift (setting
  staff.default_shift, "office"); a rest day on the roster → no shift, nothing is late.
- Lateness counts whole minutes after the shift start (early leaving: whole minutes
  before its end); within the grace (setting
  staff.late_grace_minutes) it is 0, beyond it the full minutes count.
- Being late or leaving early proposes a Penalty (offence late_early) that the manager
  confirms (HR-6); it counts only once confirmed.
"""

import math
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from shopops.core import events
from shopops.core.access import require
from shopops.core.errors import UserError
from shopops.core.registry import setting

from ..models import Absence, Attendance, Offence, OutPass, Penalty, RosterEntry, Shift

SOURCES = ("page", "device", "manual")


def _local(moment):
    return timezone.localtime(moment)


def _aware(day, at):
    return timezone.make_aware(datetime.combine(day, at))


def shift_for(person, day):
    """(shift or None, rostered: bool) — the roster's shift, else the default shift."""
    entry = RosterEntry.objects.filter(person=person, day=day).select_related("shift").first()
    if entry is not None:
        return entry.shift, True
    return Shift.objects.filter(code=setting("staff.default_shift")).first(), False


def shift_window(shift, day):
    """The shift's start and end as aware datetimes (an overnight shift ends the next day)."""
    start = _aware(day, shift.start)
    end = _aware(day + timedelta(days=1) if shift.overnight else day, shift.end)
    return start, end


def late_minutes(shift, day, moment) -> int:
    if shift is None or moment is None:
        return 0
    minutes = int((moment - shift_window(shift, day)[0]).total_seconds() // 60)
    return minutes if minutes > setting("staff.late_grace_minutes") else 0


def early_minutes(shift, day, moment) -> int:
    if shift is None or moment is None:
        return 0
    return max(0, int((shift_window(shift, day)[1] - moment).total_seconds() // 60))


def _overnight_day_before(person, moment, *, margin_hours=0):
    """The previous day if `moment` falls inside that day's overnight shift (after midnight),
    or up to `margin_hours` after its end (a clock-out after working late)."""
    before = _local(moment).date() - timedelta(days=1)
    shift, _rostered = shift_for(person, before)
    if shift is None or not shift.overnight:
        return None
    if moment <= shift_window(shift, before)[1] + timedelta(hours=margin_hours):
        return before
    return None


def _evidence(kind, attendance):
    shift = attendance.shift
    if kind == "late":
        return (f"上班打卡 {_local(attendance.clock_in):%H:%M}，班次 {shift.start:%H:%M} 开始，"
                f"迟到 {attendance.late_minutes} 分钟")
    return (f"下班打卡 {_local(attendance.clock_out):%H:%M}，班次 {shift.end:%H:%M} 结束，"
            f"早退 {attendance.early_minutes} 分钟")


def _sync_penalty(attendance, kind, actor):
    """Propose the late/early penalty, or update/withdraw a still-unconfirmed one when the
    times changed (a later clock-out, a correction). A confirmed penalty is left alone."""
    minutes = attendance.late_minutes if kind == "late" else attendance.early_minutes
    source = f"attendance:{attendance.pk}:{kind}"
    offence = Offence.objects.filter(code="late_early", active=True).first()
    existing = Penalty.objects.filter(person=attendance.person_id, source=source)
    if not minutes:
        existing.filter(state=Penalty.State.PROPOSED).update(
            state=Penalty.State.REJECTED, decided_at=timezone.now(),
            decision_note="打卡时间已更正，不再迟到/早退（系统撤回）")
        return None
    if offence is None:
        return None
    evidence = _evidence(kind, attendance)
    if existing.filter(state=Penalty.State.PROPOSED).update(evidence=evidence):
        return None
    if existing.exists():
        return None
    try:
        with transaction.atomic():
            penalty = Penalty.objects.create(
                person_id=attendance.person_id, offence=offence, amount_fen=offence.amount_fen,
                occurred_on=attendance.day, evidence=evidence, proposed_by=None, source=source)
    except IntegrityError:  # proposed by a concurrent call
        return None
    events.record(actor=actor, verb="penalty.proposed", obj=penalty,
                  summary=f"系统提出处罚：{attendance.person}，{offence.name}，{evidence}",
                  data={"person_id": attendance.person_id, "offence": offence.code,
                        "amount_fen": offence.amount_fen, "source": source})
    return penalty


def _note_lateness(attendance, kind, actor):
    minutes = attendance.late_minutes if kind == "late" else attendance.early_minutes
    if minutes:
        label = "迟到" if kind == "late" else "早退"
        events.record(actor=actor, verb=f"staff.{kind}", obj=attendance,
                      summary=f"{attendance.person}{label} {minutes} 分钟：{_evidence(kind, attendance)}",
                      data={"person_id": attendance.person_id, "day": attendance.day,
                            "minutes": minutes})
    _sync_penalty(attendance, kind, actor)


def _check_source(source):
    if source not in SOURCES:
        raise UserError("bad_source", "未知的打卡来源：{source}", "Unknown clock source: {source}",
                        source=source)


@transaction.atomic
def clock_in(*, actor, at=None, source="page") -> Attendance:
    """上班打卡 by the person themself (`actor`)."""
    _check_source(source)
    at = at or timezone.now()
    day = _local(at).date()
    before = _overnight_day_before(actor, at)
    if before is not None and not Attendance.objects.filter(
            person=actor, day=before, clock_in__isnull=False).exists():
        day = before  # arriving after midnight for last night's shift
    shift, _rostered = shift_for(actor, day)
    attendance, _created = Attendance.objects.get_or_create(
        person=actor, day=day, defaults={"shift": shift, "source": source})
    # Conditional: of two clicks only one sets the clock-in.
    if not Attendance.objects.filter(pk=attendance.pk, clock_in__isnull=True).update(
            clock_in=at, shift=shift, source=source,
            late_minutes=late_minutes(shift, day, at)):
        attendance.refresh_from_db()
        raise UserError("already_clocked_in", "今天已于 {time} 上班打卡，不能重复打卡。",
                        "Already clocked in today at {time}.",
                        time=f"{_local(attendance.clock_in):%H:%M}")
    attendance.refresh_from_db()
    events.record(actor=actor, verb="staff.clock_in", obj=attendance,
                  summary=f"{actor}上班打卡 {_local(at):%H:%M}",
                  data={"day": day, "source": source, "shift": shift.code if shift else None,
                        "late_minutes": attendance.late_minutes})
    _note_lateness(attendance, "late", actor)
    return attendance


@transaction.atomic
def clock_out(*, actor, at=None, source="page") -> Attendance:
    """下班打卡; a second clock-out replaces the first (the last one stands)."""
    _check_source(source)
    at = at or timezone.now()
    day = _local(at).date()
    attendance = Attendance.objects.select_for_update().filter(
        person=actor, day=day, clock_in__isnull=False).first()
    if attendance is None:
        before = _overnight_day_before(
            actor, at, margin_hours=setting("staff.overnight_clock_out_hours"))
        if before is not None:
            attendance = Attendance.objects.select_for_update().filter(
                person=actor, day=before, clock_in__isnull=False).first()
    if attendance is None:
        raise UserError("not_clocked_in", "今天还没有上班打卡，不能下班打卡。",
                        "You have not clocked in today; clock in first.")
    if at < attendance.clock_in:
        raise UserError("out_before_in", "下班时间不能早于上班打卡时间 {time}。",
                        "Clock-out cannot be before the clock-in at {time}.",
                        time=f"{_local(attendance.clock_in):%H:%M}")
    previous = attendance.clock_out
    attendance.clock_out = at
    attendance.early_minutes = early_minutes(attendance.shift, attendance.day, at)
    attendance.save(update_fields=["clock_out", "early_minutes"])
    events.record(actor=actor, verb="staff.clock_out", obj=attendance,
                  summary=f"{actor}下班打卡 {_local(at):%H:%M}",
                  changes=events.diff({"clock_out": previous}, {"clock_out": at}),
                  data={"day": attendance.day, "source": source,
                        "early_minutes": attendance.early_minutes})
    _note_lateness(attendance, "early", actor)
    return attendance


@transaction.atomic
def correct_attendance(*, actor, person, day, clock_in, clock_out, reason) -> Attendance:
    """补录/更正考勤 (staff.record_attendance), audited with the reason."""
    require(actor, "staff.record_attendance")
    reason = (reason or "").strip()
    if not reason:
        raise UserError("reason_required", "请填写补录原因。", "Give the reason for the correction.")
    if clock_in and clock_out and clock_out < clock_in:
        raise UserError("out_before_in", "下班时间不能早于上班时间。",
                        "Clock-out cannot be before clock-in.")
    shift, _rostered = shift_for(person, day)
    attendance, _created = Attendance.objects.select_for_update().get_or_create(
        person=person, day=day, defaults={"shift": shift})
    before = {"clock_in": attendance.clock_in, "clock_out": attendance.clock_out}
    attendance.shift = attendance.shift or shift
    attendance.clock_in, attendance.clock_out = clock_in, clock_out
    attendance.late_minutes = late_minutes(attendance.shift, day, clock_in)
    attendance.early_minutes = early_minutes(attendance.shift, day, clock_out)
    attendance.source = "manual"
    attendance.save()
    if clock_in:  # they were at work after all
        Absence.objects.filter(person=person, day=day).update(excused=True)
    events.record(actor=actor, verb="staff.attendance_corrected", obj=attendance,
                  summary=f"补录考勤：{person} {day}，原因：{reason}",
                  changes=events.diff(before, {"clock_in": clock_in, "clock_out": clock_out}),
                  data={"person_id": person.pk, "day": day, "reason": reason})
    _sync_penalty(attendance, "late", actor)
    _sync_penalty(attendance, "early", actor)
    return attendance


def out_pass_hours(out_pass, now=None) -> int:
    """出门证 counts by the hour: every started hour counts as one."""
    end = out_pass.end or now or timezone.now()
    return max(1, math.ceil((end - out_pass.start).total_seconds() / 3600))


def _check_pass_actor(actor, person):
    if actor.pk != person.pk:
        require(actor, "staff.record_attendance")


@transaction.atomic
def open_out_pass(*, actor, person, reason, start=None) -> OutPass:
    """出门登记: the person themself, or a supervisor (who then stands as approver)."""
    _check_pass_actor(actor, person)
    reason = (reason or "").strip()
    if not reason:
        raise UserError("reason_required", "请填写外出事由。", "Give the reason for going out.")
    if OutPass.objects.select_for_update().filter(person=person, end__isnull=True).exists():
        raise UserError("pass_open", "{person} 还有未返回的出门证，请先登记返回。",
                        "{person} has an open out-of-office pass; close it first.",
                        person=str(person))
    out_pass = OutPass.objects.create(person=person, start=start or timezone.now(),
                                      reason=reason[:200],
                                      approved_by=actor if actor.pk != person.pk else None)
    events.record(actor=actor, verb="staff.out_pass_opened", obj=out_pass,
                  summary=f"{person}外出：{reason}",
                  data={"person_id": person.pk, "start": out_pass.start})
    return out_pass


@transaction.atomic
def close_out_pass(*, actor, out_pass, end=None) -> OutPass:
    _check_pass_actor(actor, out_pass.person)
    end = end or timezone.now()
    if end < out_pass.start:
        raise UserError("end_before_start", "返回时间不能早于外出时间。",
                        "The return cannot be before leaving.")
    if not OutPass.objects.filter(pk=out_pass.pk, end__isnull=True).update(end=end):
        raise UserError("pass_closed", "该出门证已登记返回。", "This pass is already closed.")
    out_pass.end = end
    hours = out_pass_hours(out_pass)
    events.record(actor=actor, verb="staff.out_pass_closed", obj=out_pass,
                  summary=f"{out_pass.person}外出返回，计 {hours} 小时",
                  data={"person_id": out_pass.person_id, "end": end, "hours": hours})
    return out_pass
