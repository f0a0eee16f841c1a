"""Order states in the customer's words: the warehouse's steps (审单, 打单, 配货…) are all
"待发货" to a buyer, a hold is "处理中", and so on."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shopops.orders.states import State

S = State
WAITING_SHIPMENT = {S.PAID, S.CONFIRMED, S.REVIEWED, S.PRINTED, S.PICKED, S.VERIFIED, S.PACKED}
REVIEWABLE = {S.DELIVERED, S.COMPLETED}

TABS = [
    ("", gettext_lazy("全部订单"), None),
    ("unpaid", gettext_lazy("待付款"), {S.PENDING_PAYMENT}),
    ("to_ship", gettext_lazy("待发货"), WAITING_SHIPMENT | {S.ON_HOLD, S.OUT_OF_STOCK}),
    ("shipped", gettext_lazy("待收货"), {S.SHIPPED}),
    ("done", gettext_lazy("已完成"), REVIEWABLE),
    ("cancelled", gettext_lazy("已取消"), {S.CANCELLED}),
]


def customer_state(order) -> tuple[str, str]:
    """(what the customer reads, a tone for the badge: wait/ok/warn/off)."""
    state = order.state
    if state == S.PENDING_PAYMENT:
        return _("待付款"), "warn"
    if state in WAITING_SHIPMENT:
        return (_("待发货（商家已接单）") if state != S.PAID else _("待发货")), "wait"
    if state == S.ON_HOLD:
        return _("待发货（订单处理中）"), "wait"
    if state == S.OUT_OF_STOCK:
        return _("待发货（暂时缺货，客服会联系您）"), "warn"
    if state == S.SHIPPED:
        return _("已发货，运输中"), "wait"
    if state == S.DELIVERED:
        return _("已签收"), "ok"
    if state == S.COMPLETED:
        return _("交易完成"), "ok"
    if state == S.CANCELLED:
        return _("已取消"), "off"
    return order.get_state_display(), "wait"


def tab_states(tab):
    for code, _label, states in TABS:
        if code == tab:
            return states
    return None
