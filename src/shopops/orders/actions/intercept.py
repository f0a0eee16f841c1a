"""ORD-6 and FUL-4 from customer service's side: a refund requested on an order, or a
cancellation after printing. Before printing the order is simply held (refund) or voided
(cancel); once printed the goods may be in a picker's hands, so the order is marked for
interception and the next station that scans it stops it (fulfillment.actions.common)."""

from django.db import transaction
from django.utils import timezone

from shopops.accounts.queries import users_with_roles
from shopops.core.errors import UserError
from shopops.core.events import record
from shopops.core.i18n import zh
from shopops.core.notify import notify

from ..states import INTERCEPTABLE, SHIPPED_OR_LATER, HoldReason, Intercept, State
from ._common import locked, require_cap


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise UserError("reason_required", "请填写原因。", "Please give a reason.")
    return reason[:300]


def mark_for_interception(*, actor, order, kind, reason):
    """Register the interception of a printed, unshipped, locked order. Not a transition:
    the order stays where it is until a station stops it."""
    order.intercept, order.intercept_reason, order.intercept_at = kind, reason, timezone.now()
    type(order).objects.filter(pk=order.pk).update(
        intercept=kind, intercept_reason=reason, intercept_at=order.intercept_at)
    label = zh(Intercept(kind).label)
    record(actor=actor, verb="order.intercept_requested", obj=order,
           summary=f"{order.number} 登记拦截（{label}）：{reason}",
           data={"intercept": kind, "reason": reason, "state": order.state})
    notify(users_with_roles(["verifier", "packer", "warehouse_supervisor"]),
           title=f"拦截：{order.number}（{label}）",
           body=f"订单 {order.number} 已打单，{label}：{reason}。扫描到此单时系统会自动拦截。",
           link=order.get_absolute_url(), category="fulfillment")
    return order


@transaction.atomic
def request_refund(*, actor, order, reason):
    """The customer asked for a refund before the parcel left (该订单有退款). Unprinted:
    held for the reviewer; printed: intercepted at the next scan; shipped: after-sales."""
    require_cap(actor, "orders.amend")
    return register_refund_request(actor=actor, order=order, reason=reason)


def register_refund_request(*, actor, order, reason):
    """request_refund without the staff capability check, for after-sales acting on a
    customer's own request (aftersales.actions.requests checks that the order is theirs).
    Runs inside the caller's transaction."""
    reason = _reason(reason)
    order = locked(order)
    if order.state in SHIPPED_OR_LATER:
        raise UserError("refund_after_ship", "订单 {number} 已发货，请走售后流程。",
                        "Order {number} has shipped: use after-sales.", number=order.number)
    if order.state == State.CANCELLED:
        raise UserError("already_cancelled", "订单 {number} 已取消。",
                        "Order {number} is already cancelled.", number=order.number)
    if order.state in INTERCEPTABLE:
        return mark_for_interception(actor=actor, order=order, kind=Intercept.REFUND,
                                     reason=reason)
    if order.state in (State.ON_HOLD, State.OUT_OF_STOCK):
        raise UserError("already_held", "订单 {number} 已挂起（{reason}），请先处理。",
                        "Order {number} is already on hold.", number=order.number,
                        reason=order.get_hold_reason_display())
    from .lifecycle import _hold  # lifecycle imports this module

    return _hold(actor, order, State.ON_HOLD, HoldReason.REFUND, reason, "order.held")


def withdraw_refund_request(*, actor, order, reason) -> str:
    """The refund request was withdrawn by the customer or refused: a pending refund
    interception is cleared, a hold for the refund released (back to where it was held
    from). Anything else is left alone. Callers check their own permission; runs inside
    the caller's transaction. Returns what was done: "intercept_cleared", "released" or ""."""
    order = locked(order)
    reason = (reason or "").strip()[:300]
    if order.intercept == Intercept.REFUND:
        type(order).objects.filter(pk=order.pk).update(intercept="", intercept_reason="",
                                                       intercept_at=None)
        order.intercept, order.intercept_reason, order.intercept_at = "", "", None
        record(actor=actor, verb="order.intercept_withdrawn", obj=order,
               summary=f"{order.number} 取消拦截（退款申请已撤回或被拒绝）" + (f"：{reason}" if reason else ""),
               data={"reason": reason, "state": order.state})
        return "intercept_cleared"
    if order.state == State.ON_HOLD and order.hold_reason == HoldReason.REFUND:
        from .lifecycle import _move  # lifecycle imports this module

        before, back = order.state, order.held_from or State.PAID
        _move(order, back, hold_reason="", hold_note="", held_from="")
        record(actor=actor, verb="order.released", obj=order,
               summary=f"{order.number} 解除异常挂起（退款申请已撤回或被拒绝）" + (f"：{reason}" if reason else ""),
               changes={"state": [before, back]})
        return "released"
    return ""
