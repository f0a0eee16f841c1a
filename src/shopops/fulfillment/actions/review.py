"""Review (审单, FUL-1): the automatic batch at the times of fulfillment.review_batch_times
(and the 立即审单 button), and a reviewer passing, holding or releasing one order.

The batch reads in chunks: each chunk is locked, loaded with its lines, given one rules
context (queries_review.review_context) and decided in one short transaction, so a batch of
100,000 orders costs a few queries per chunk plus the writes per order."""

from django.db import transaction
from django.utils import timezone

from shopops.core.errors import UserError
from shopops.core.events import record, record_many
from shopops.core.i18n import zh
from shopops.orders.models import Order
from shopops.orders.states import HoldReason, State

from ..models import Courier, ReviewDecision
from ..queries_review import (
    TO_REVIEW,
    active_rule_set,
    batch_candidates,
    review_context,
    with_lines,
)
from ..rules import evaluate, recipient_key
from .common import locked_order, move, require_cap
from .review_apply import Responsible, decision, hold_order, merge_note, pass_order

CHUNK = 200


def _rule_set_or_error():
    rule_set = active_rule_set()
    if rule_set is None:
        raise UserError("no_active_rules", "没有启用的审单规则，请部门经理在“审单规则”页面启用一个版本。",
                        "No review rule set is active: a manager must enable one on the "
                        "review rules page.")
    return rule_set


def run_review_batch(*, actor=None, warehouse=None, now=None) -> dict:
    """Review every paid/confirmed order not reviewed yet, oldest payment first, with the
    active rule set. Returns {"reviewed", "held", "merged", "split"}."""
    require_cap(actor, "fulfillment.review")
    rule_set = _rule_set_or_error()
    started = timezone.now()
    counts = {"reviewed": 0, "held": 0, "merged": 0, "split": 0}
    ids = list(batch_candidates(warehouse).values_list("pk", flat=True))
    responsible = Responsible()
    for start in range(0, len(ids), CHUNK):
        _review_chunk(actor, rule_set, ids[start:start + CHUNK], now, started, counts,
                      responsible)
    record(actor=actor, verb="review.batch_run", obj=rule_set,
           summary=f"审单批次：通过 {counts['reviewed']} 单，挂起 {counts['held']} 单"
                   f"（合并 {counts['merged']}，拆单 {counts['split']}）",
           data={**counts, "rule_set": rule_set.version, "started_at": started,
                 "finished_at": timezone.now(),
                 "warehouse": warehouse.pk if warehouse is not None else None})
    return counts


@transaction.atomic
def _review_chunk(actor, rule_set, ids, now, started, counts, responsible):
    # Lock in primary-key order (no deadlock with another batch); re-check the state under
    # the lock: a reviewer may have passed or held some of these meanwhile.
    locked = list(Order.objects.select_for_update().filter(
        pk__in=ids, state__in=TO_REVIEW, reviewed_at__isnull=True).order_by("pk")
        .values_list("pk", flat=True))
    orders = list(with_lines(Order.objects.filter(pk__in=locked)).select_related("created_by")
                  .order_by("paid_at", "pk"))
    ctx = review_context(orders)
    decisions, events = [], []
    for order in orders:
        at = now or timezone.now()
        verdict = evaluate(order, rule_set.rules, ctx=ctx)
        decisions.append(decision(order, rule_set=rule_set, actor=actor, now=at,
                                  outcome=verdict.outcome, reason=verdict.reason,
                                  rule=verdict.rule, message=verdict.message,
                                  trace=verdict.trace))
        if verdict.held:
            data = hold_order(actor=actor, order=order, reason=verdict.reason,
                              message=verdict.message, responsible=responsible, now=at)
            counts["held"] += 1
            events.append(_event("order.review_held", order, rule_set, verdict, data,
                                 f"{order.number} 审单挂起（{zh(HoldReason(verdict.reason).label)}）："
                                 f"{verdict.message}"))
            continue
        if verdict.merge_with and not _still_open(verdict.merge_with):
            verdict.merge_with = None  # printed or held since the context was read
        data, child = pass_order(actor=actor, order=order, now=at, courier=verdict.courier,
                                 merge_with=verdict.merge_with, split_lines=verdict.split_lines,
                                 rule_set=rule_set, started_at=started)
        counts["reviewed"] += 1
        if verdict.merge_with:
            counts["merged"] += 1
            merge_note(actor=actor, order=order, target_id=verdict.merge_with,
                       target_number=verdict.merge_number, now=at)
        else:
            ctx.merge_targets.setdefault(recipient_key(order),
                                         (order.pk, order.number, order.courier))
        if child is not None:
            counts["split"] += 1
            # The customer hears of the shortage from customer service.
            _tell_short(child, responsible.customer_service(child))
        events.append(_event("order.reviewed", order, rule_set, verdict, data,
                             f"{order.number} 审单通过" + (f"，快递 {order.courier}"
                                                           if order.courier else "")))
    ReviewDecision.objects.bulk_create(decisions)
    record_many(actor=actor, object_type="orders.order", entries=events)


def _still_open(order_id):
    """The order to merge into is still reviewed and unprinted (locked until commit)."""
    return Order.objects.select_for_update().filter(
        pk=order_id, state=State.REVIEWED, printed_at__isnull=True,
        merged_into__isnull=True).exists()


def _tell_short(child, people):
    from shopops.core.notify import notify

    notify(people, title=f"缺货拆单：{child.number}",
           body=f"订单 {child.number} 的商品库位库存不足，已从原订单拆出，请告知客户。",
           link=child.get_absolute_url(), category="fulfillment")


def _event(verb, order, rule_set, verdict, data, summary):
    return {"verb": verb, "object_id": order.pk, "object_repr": order.number,
            "summary": summary, "changes": {"state": [data["from"], order.state]},
            "data": {**data, "rule_set": rule_set.version, "rule": verdict.rule,
                     "reason": verdict.reason}}


def _courier(name):
    name = (name or "").strip()
    if name and not Courier.objects.filter(name=name, active=True).exists():
        raise UserError("unknown_courier", "快递公司不存在或未启用：{name}",
                        "No active courier named {name}.", name=name)
    return name


@transaction.atomic
def review_order(*, actor, order, courier="") -> Order:
    """A reviewer passes one order by hand. The rules run for the trace shown later; the
    person decides (no merge or split), and the courier they pick wins over the rules'."""
    require_cap(actor, "fulfillment.review")
    courier = _courier(courier)
    order = locked_order(order)
    if order.state not in TO_REVIEW:
        raise UserError("not_reviewable", "订单 {number} 当前为“{state}”，不能审单。",
                        "Order {number} is {state}: it cannot be reviewed.",
                        number=order.number, state=order.get_state_display())
    order = with_lines(Order.objects.filter(pk=order.pk)).get()
    rule_set = active_rule_set()
    verdict = evaluate(order, rule_set.rules if rule_set else [],
                       ctx=review_context([order], merge_pool=False))
    now = timezone.now()
    chosen = courier or order.courier or verdict.courier
    if courier and order.courier != courier:
        order.courier = ""  # the reviewer's choice replaces the order's
    data, _ = pass_order(actor=actor, order=order, now=now, courier=chosen, rule_set=rule_set)
    ReviewDecision.objects.bulk_create([decision(
        order, rule_set=rule_set, actor=actor, now=now, outcome=ReviewDecision.Outcome.PASSED,
        message="人工审核通过", trace=verdict.trace)])
    record(actor=actor, verb="order.reviewed", obj=order,
           summary=f"{order.number} 人工审单通过" + (f"，快递 {order.courier}"
                                                  if order.courier else ""),
           changes={"state": [data["from"], order.state]}, data=data)
    return order


@transaction.atomic
def hold_in_review(*, actor, order, reason, note="") -> Order:
    """A reviewer holds an order with a typed reason; the person responsible is told."""
    require_cap(actor, "fulfillment.review")
    if reason not in HoldReason.values:
        raise UserError("bad_hold_reason", "请选择挂起原因。", "Choose a reason for the hold.")
    note = (note or "").strip()
    if not note:
        raise UserError("note_required", "请填写挂起说明。", "Please explain the hold.")
    order = locked_order(order)
    if order.state not in (*TO_REVIEW, State.REVIEWED):
        raise UserError("not_holdable", "订单 {number} 当前为“{state}”，审单不能挂起。",
                        "Order {number} is {state}: review cannot hold it.",
                        number=order.number, state=order.get_state_display())
    now = timezone.now()
    data = hold_order(actor=actor, order=order, reason=reason, message=note,
                      responsible=Responsible(), now=now)
    rule_set = active_rule_set()
    ReviewDecision.objects.bulk_create([decision(
        order, rule_set=rule_set, actor=actor, now=now, outcome=ReviewDecision.Outcome.HELD,
        reason=reason, message=note)])
    record(actor=actor, verb="order.review_held", obj=order,
           summary=f"{order.number} 审单挂起（{zh(HoldReason(reason).label)}）：{note}",
           changes={"state": [data["from"], order.state]},
           data={**data, "rule_set": rule_set.version if rule_set else None, "rule": ""})
    return order


@transaction.atomic
def release_hold(*, actor, order, note="") -> Order:
    """解除挂起 from the review queue: back to the state it was held from. The same move as
    orders.actions.unhold, allowed to reviewers (who cannot amend orders)."""
    require_cap(actor, "fulfillment.review")
    order = locked_order(order)
    if order.state not in (State.ON_HOLD, State.OUT_OF_STOCK):
        raise UserError("not_held", "订单 {number} 没有挂起。", "Order {number} is not on hold.",
                        number=order.number)
    before, back = order.state, order.held_from or State.PAID
    reason = order.hold_reason
    move(order, back, hold_reason="", hold_note="", held_from="")
    note = (note or "").strip()
    record(actor=actor, verb="order.released", obj=order,
           summary=f"{order.number} 解除{zh(State(before).label)}" + (f"：{note}" if note else ""),
           changes={"state": [before, back]},
           data={"reason": reason, "note": note, "at": timezone.now()})
    return order
