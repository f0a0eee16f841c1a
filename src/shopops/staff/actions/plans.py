"""Monthly targets (HR-7) and resignations with their handover (HR-8)."""

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from shopops.accounts.queries import users_with_roles
from shopops.core import events
from shopops.core.access import require
from shopops.core.actions.deadlines import meet_deadline, open_deadline
from shopops.core.errors import UserError
from shopops.core.notify import notify
from shopops.core.registry import setting
from shopops.core.states import transition

from ..models import MonthlyTarget, Resignation

R = Resignation.State
# accepted → accepted is not a move; handover items are ticked inside `accepted`.
RESIGNATION_MOVES = {
    R.SUBMITTED: {R.ACCEPTED},
    R.ACCEPTED: {R.HANDED_OVER},
    R.HANDED_OVER: {R.LEFT},
}
HANDOVER_RULE = "HR-8"


def _require(actor, code):
    if actor is not None:
        require(actor, code)


@transaction.atomic
def set_target(*, actor, person, month: date, metric: str, target: int,
               note: str = "") -> MonthlyTarget:
    """Set (or change) one month's target; person None = the whole department."""
    _require(actor, "staff.manage_scores")
    if metric not in MonthlyTarget.Metric.values:
        raise UserError("bad_metric", "未知的指标：{metric}。", "Unknown metric: {metric}.",
                        metric=metric)
    if target is None or target < 0:
        raise UserError("bad_target", "目标值不能为负数。", "A target cannot be negative.")
    month = month.replace(day=1)
    row, created = MonthlyTarget.objects.update_or_create(
        person=person, month=month, metric=metric,
        defaults={"target": target, "note": note.strip()[:200], "set_by": actor,
                  "set_at": timezone.now()})
    who = str(person) if person else "部门"
    label = MonthlyTarget.Metric(metric).label
    events.record(actor=actor, verb="staff.target_set", obj=row,
                  summary=f"设置 {who} {month:%Y-%m} {label} 目标 {target}",
                  data={"person": person.pk if person else None, "month": month,
                        "metric": metric, "target": target, "created": created})
    return row


def _end_of_day(day: date) -> datetime:
    # 23:59 rather than the next midnight, so the deadline reads "截止 12-30 23:59".
    return datetime.combine(day, time(23, 59), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def submit_resignation(*, actor, reason: str = "", last_day: date | None = None) -> Resignation:
    """The person gives notice; the last day is at least staff.notice_days away."""
    today = timezone.localdate()
    earliest = today + timedelta(days=setting("staff.notice_days"))
    last_day = last_day or earliest
    if last_day < earliest:
        raise UserError("notice_too_short",
                        "辞职须提前 {days} 天提出，最后工作日不能早于 {day}。",
                        "A resignation needs {days} days' notice: the last day cannot be "
                        "before {day}.", days=setting("staff.notice_days"), day=earliest)
    if Resignation.objects.filter(person=actor).exclude(state=R.LEFT).exists():
        raise _already_open()
    try:
        with transaction.atomic():
            row = Resignation.objects.create(person=actor, last_day=last_day,
                                             reason=reason.strip())
    except IntegrityError:  # a second tab submitted at the same moment
        raise _already_open() from None
    events.record(actor=actor, verb="staff.resignation_submitted", obj=row,
                  summary=f"{actor} 提交辞职，最后工作日 {last_day}",
                  data={"last_day": last_day})
    notify(users_with_roles(["manager"]), title=f"{actor} 提交辞职（最后工作日 {last_day}）",
           link=reverse("staff:resignation_detail", args=[row.pk]), category="staff")
    return row


def _already_open():
    return UserError("resignation_open", "你已有一份未完成的辞职申请。",
                     "You already have an open resignation.")


def default_items() -> list[str]:
    return [item.strip() for item in str(setting("staff.handover_items")).split(";")
            if item.strip()]


@transaction.atomic
def accept_resignation(*, actor, resignation: Resignation, items: list[str] | None = None,
                       last_day: date | None = None) -> Resignation:
    """The manager accepts; the handover checklist starts and its deadline (last day +
    staff.handover_days) notifies the accepting manager if it passes."""
    _require(actor, "staff.accept_resignation")
    items = [i.strip()[:200] for i in (items if items is not None else default_items())
             if i and i.strip()]
    if not items:
        raise UserError("no_handover_items", "交接清单不能为空。",
                        "The handover checklist cannot be empty.")
    last_day = last_day or resignation.last_day
    checklist = [{"item": i, "done": False, "by": None, "by_name": "", "at": None}
                 for i in items]
    now = timezone.now()
    transition(resignation, R.ACCEPTED, RESIGNATION_MOVES, machine="辞职", accepted_by=actor,
               accepted_at=now, handover=checklist, last_day=last_day)
    due_day = last_day + timedelta(days=setting("staff.handover_days"))
    owner = actor if actor is not None else next(iter(users_with_roles(["manager"])), None)
    if owner is not None:
        open_deadline(actor=actor, subject=resignation, owner=owner, due_at=_end_of_day(due_day),
                      action="notify", rule=HANDOVER_RULE,
                      title=f"{resignation.person} 离职交接（{due_day} 前完成）",
                      link=reverse("staff:resignation_detail", args=[resignation.pk]))
    events.record(actor=actor, verb="staff.resignation_accepted", obj=resignation,
                  summary=f"接受 {resignation.person} 的辞职，最后工作日 {last_day}，"
                          f"交接须在 {due_day} 前完成",
                  data={"last_day": last_day, "handover_due": due_day, "items": items})
    notify([resignation.person], title=f"辞职已接受，请在 {due_day} 前完成交接",
           link=reverse("staff:resignation_detail", args=[resignation.pk]), category="staff")
    return resignation


def can_tick(user, resignation) -> bool:
    """The leaver ticks what they handed over; a supervisor may tick on their behalf."""
    from shopops.core.access import user_can

    return user is not None and (user.pk == resignation.person_id
                                 or user_can(user, "staff.manage_roster"))


@transaction.atomic
def tick_handover_item(*, actor, resignation: Resignation, index: int) -> Resignation:
    row = Resignation.objects.select_for_update().get(pk=resignation.pk)
    if actor is not None and not can_tick(actor, row):
        require(actor, "staff.manage_roster")
    if row.state != R.ACCEPTED:
        raise UserError("handover_not_open", "辞职当前为「{state}」，不能登记交接。",
                        "The resignation is '{state}': handover cannot be recorded.",
                        state=row.get_state_display())
    if not 0 <= index < len(row.handover):
        raise UserError("no_such_item", "没有这个交接事项。", "No such handover item.")
    entry = row.handover[index]
    if entry["done"]:
        raise UserError("item_done", "「{item}」已完成交接。", "'{item}' is already handed over.",
                        item=entry["item"])
    entry.update(done=True, by=actor.pk if actor else None,
                 by_name=events.actor_label(actor), at=timezone.now().isoformat())
    row.save(update_fields=["handover"])
    events.record(actor=actor, verb="staff.handover_ticked", obj=row,
                  summary=f"{row.person} 交接完成：{entry['item']}",
                  data={"index": index, "item": entry["item"]})
    resignation.handover = row.handover
    return row


@transaction.atomic
def complete_handover(*, actor, resignation: Resignation) -> Resignation:
    """Refused until every item is done. The account is NOT deactivated here: the system
    administrator is notified to do it (accounts are theirs to manage)."""
    _require(actor, "staff.manage_roster")
    row = Resignation.objects.select_for_update().get(pk=resignation.pk)
    missing = [entry["item"] for entry in row.handover if not entry["done"]]
    if row.state == R.ACCEPTED and (missing or not row.handover):
        raise UserError("handover_incomplete", "交接尚未完成：{items}。",
                        "The handover is not complete: {items}.", items="、".join(missing))
    transition(row, R.HANDED_OVER, RESIGNATION_MOVES, machine="辞职",
               handed_over_at=timezone.now())
    meet_deadline(actor=actor, subject=row, rule=HANDOVER_RULE)
    events.record(actor=actor, verb="staff.handover_completed", obj=row,
                  summary=f"{row.person} 离职交接完成，已通知系统管理员停用账号",
                  data={"items": [entry["item"] for entry in row.handover]})
    notify(users_with_roles(["sysadmin"]),
           title=f"{row.person} 已完成离职交接，请在最后工作日 {row.last_day} 后停用其账号",
           link=reverse("staff:resignation_detail", args=[row.pk]), category="staff")
    resignation.state, resignation.handed_over_at = row.state, row.handed_over_at
    return row


@transaction.atomic
def record_departure(*, actor, resignation: Resignation) -> Resignation:
    """The person has left (after the handover)."""
    _require(actor, "staff.accept_resignation")
    transition(resignation, R.LEFT, RESIGNATION_MOVES, machine="辞职", left_at=timezone.now())
    events.record(actor=actor, verb="staff.left", obj=resignation,
                  summary=f"{resignation.person} 已离职", data={})
    return resignation
