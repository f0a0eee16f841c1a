"""What a customer does to their own shop orders: cancel one still unpaid (through the
orders' own cancel, which gives the stock back), and confirm receipt of a shipped one
(已发货 → 已签收 on the customer's word, ORD-7). Both check the order is theirs."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from shopops.core.actions.deadlines import meet_deadline
from shopops.core.actors import customer_actor
from shopops.core.errors import NotFoundError, UserError
from shopops.core.events import record
from shopops.core.states import transition
from shopops.orders.actions import cancel
from shopops.orders.models import Order
from shopops.orders.states import ALLOWED, State


def own_order(customer, order_id, *, lock=False) -> Order:
    orders = Order.objects.filter(customer=customer, pk=order_id)
    if lock:
        orders = orders.select_for_update()
    order = orders.first()
    if order is None:
        raise NotFoundError("order_missing", "找不到这个订单。", "No such order.")
    return order


# Stored in Chinese (the order's history); shown in the reader's language on the page.
CANCEL_REASONS = [gettext_noop("不想买了"), gettext_noop("信息填写错误，重新下单"),
                  gettext_noop("商品选错了"), gettext_noop("付款遇到问题"),
                  gettext_noop("其他原因")]


@transaction.atomic
def cancel_unpaid(*, customer, order_id, reason) -> Order:
    """The customer cancels their own unpaid order; its reservation is released."""
    order = own_order(customer, order_id, lock=True)
    if order.state != State.PENDING_PAYMENT:
        raise UserError("cancel_not_unpaid",
                        "订单 {number} 已付款或已取消，不能自行取消；如需退款请联系客服或申请售后。",
                        "Order {number} is no longer unpaid: contact customer service.",
                        number=order.number)
    reason = (reason or "").strip() or "顾客取消"
    return cancel(actor=customer_actor(customer), order=order,
                  reason=f"顾客取消：{reason}"[:200])


@transaction.atomic
def confirm_receipt(*, customer, order_id) -> Order:
    """确认收货: the customer has the parcel; the order is 已签收 now (the courier's own
    delivery scan may come later and changes nothing then)."""
    order = own_order(customer, order_id, lock=True)
    if order.state != State.SHIPPED:
        raise UserError("confirm_not_shipped", "订单 {number} 当前不能确认收货。",
                        "Order {number} cannot be confirmed as received now.",
                        number=order.number)
    actor = customer_actor(customer)
    now = timezone.now()
    transition(order, State.DELIVERED, ALLOWED, machine="订单", delivered_at=now)
    meet_deadline(actor=actor, subject=order, rule="FUL-6")
    record(actor=actor, verb="order.delivered", obj=order,
           summary=f"{order.number} 已签收（顾客确认收货）",
           changes={"state": [State.SHIPPED, State.DELIVERED]},
           data={"delivered_at": now, "source": "customer"})
    return order
