"""Carrying out one review verdict on a locked order (FUL-1): pass it (courier, merge,
split), or hold it and tell the person responsible. Used by the batch and by a reviewer's
buttons; the callers own the transaction."""

from shopops.accounts.queries import users_with_roles
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.core.notify import notify
from shopops.orders.actions.deadlines import on_reviewed, owner_for
from shopops.orders.models import Order, OrderLine
from shopops.orders.states import HoldReason, State
from shopops.service.privacy import mask_name

from ..models import ReviewDecision
from .common import move

# Holds customer service sorts out with the customer; the rest the warehouse supervisor.
CS_REASONS = {HoldReason.ADDRESS, HoldReason.REMARK, HoldReason.BUYER_MESSAGE,
              HoldReason.REFUND, HoldReason.CUSTOMER_REQUEST}


class Responsible:
    """Who hears about holds; remembers answers so a batch asks each question once."""

    def __init__(self):
        self._owners, self._supervisors = {}, None

    def supervisors(self):
        if self._supervisors is None:
            self._supervisors = users_with_roles(["warehouse_supervisor"])
        return self._supervisors

    def customer_service(self, order):
        key = order.created_by_id
        if key not in self._owners:
            self._owners[key] = owner_for(order)
        owner = self._owners[key]
        return [owner] if owner is not None else self.supervisors()

    def for_hold(self, order, reason):
        return self.customer_service(order) if reason in CS_REASONS else self.supervisors()


def decision(order, *, rule_set, actor, now, outcome, reason="", rule="", message="",
             trace=()):
    return ReviewDecision(order_id=order.pk, rule_set=rule_set, at=now, outcome=outcome,
                          by=actor if actor is not None and actor.pk else None,
                          reason=reason, rule=rule, message=message[:300], trace=list(trace))


def pass_order(*, actor, order, now, courier="", merge_with=None, split_lines=(),
               rule_set=None, started_at=None):
    """REVIEWED with reviewer, time, courier; merged or split as the rules said. Returns
    (event data, split child or None)."""
    before = order.state
    fields = {"reviewed_by": actor if actor is not None and actor.pk else None,
              "reviewed_at": now}
    if courier and not order.courier:
        fields["courier"] = courier
    child = None
    if split_lines:
        child = split_order(actor=actor, order=order, line_ids=split_lines, held_from=before,
                            now=now)
        fields.update(goods_fen=order.goods_fen - child.goods_fen,
                      paid_fen=order.paid_fen - child.paid_fen)
    if merge_with:
        fields["merged_into_id"] = merge_with
    move(order, State.REVIEWED, **fields)
    on_reviewed(actor=actor, order=order)
    data = {"rule_set": rule_set.version if rule_set else None, "from": before,
            "paid_at": order.paid_at, "started_at": started_at or now, "reviewed_at": now,
            "courier": order.courier, "merged_into": merge_with,
            "split_to": child.pk if child else None, "by_rules": actor is None}
    return data, child


def hold_order(*, actor, order, reason, message, responsible, now, link=""):
    """ON_HOLD (OUT_OF_STOCK for a shortage) from where it was, the responsible told."""
    before = order.state
    target = State.OUT_OF_STOCK if reason == HoldReason.OUT_OF_STOCK else State.ON_HOLD
    move(order, target, hold_reason=reason, hold_note=message[:300], held_from=before)
    people = responsible.for_hold(order, reason)
    notify(people, title=f"审单挂起：{order.number} {zh(HoldReason(reason).label)}",
           body=f"订单 {order.number}（{mask_name(order.customer_name)}）审单挂起：{message}",
           link=link or order.get_absolute_url(), category="fulfillment")
    return {"from": before, "to": target, "reason": reason, "message": message,
            "notified": [p.pk for p in people if p is not None], "paid_at": order.paid_at,
            "held_at": now}


def _child_number(parent):
    taken = Order.objects.filter(number__startswith=f"{parent.number}-").count()
    return f"{parent.number}-{taken + 1}"


def split_order(*, actor, order, line_ids, held_from, now):
    """Move the short lines (with their reservations) to a new order, number parent-N,
    short (缺货) until the goods come; the parent ships the rest (FUL-1 split)."""
    lines = list(OrderLine.objects.filter(order=order, pk__in=line_ids))
    goods = sum(x.quantity * x.unit_price_fen for x in lines)
    child = Order.objects.get(pk=order.pk)
    child.pk = child.id = None
    child.number, child.platform_order_no = _child_number(order), None
    child.split_from_id, child.merged_into_id = order.pk, None
    child.state, child.held_from = State.OUT_OF_STOCK, held_from
    child.hold_reason, child.hold_note = HoldReason.OUT_OF_STOCK, "审单拆单：库位库存不足"
    child.goods_fen, child.shipping_fen, child.discount_fen = goods, 0, 0
    child.paid_fen = min(goods, order.paid_fen)
    child.reviewed_by = child.reviewed_at = None
    child.created_at = order.created_at
    child.save(force_insert=True)
    OrderLine.objects.filter(pk__in=[x.pk for x in lines]).update(order=child)
    codes = "、".join(x.title[:20] for x in lines)
    data = {"parent": order.pk, "child": child.pk, "child_number": child.number,
            "lines": [x.pk for x in lines], "goods_fen": goods, "at": now}
    record(actor=actor, verb="order.split", obj=order,
           summary=f"{order.number} 拆出缺货商品到 {child.number}：{codes}", data=data)
    record(actor=actor, verb="order.split", obj=child,
           summary=f"{child.number} 由 {order.number} 拆出，缺货待补：{codes}",
           changes={"state": ["", State.OUT_OF_STOCK]}, data=data)
    return child


def merge_note(*, actor, order, target_id, target_number, now):
    record(actor=actor, verb="order.merged", obj=order,
           summary=f"{order.number} 与 {target_number} 同一收件人，合并发货",
           data={"into": target_id, "into_number": target_number, "at": now})
    record(actor=actor, verb="order.merged", object_type="orders.order",
           object_id=str(target_id), object_repr=target_number,
           summary=f"{order.number} 合并到 {target_number} 一起发货",
           data={"merged": order.pk, "merged_number": order.number, "at": now})

