"""Order states in the customer's words: the warehouse's steps (审单, 打单, 配货…) are all
"待发货" to a buyer, a hold is "处理中", and so on."""

from shopops.orders.states import State

S = State
WAITING_SHIPMENT = {S.PAID, S.CONFIRMED, S.REVIEWED, S.PRINTED, S.PICKED, S.VERIFIED, S.PACKED}
REVIEWABLE = {S.DELIVERED, S.COMPLETED}

TABS = [
    ("", "全部订单", None),
    ("unpaid", "待付款", {S.PENDING_PAYMENT}),
    ("to_ship", "待发货", WAITING_SHIPMENT | {S.ON_HOLD, S.OUT_OF_STOCK}),
    ("shipped", "待收货", {S.SHIPPED}),
    ("done", "已完成", REVIEWABLE),
    ("cancelled", "已取消", {S.CANCELLED}),
]


def customer_state(order) -> tuple[str, str]:
    """(what the customer reads, a tone for the badge: wait/ok/warn/off)."""
    state = order.state
    if state == S.PENDING_PAYMENT:
        return "待付款", "warn"
    if state in WAITING_SHIPMENT:
        return ("待发货（商家已接单）" if state != S.PAID else "待发货"), "wait"
    if state == S.ON_HOLD:
        return "待发货（订单处理中）", "wait"
    if state == S.OUT_OF_STOCK:
        return "待发货（暂时缺货，客服会联系您）", "warn"
    if state == S.SHIPPED:
        return "已发货，运输中", "wait"
    if state == S.DELIVERED:
        return "已签收", "ok"
    if state == S.COMPLETED:
        return "交易完成", "ok"
    if state == S.CANCELLED:
        return "已取消", "off"
    return order.get_state_display(), "wait"


def tab_states(tab):
    for code, _label, states in TABS:
        if code == tab:
            return states
    return None
