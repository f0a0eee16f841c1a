"""/api/v1/fulfillment/review — the review queue (FUL-1) for integrations and handhelds:
the queue, the batch, passing and holding one order. Writes go through the actions; their
UserErrors answer 4xx JSON (shopops.api handler)."""

from datetime import datetime

from ninja import Router, Schema

from shopops.core.api_access import api_access
from shopops.core.errors import NotFoundError
from shopops.orders.models import Order
from shopops.service.privacy import mask_name

from . import queries_review as q
from .actions import review
from .rules import label as rule_label

router = Router(tags=["审单 review"])
MAX_LIMIT = 200


class LineOut(Schema):
    sku_code: str
    title: str
    quantity: int


class DecisionOut(Schema):
    outcome: str
    reason: str
    rule: str
    rule_label: str
    message: str
    by_rules: bool
    at: datetime
    trace: list[dict]


class QueueOrderOut(Schema):
    id: int
    number: str
    channel: str
    state: str
    state_label: str
    customer_name: str
    region: str
    courier: str
    paid_at: datetime | None
    reviewed_at: datetime | None
    due_today: bool
    hold_reason: str
    hold_note: str
    lines: list[LineOut]
    decision: DecisionOut | None


class QueuePageOut(Schema):
    tab: str
    total: int
    offset: int
    limit: int
    orders: list[QueueOrderOut]


class BatchOut(Schema):
    reviewed: int
    held: int
    merged: int
    split: int


class PassIn(Schema):
    courier: str = ""


class HoldIn(Schema):
    reason: str = ""
    note: str = ""


def _decision(d):
    if d is None:
        return None
    return {"outcome": d.outcome, "reason": d.reason, "rule": d.rule,
            "rule_label": rule_label(d.rule) if d.rule else "", "message": d.message,
            "by_rules": d.by_id is None, "at": d.at, "trace": d.trace}


def _row(o, decisions, cutoff):
    return {"id": o.pk, "number": o.number, "channel": o.channel.code, "state": o.state,
            "state_label": o.get_state_display(), "customer_name": mask_name(o.customer_name),
            "region": f"{o.province}{o.city}{o.district}", "courier": o.courier,
            "paid_at": o.paid_at, "reviewed_at": o.reviewed_at,
            "due_today": o.state in q.TO_REVIEW and q.must_review_today(o, cutoff),
            "hold_reason": o.hold_reason, "hold_note": o.hold_note,
            "lines": [{"sku_code": x.sku.code, "title": x.title, "quantity": x.quantity}
                      for x in o.lines.all()],
            "decision": _decision(decisions.get(o.pk))}


@router.get("/review/queue", response=QueuePageOut)
@api_access("fulfillment.view")
def review_queue(request, tab: str = "pending", offset: int = 0, limit: int = 50):
    tab = tab if tab in ("pending", "held", "done") else "pending"
    rows = q.queue(tab)
    offset, limit = max(0, offset), max(1, min(limit, MAX_LIMIT))
    page = list(rows[offset:offset + limit])
    decisions, cutoff = q.last_decisions(page), q.cutoff_today()
    return {"tab": tab, "total": rows.count(), "offset": offset, "limit": limit,
            "orders": [_row(o, decisions, cutoff) for o in page]}


@router.post("/review/run", response=BatchOut)
@api_access("fulfillment.review")
def run_batch(request):
    return review.run_review_batch(actor=request.user)


def _order(order_id):
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise NotFoundError("not_found", "订单不存在：{pk}", "No such order: {pk}", pk=order_id)
    return order


def _one(order):
    row = q.with_lines(Order.objects.filter(pk=order.pk)).get()
    return _row(row, q.last_decisions([row]), q.cutoff_today())


@router.post("/review/{order_id}/pass", response=QueueOrderOut)
@api_access("fulfillment.review")
def pass_order(request, order_id: int, payload: PassIn):
    return _one(review.review_order(actor=request.user, order=_order(order_id),
                                    courier=payload.courier))


@router.post("/review/{order_id}/hold", response=QueueOrderOut)
@api_access("fulfillment.review")
def hold_order(request, order_id: int, payload: HoldIn):
    return _one(review.hold_in_review(actor=request.user, order=_order(order_id),
                                      reason=payload.reason, note=payload.note))
