"""Deadlines (时限, APR-3): opened by the action that starts the clock, met or cancelled by
the action that finishes the work, fired by the scheduler when they pass.

Events are recorded against the deadline's *subject* (the order, the proposal…), so the
subject's history shows "时限开始 / 已超时 / 已按时完成", and scorecards count
`deadline.fired` events by `data.owner` and `data.rule`.

Every state move is a conditional UPDATE on `state`, so the scheduler firing a deadline
and a person meeting it at the same moment cannot both win.
"""

import logging

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from shopops.accounts.queries import users_with_roles

from .. import events
from ..models import Deadline
from ..notify import notify

logger = logging.getLogger("shopops.deadlines")
S = Deadline.State
A = Deadline.Action

# Per tick; the rest wait for the next tick, so one tick never runs unbounded.
FIRE_BATCH = 500


def _subject_key(subject) -> tuple[str, str]:
    return subject._meta.label_lower, str(subject.pk)


def _data(deadline, **more) -> dict:
    return {
        "deadline": deadline.pk,
        "rule": deadline.rule,
        "owner": deadline.owner_id,
        "due_at": deadline.due_at,
        "action": deadline.action,
        **more,
    }


def _record(deadline, verb, summary, actor=None, **more):
    events.record(actor=actor, verb=verb, object_type=deadline.subject_type,
                  object_id=deadline.subject_id, object_repr=deadline.title,
                  summary=summary, data=_data(deadline, **more))


def open_deadline(*, actor, subject, owner, due_at, action, title, rule="", service="",
                  params=None, link="", starts_at=None) -> Deadline:
    """Start the clock on `subject`. Wrong arguments are programming errors (ValueError),
    not something a user can cause; they are refused before anything is written. Part of
    the caller's transaction (no savepoint: it is on every order's intake)."""
    if action not in A.values:
        raise ValueError(f"unknown deadline action {action!r}")
    if timezone.is_naive(due_at) or (starts_at is not None and timezone.is_naive(starts_at)):
        raise ValueError("deadline times must be timezone-aware")
    if action == A.SERVICE:
        if not service:
            raise ValueError("action='service' needs a dotted service path")
        import_string(service)  # fail now, not hours later in the scheduler
    subject_type, subject_id = _subject_key(subject)
    with transaction.atomic(savepoint=False):
        deadline = Deadline.objects.create(
            rule=rule, title=title[:200], subject_type=subject_type, subject_id=subject_id,
            owner=owner, starts_at=starts_at or timezone.now(), due_at=due_at, action=action,
            service=service, params=params or {}, link=link,
        )
        _record(deadline, "deadline.opened",
                f"时限开始：{deadline.title}（截止 {timezone.localtime(due_at):%m-%d %H:%M}）",
                actor=actor)
    return deadline


@transaction.atomic(savepoint=False)
def meet_deadline(*, actor, subject, rule=None) -> int:
    """The work on `subject` is done. Pending deadlines still in time become met; one
    already past due (the scheduler has not got to it yet) counts as fired — it was
    late — without notifying anybody, since the work is done; fired ones are closed so
    they leave the overdue queues. `rule`: one rule code, several, or None for all.
    Returns how many were met in time. One read for all of them (the hot path of every
    order step that meets a deadline)."""
    now = timezone.now()
    met = 0
    open_ones = _for_subject(subject, rule).filter(
        Q(state=S.PENDING) | Q(state=S.FIRED, closed_at__isnull=True))
    for deadline in open_ones:
        if deadline.state == S.FIRED:
            _close_one(deadline, now, actor, "deadline.closed", "超时事项已完成")
        elif deadline.due_at > now:
            if _move(deadline, S.PENDING, S.MET, closed_at=now):
                met += 1
                _record(deadline, "deadline.met", f"按时完成：{deadline.title}", actor=actor)
        elif _move(deadline, S.PENDING, S.FIRED, fired_at=now, fired_by="met-late",
                   closed_at=now):
            _record(deadline, "deadline.fired", f"时限已超时：{deadline.title}",
                    late_when_met=True)
    return met


@transaction.atomic
def cancel_deadlines_for(*, actor, subject, reason="") -> int:
    """The subject was cancelled: its pending deadlines are cancelled and its overdue
    ones leave the queues. Returns how many pending ones were cancelled."""
    now = timezone.now()
    mine = _for_subject(subject, None)
    cancelled = 0
    for deadline in mine.filter(state=S.PENDING):
        if _move(deadline, S.PENDING, S.CANCELLED, closed_at=now):
            cancelled += 1
            _record(deadline, "deadline.cancelled", f"时限取消：{deadline.title}", actor=actor,
                    reason=reason)
    _close_fired(mine, now, actor, "deadline.closed", "超时事项已取消", reason=reason)
    return cancelled


def _for_subject(subject, rule):
    subject_type, subject_id = _subject_key(subject)
    mine = Deadline.objects.filter(subject_type=subject_type, subject_id=subject_id)
    if rule is None:
        return mine
    return mine.filter(rule=rule) if isinstance(rule, str) else mine.filter(rule__in=rule)


def _move(deadline, source, target, **changes) -> bool:
    moved = Deadline.objects.filter(pk=deadline.pk, state=source).update(state=target, **changes)
    if moved:
        deadline.state = target
        for key, value in changes.items():
            setattr(deadline, key, value)
    return bool(moved)


def _close_fired(mine, now, actor, verb, label, **more):
    for deadline in mine.filter(state=S.FIRED, closed_at__isnull=True):
        _close_one(deadline, now, actor, verb, label, **more)


def _close_one(deadline, now, actor, verb, label, **more):
    if Deadline.objects.filter(pk=deadline.pk, closed_at__isnull=True).update(closed_at=now):
        _record(deadline, verb, f"{label}：{deadline.title}", actor=actor, **more)


def overdue_q(now=None) -> Q:
    """Overdue and still open: fired and not closed, or past due and not yet fired."""
    now = now or timezone.now()
    return Q(state=S.FIRED, closed_at__isnull=True) | Q(state=S.PENDING, due_at__lte=now)


# -- firing (the scheduler) ------------------------------------------------------------


def fire_due_deadlines(*, scheduler_id, now=None) -> list[Deadline]:
    """Fire every due pending deadline exactly once, even with several schedulers.

    One transaction per deadline: claim it (conditional UPDATE … WHERE state='pending';
    the row count says whether it is ours), perform its action, record the event. If the
    action raises, everything of that deadline rolls back and it stays pending, so the
    next tick retries it.
    """
    now = now or timezone.now()
    due = list(
        Deadline.objects.filter(state=S.PENDING, due_at__lte=now)
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:FIRE_BATCH]
    )
    fired = []
    for pk in due:
        try:
            deadline = _fire_one(pk, scheduler_id, now)
        except Exception:
            logger.exception("deadline %s failed to fire; it stays pending and is retried", pk)
            continue
        if deadline is not None:
            fired.append(deadline)
    return fired


@transaction.atomic
def _fire_one(pk, scheduler_id, now):
    pending = Deadline.objects.filter(pk=pk, state=S.PENDING, due_at__lte=now)
    if connection.features.has_select_for_update_skip_locked:
        # Only an optimisation: skip a row another scheduler is firing right now instead of
        # waiting for its transaction. The conditional UPDATE below is the real guarantee.
        if not pending.select_for_update(skip_locked=True).exists():
            return None
    if pending.update(state=S.FIRED, fired_at=now, fired_by=scheduler_id[:120]) != 1:
        return None
    deadline = Deadline.objects.select_related("owner", "owner__supervisor").get(pk=pk)
    recipients = _perform(deadline)
    _record(deadline, "deadline.fired", f"时限已超时：{deadline.title}",
            fired_by=scheduler_id, notified=[p.pk for p in recipients])
    return deadline


def _perform(deadline) -> list:
    if deadline.action == A.SERVICE:
        import_string(deadline.service)(deadline=deadline)
        return []
    owner = deadline.owner
    link = deadline.link or reverse("core:my_deadlines")
    body = _body(deadline)
    recipients = []
    if owner is not None:
        recipients += notify([owner], title=f"时限已到：{deadline.title}", body=body, link=link,
                             category="deadline")
    if deadline.action == A.ESCALATE or owner is None:
        # Nobody owns it, or it must go up: the owner's supervisor, else the managers.
        boss = owner.supervisor if owner is not None else None
        bosses = [boss] if boss is not None and boss.is_active else []
        bosses = bosses or users_with_roles(["manager"])
        bosses = [b for b in bosses if owner is None or b.pk != owner.pk]
        who = f"（负责人：{owner}）" if owner is not None else "（无负责人）"
        recipients += notify(bosses, title=f"超时上报：{deadline.title}{who}", body=body,
                             link=link, category="deadline")
    return [n.recipient for n in recipients]


def _body(deadline) -> str:
    parts = [f"截止时间 {timezone.localtime(deadline.due_at):%Y-%m-%d %H:%M}"]
    if deadline.rule:
        parts.insert(0, f"规则 {deadline.rule}")
    return " · ".join(parts)
