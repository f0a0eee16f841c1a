"""Follow-up visits (回访, CS-4): scheduled for an owner at a time — a deadline (rule "CS-4")
that notifies the owner and escalates to their supervisor when it passes — then logged with
the outcome (which meets the deadline) or cancelled."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from shopops.core.access import require, user_can
from shopops.core.actions.deadlines import cancel_deadlines_for, meet_deadline, open_deadline
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.notify import notify
from shopops.core.registry import setting
from shopops.core.states import transition

from ..models import FollowUp
from .customers import label, record_for

S = FollowUp.State
ALLOWED = {S.PLANNED: {S.DONE, S.CANCELLED}}
RULE = "CS-4"


@transaction.atomic
def schedule_follow_up(*, actor, customer, owner, due_at, purpose, order=None,
                       now=None) -> FollowUp:
    """`now` is when it is being scheduled (default: now); the due time must be after it."""
    require(actor, "service.manage_customers")
    now = now or timezone.now()
    purpose = (purpose or "").strip()
    if not purpose:
        raise UserError("follow_up_purpose", "请填写回访事项。", "Say what the visit is about.")
    if owner is None or not owner.is_active or not user_can(owner, "service.manage_customers"):
        raise UserError("follow_up_owner", "请选择负责回访的客服。",
                        "Choose the agent who makes the visit.")
    if due_at is None or due_at <= now - timedelta(minutes=1):
        raise UserError("follow_up_due", "回访时间须晚于现在。",
                        "The visit must be due later than now.")
    if order is not None and order.customer_id not in (None, customer.pk):
        raise UserError("follow_up_order", "该订单不属于这位客户。",
                        "The order is not this customer's.")
    follow_up = FollowUp.objects.create(customer=customer, order=order, purpose=purpose,
                                        owner=owner, due_at=due_at, created_by=actor,
                                        created_at=now)
    open_deadline(actor=actor, subject=follow_up, owner=owner, due_at=due_at,
                  action=setting("service.follow_up_action"), rule=RULE, starts_at=now,
                  title=f"回访 {label(customer)}：{purpose}"[:200],
                  link=customer.get_absolute_url())
    record_for(actor, "follow_up.scheduled", customer,
            f"安排回访 {label(customer)}：{purpose}（{owner}，"
            f"{timezone.localtime(due_at):%m-%d %H:%M}）",
            data={"follow_up": follow_up.pk, "owner": owner.pk, "due_at": due_at})
    if owner != actor:
        notify([owner], title=f"新的回访任务：{label(customer)}", body=purpose,
               link=customer.get_absolute_url(), category="follow_up")
    return follow_up


def _may_handle(actor, follow_up):
    require(actor, "service.manage_customers")
    if actor.pk not in (follow_up.owner_id, follow_up.created_by_id) and not user_can(
            actor, "service.supervise_chat"):
        raise PermissionDeniedError("not_your_follow_up", "这不是您的回访任务。",
                                    "This follow-up is not yours.")


@transaction.atomic
def log_follow_up(*, actor, follow_up, outcome, result="") -> FollowUp:
    """The visit was made: its outcome and notes. Meets the CS-4 deadline (late if past)."""
    _may_handle(actor, follow_up)
    if outcome not in FollowUp.Outcome.values or not outcome:
        raise UserError("follow_up_outcome", "请选择回访结果。", "Choose the outcome.")
    result = (result or "").strip()
    if not result:
        raise UserError("follow_up_result", "请填写回访记录。", "Write down what was said.")
    now = timezone.now()
    transition(follow_up, S.DONE, ALLOWED, machine="回访", outcome=outcome, result=result,
               done_at=now, done_by=actor)
    meet_deadline(actor=actor, subject=follow_up, rule=RULE)
    late = now > follow_up.due_at
    record_for(actor, "follow_up.logged", follow_up.customer,
            f"回访 {label(follow_up.customer)}：{follow_up.get_outcome_display()}"
            + ("（超时）" if late else "") + f" — {result[:80]}",
            data={"follow_up": follow_up.pk, "outcome": outcome, "late": late})
    return follow_up


@transaction.atomic
def cancel_follow_up(*, actor, follow_up, reason) -> FollowUp:
    _may_handle(actor, follow_up)
    reason = (reason or "").strip()
    if not reason:
        raise UserError("follow_up_cancel_reason", "请填写取消原因。", "Say why it is cancelled.")
    transition(follow_up, S.CANCELLED, ALLOWED, machine="回访", cancel_reason=reason[:200])
    cancel_deadlines_for(actor=actor, subject=follow_up, reason=reason)
    record_for(actor, "follow_up.cancelled", follow_up.customer,
            f"取消回访 {label(follow_up.customer)}：{reason}",
            data={"follow_up": follow_up.pk, "reason": reason})
    return follow_up
