"""请假 (HR-4): requested by the person, approved by the manager through the approval engine
(kind staff_leave, staff/kinds.py). By day (whole working days of the calendar) or by hour.

At least staff.leave_notice_days ahead unless it is an emergency (phoned in, the form
filled afterwards). Approval marks the request approved and excuses the Absence rows it
covers; a rejection or a withdrawal marks it so.
"""

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from shopops.core import events
from shopops.core.actions.approvals import propose, withdraw_proposal
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.registry import setting
from shopops.core.states import transition

from ..models import Absence, LeaveRequest, RosterEntry

S = LeaveRequest.State
ALLOWED = {S.PENDING: {S.APPROVED, S.REJECTED, S.WITHDRAWN}}


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def leave_days(leave):
    """The local days a leave touches (its last instant excluded)."""
    first = timezone.localtime(leave.start).date()
    last = timezone.localtime(leave.end - timedelta(microseconds=1)).date()
    return first, last


def person_working_days(person, first, last) -> int:
    """The person's working days: the roster where it says (a CS agent on the weekend rota
    works Sunday), else the calendar's working days."""
    from ..calendar import is_working_day

    rostered = dict(RosterEntry.objects.filter(person=person, day__gte=first, day__lte=last)
                    .values_list("day", "shift_id"))
    count, day = 0, first
    while day <= last:
        if (rostered[day] is not None) if day in rostered else is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count


def _span(person, start, end):
    """(start, end, hours, by_day) from dates (by day) or datetimes (by hour)."""
    if isinstance(start, date) and not isinstance(start, datetime):
        if not isinstance(end, date) or isinstance(end, datetime):
            end = start if end is None else end
        if end < start:
            raise UserError("end_before_start", "结束日期不能早于开始日期。",
                            "The last day cannot be before the first.")
        days = person_working_days(person, start, end)
        if not days:
            raise UserError("no_working_day", "{start} 至 {end} 没有工作日，无需请假。",
                            "No working day between {start} and {end}.", start=start, end=end)
        hours = Decimal(days * setting("staff.leave_hours_per_day"))
        return _midnight(start), _midnight(end + timedelta(days=1)), hours, True
    if end is None or end <= start:
        raise UserError("end_before_start", "结束时间必须晚于开始时间。",
                        "The end must be after the start.")
    # by the half hour, every started half hour counting
    hours = Decimal(math.ceil((end - start).total_seconds() / 1800)) / 2
    return start, end, hours, False


@transaction.atomic
def request_leave(*, actor, kind, start, end, reason, emergency=False) -> LeaveRequest:
    """Ask for leave: `start`/`end` dates = whole days (inclusive), datetimes = by hour."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError("reason_required", "请填写请假事由。", "Give the reason for the leave.")
    if kind not in LeaveRequest.Kind.values:
        raise UserError("bad_kind", "未知的请假类型：{kind}", "Unknown kind of leave: {kind}",
                        kind=kind)
    if start is None:
        raise UserError("start_required", "请填写请假开始时间。", "Give the start of the leave.")
    start_at, end_at, hours, by_day = _span(actor, start, end)
    notice = setting("staff.leave_notice_days")
    earliest = timezone.localdate() + timedelta(days=notice)
    if not emergency and timezone.localtime(start_at).date() < earliest:
        raise UserError("too_late", "请假须至少提前 {days} 天申请；紧急情况请先电话请假，再勾选“紧急（事后补假）”提交。",
                        "Leave must be requested at least {days} day(s) ahead; for an emergency "
                        "phone first and file it as an emergency.", days=notice)
    overlapping = LeaveRequest.objects.select_for_update().filter(
        person=actor, state__in=[S.PENDING, S.APPROVED], start__lt=end_at, end__gt=start_at)
    if overlapping.exists():
        raise UserError("overlap", "这段时间已有请假申请，请勿重复申请。",
                        "You already asked for leave in this period.")
    leave = LeaveRequest.objects.create(person=actor, kind=kind, start=start_at, end=end_at,
                                        hours=hours, reason=reason[:300], emergency=emergency)
    first, last = leave_days(leave)
    when = (f"{first}" if first == last else f"{first} 至 {last}") if by_day else (
        f"{timezone.localtime(start_at):%m-%d %H:%M}–{timezone.localtime(end_at):%H:%M}")
    title = f"{actor} {leave.get_kind_display()} {when}（{hours} 小时）"
    if emergency:
        title += " 紧急补假"
    proposal = propose(actor=actor, kind="staff_leave", title=title, reason=reason,
                       payload={"leave_id": leave.pk, "person": str(actor), "when": when,
                                "hours": str(hours), "emergency": emergency},
                       subject=leave)
    LeaveRequest.objects.filter(pk=leave.pk).update(proposal=proposal)
    leave.proposal = proposal
    events.record(actor=actor, verb="staff.leave_requested", obj=leave,
                  summary=f"申请请假：{title}，事由：{reason}",
                  data={"leave_id": leave.pk, "kind": kind, "hours": hours,
                        "emergency": emergency, "proposal_id": proposal.pk})
    return leave


def _leave_of(proposal):
    return LeaveRequest.objects.select_related("person").get(pk=proposal.payload["leave_id"])


def approve_leave(*, proposal, actor) -> dict:
    """The approval's execute step: approved, and the absences it covers excused."""
    leave = _leave_of(proposal)
    transition(leave, S.APPROVED, ALLOWED)
    first, last = leave_days(leave)
    excused = Absence.objects.filter(person=leave.person, day__gte=first, day__lte=last,
                                     excused=False).update(excused=True)
    events.record(actor=actor, verb="staff.leave_approved", obj=leave,
                  summary=f"请假已批准：{proposal.title}" + (f"，销旷工 {excused} 天" if excused else ""),
                  data={"leave_id": leave.pk, "excused_absences": excused})
    return {"leave_id": leave.pk, "excused_absences": excused}


def close_leave(*, proposal, actor):
    """The approval's reject hook (also called on withdrawal)."""
    leave = _leave_of(proposal)
    if leave.state != S.PENDING:
        return
    withdrawn = proposal.state == "withdrawn"
    transition(leave, S.WITHDRAWN if withdrawn else S.REJECTED, ALLOWED)
    events.record(actor=actor, verb="staff.leave_withdrawn" if withdrawn else "staff.leave_rejected",
                  obj=leave, summary=("撤回请假：" if withdrawn else "请假被驳回：") + proposal.title,
                  data={"leave_id": leave.pk})


@transaction.atomic
def withdraw_leave(*, actor, leave, comment="") -> LeaveRequest:
    """The person withdraws a request still waiting for approval."""
    if actor.pk != leave.person_id:
        raise PermissionDeniedError("not_yours", "只能撤回自己的请假申请。",
                                    "You can only withdraw your own request.")
    if leave.state != S.PENDING or leave.proposal is None:
        raise UserError("not_pending", "该请假当前状态为「{state}」，不能撤回。",
                        "A '{state}' request cannot be withdrawn.",
                        state=leave.get_state_display())
    withdraw_proposal(actor=actor, proposal=leave.proposal, comment=comment)
    leave.refresh_from_db()
    return leave
