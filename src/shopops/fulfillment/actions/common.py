"""Shared by the steps of the line: moving an order through the ORD-7 map, voiding the
printed slip/waybill pair, and stopping an intercepted order (ORD-6, FUL-4)."""

from django.utils import timezone

from shopops.accounts.queries import users_with_roles
from shopops.core.errors import UserError
from shopops.core.events import record
from shopops.core.notify import notify
from shopops.core.states import transition
from shopops.orders.actions._common import require_cap  # noqa: F401 (the line's too)
from shopops.orders.models import Order
from shopops.orders.states import ALLOWED, HoldReason, Intercept, State

from ..models import Slip


def move(order, target, **also):
    """The one way the line moves an order: core.states.transition with the ORD-7 map."""
    return transition(order, target, ALLOWED, machine="订单", **also)


def locked_order(order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk if hasattr(order, "pk") else order)


def void_active_slips(*, actor, order, reason) -> int:
    """Void the order's printed slip and waybill (reprint, cancellation). Returns how many."""
    now = timezone.now()
    slips = list(Slip.objects.filter(order=order, state=Slip.State.ACTIVE))
    if not slips:
        return 0
    Slip.objects.filter(pk__in=[s.pk for s in slips], state=Slip.State.ACTIVE).update(
        state=Slip.State.VOID, void_reason=reason[:300], voided_at=now,
        voided_by=actor if actor is not None and actor.pk else None)
    for slip in slips:
        record(actor=actor, verb="slip.voided", obj=order,
               summary=f"{order.number} 作废配货单/快递单 {slip.waybill_no}：{reason}",
               data={"slip": slip.pk, "waybill_no": slip.waybill_no, "copy_no": slip.copy_no,
                     "reason": reason})
    return len(slips)


def intercepted_error(order):
    """The message the station shows for an intercepted order."""
    if order.intercept == Intercept.REFUND:
        return UserError("intercept_refund", "该订单有退款：{number} 已拦截，退回审单员处理。",
                         "Refund requested: order {number} is intercepted and sent back to "
                         "the reviewer.", number=order.number)
    return UserError("intercept_cancelled",
                     "订单已取消：{number} 已拦截，配货单和快递单已作废，请把商品放回。",
                     "Order {number} was cancelled: intercepted, its slip and waybill are void; "
                     "put the goods back.", number=order.number)


def stop_intercepted(*, actor, order, where) -> UserError:
    """Carry out a pending interception of a locked, printed order at a station (`where`:
    验货/打包/交接). Refund → on hold for the reviewer (goods stay with the order); cancel →
    slip and waybill voided, order cancelled, stock released. Returns the error to show;
    the caller commits (the stop is the state change) and then shows it."""
    from shopops.orders.actions.lifecycle import release_reservations

    error = intercepted_error(order)
    before = order.state
    if order.intercept == Intercept.REFUND:
        move(order, State.ON_HOLD, hold_reason=HoldReason.REFUND,
             hold_note=(order.intercept_reason or "该订单有退款")[:300], held_from=before,
             intercept="")
        reviewers = users_with_roles(["reviewer", "warehouse_supervisor"])
        notify(reviewers, title=f"拦截：{order.number} 有退款，请审单员处理",
               body=f"订单 {order.number} 在{where}环节被拦截（{order.intercept_reason}），"
                    "请核实退款后取消订单或解除挂起。",
               link=order.get_absolute_url(), category="fulfillment")
    else:
        void_active_slips(actor=actor, order=order, reason=f"{where}拦截：订单已取消")
        move(order, State.CANCELLED, intercept="")
        release_reservations(actor=actor, order=order, note=f"{where}拦截取消：{order.number}")
    record(actor=actor, verb="order.intercepted", obj=order,
           summary=f"{order.number} 在{where}被拦截：{error.message}",
           changes={"state": [before, order.state]},
           data={"intercept": "refund" if order.state == State.ON_HOLD else "cancel",
                 "where": where, "reason": order.intercept_reason})
    return error
