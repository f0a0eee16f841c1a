"""ORD-6, ORD-7: the moves of an order through its states, one function per move. Each goes
through core.states.transition with the map in orders/states.py and records one event."""

from django.db import transaction
from django.utils import timezone

from shopops.core.errors import UserError
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.core.states import transition
from shopops.inventory import ledger
from shopops.inventory.models import Reservation

from ..models import Order
from ..states import ALLOWED, HOLDABLE, PRINTED_OR_LATER, HoldReason, Intercept, State
from . import deadlines
from ._common import locked, require_cap
from .intercept import mark_for_interception

MACHINE = "订单"


def _move(order, target, **also):
    return transition(order, target, ALLOWED, machine=MACHINE, **also)


@transaction.atomic
def mark_paid(*, actor, order, paid_at=None, paid_fen=None) -> Order:
    require_cap(actor, "orders.amend")
    order = locked(order)
    paid_at = paid_at or timezone.now()
    also = {"paid_at": paid_at}
    if paid_fen is not None:
        also["paid_fen"] = int(paid_fen)
    _move(order, State.PAID, **also)
    record(actor=actor, verb="order.paid", obj=order, summary=f"{order.number} 已付款",
           data={"paid_fen": order.paid_fen, "paid_at": paid_at})
    deadlines.order_paid(actor=actor, order=order)
    return order


@transaction.atomic
def confirm(*, actor, order) -> Order:
    """Customer service confirmed the order with the customer (ORD-2)."""
    require_cap(actor, "orders.amend")
    order = locked(order)
    _move(order, State.CONFIRMED)
    record(actor=actor, verb="order.confirmed", obj=order, summary=f"{order.number} 已确认")
    deadlines.order_confirmed(actor=actor, order=order)
    return order


@transaction.atomic
def cancel(*, actor, order, reason) -> Order:
    """Void an order before it is printed and give its stock back (ORD-6). After printing the
    parcel may already be in a picker's hands: the order is marked for interception and
    the next station that scans it voids the slip and cancels it (returns the order)."""
    require_cap(actor, "orders.cancel")
    reason = (reason or "").strip()
    if not reason:
        raise UserError("reason_required", "请填写取消原因。", "Please give a reason.")
    order = locked(order)
    if order.state in PRINTED_OR_LATER:
        # The goods may be in a picker's hands: the station stops it (FUL-4).
        return mark_for_interception(actor=actor, order=order, kind=Intercept.CANCEL,
                                     reason=reason)
    if order.state in {State.SHIPPED, State.DELIVERED, State.COMPLETED}:
        raise UserError("cancel_after_ship", "订单 {number} 已发货，请走售后流程。",
                        "Order {number} has shipped: use after-sales.", number=order.number)
    before = order.state
    _move(order, State.CANCELLED, intercept="")
    if order.printed_at is not None:  # held after printing (an interception): void the pair
        from shopops.fulfillment.actions.common import void_active_slips

        void_active_slips(actor=actor, order=order, reason=f"订单取消：{reason}")
    released = release_reservations(actor=actor, order=order, note=f"订单取消：{reason}")
    record(actor=actor, verb="order.cancelled", obj=order,
           summary=f"{order.number} 取消：{reason}", changes={"state": [before, order.state]},
           data={"reason": reason, "released": released})
    deadlines.order_cancelled(actor=actor, order=order, reason=reason)
    return order


def release_reservations(*, actor, order, note) -> int:
    reservations = Reservation.objects.filter(
        pk__in=order.lines.exclude(reservation=None).values("reservation_id"),
        state=Reservation.State.ACTIVE)
    count = 0
    for reservation in reservations:
        ledger.release(actor=actor, reservation=reservation, note=note)
        count += 1
    return count


def _hold(actor, order, target, reason, note, verb):
    if reason not in HoldReason.values:
        raise UserError("bad_hold_reason", "请选择挂起原因。", "Choose a reason for the hold.")
    order = locked(order)
    if order.state not in HOLDABLE:
        # Let transition() produce the standard "illegal transition" error.
        _move(order, target)
    held_from = order.state
    _move(order, target, hold_reason=reason, hold_note=(note or "").strip()[:300],
          held_from=held_from)
    label = zh(HoldReason(reason).label)
    record(actor=actor, verb=verb, obj=order,
           summary=f"{order.number} {zh(State(target).label)}：{label}"
                   + (f"（{order.hold_note}）" if order.hold_note else ""),
           changes={"state": [held_from, target]},
           data={"reason": reason, "note": order.hold_note})
    return order


@transaction.atomic
def hold(*, actor, order, reason, note="") -> Order:
    """异常/挂起 with a typed reason; unhold() puts it back where it was."""
    require_cap(actor, "orders.amend")
    return _hold(actor, order, State.ON_HOLD, reason, note, "order.held")


@transaction.atomic
def mark_out_of_stock(*, actor, order, note="") -> Order:
    """缺货: the goods are not there (the customer is told; FUL-3 calls this later)."""
    require_cap(actor, "orders.amend")
    return _hold(actor, order, State.OUT_OF_STOCK, HoldReason.OUT_OF_STOCK, note,
                 "order.out_of_stock")


@transaction.atomic
def unhold(*, actor, order, note="") -> Order:
    require_cap(actor, "orders.amend")
    order = locked(order)
    if order.state not in {State.ON_HOLD, State.OUT_OF_STOCK}:
        raise UserError("not_held", "订单 {number} 没有挂起。", "Order {number} is not on hold.",
                        number=order.number)
    before, back = order.state, order.held_from or State.PAID
    _move(order, back, hold_reason="", hold_note="", held_from="")
    record(actor=actor, verb="order.released", obj=order,
           summary=f"{order.number} 解除{zh(State(before).label)}"
                   + (f"：{note.strip()}" if note and note.strip() else ""),
           changes={"state": [before, back]})
    return order
