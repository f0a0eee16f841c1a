"""The after-sales request's state machine (the one map of legal moves) and the policy of
what an order allows (AS-1).

    待处理 ──同意──▶ 已同意，待寄回 ──买家填运单──▶ 买家已寄回 ──签收──▶ 已收到退货 ──检验──▶ 已检验
      │                 │   │                                                   │
      ├─拒绝─▶ 已拒绝    │   └─超时未寄回─▶ 已关闭                                 ├─退款─▶ 已退款
      └─撤销─▶ 已撤销    └─仅退款：同意即退款─▶ 已退款                              ├─换货质检合格─▶ 换货/返修寄出中 ─▶ 已完成
                                                                               ├─维修─▶ 维修中 ─▶ 换货/返修寄出中
                                                                               └─检验不合格（人为损坏等）─▶ 已拒绝

What an order allows — common Chinese e-commerce practice (淘宝/京东 售后规则, 三包),
the numbers are settings:

* Not paid, or cancelled: nothing (an unpaid order is simply cancelled).
* Paid but not shipped (including held, out of stock, printed and in the line): 仅退款 only,
  for 拍错/不想要了, 发货太慢 or 其他. It stops the parcel at once: an unprinted order is
  held for the reviewer (该订单有退款), a printed one is marked for interception at the next
  scan (ORD-6, FUL-4). Approving it cancels the order (stock released) and refunds;
  rejecting or withdrawing it releases the hold / clears the interception.
* Shipped, not delivered: 仅退款 for 未收到货 (the parcel is lost or refused).
* Delivered (or completed), counted from the delivery day:
  - 退货退款 within aftersales.return_days (7, 七天无理由) for any reason;
  - 仅退款 within the same days for 少件/漏发 or 未收到货 (signed for by someone else);
  - 换货 within aftersales.exchange_days (15) for quality, damage, wrong item, size or
    not as described;
  - 维修 within aftersales.repair_days (365, 一年保修) for quality problems.
* Quantities: never more than bought minus what earlier requests (not rejected,
  cancelled or closed) already cover. The refund asked: at most what was paid for those
  lines (the order's discount shared out by amount; the shipping fee too when an unshipped
  order is refunded whole), less what other requests of the order claim.
"""

from datetime import timedelta

from django.utils import timezone

from shopops.core.registry import setting
from shopops.orders.states import SHIPPED_OR_LATER
from shopops.orders.states import State as OrderState

from .models import AfterSale

S = AfterSale.State
K = AfterSale.Kind
R = AfterSale.Reason
MACHINE = "售后单"

ALLOWED: dict[str, set[str]] = {
    S.REQUESTED: {S.APPROVED, S.REJECTED, S.CANCELLED},
    S.APPROVED: {S.RETURNING, S.RECEIVED, S.REFUNDED, S.CANCELLED, S.CLOSED},
    S.RETURNING: {S.RECEIVED},
    S.RECEIVED: {S.INSPECTED},
    S.INSPECTED: {S.REFUNDED, S.REPAIRING, S.EXCHANGE_SHIPPING, S.REJECTED},
    S.REPAIRING: {S.EXCHANGE_SHIPPING},
    S.EXCHANGE_SHIPPING: {S.COMPLETED},
    S.REFUNDED: set(),
    S.REJECTED: set(),
    S.CANCELLED: set(),
    S.CLOSED: set(),
    S.COMPLETED: set(),
}
TERMINAL = frozenset({S.REFUNDED, S.REJECTED, S.CANCELLED, S.CLOSED, S.COMPLETED})
OPEN = frozenset(set(S.values) - TERMINAL)
# Requests that no longer count against the order's quantities and money.
VOID = frozenset({S.REJECTED, S.CANCELLED, S.CLOSED})
# Waiting for the customer's parcel: the returns desk signs for it (AS-2).
AWAITING_RETURN = frozenset({S.APPROVED, S.RETURNING})
CUSTOMER_CANCELLABLE = frozenset({S.REQUESTED, S.APPROVED})

BEFORE_SHIPPING_REASONS = (R.WRONG_ORDER, R.SLOW, R.OTHER)
IN_TRANSIT_REASONS = (R.NOT_RECEIVED,)
RETURN_REASONS = (R.QUALITY, R.DAMAGED, R.WRONG_ITEM, R.NOT_AS_DESCRIBED, R.SIZE,
                  R.CHANGED_MIND, R.OTHER)
DELIVERED_REFUND_REASONS = (R.MISSING, R.NOT_RECEIVED)
EXCHANGE_REASONS = (R.QUALITY, R.DAMAGED, R.WRONG_ITEM, R.SIZE, R.NOT_AS_DESCRIBED)
REPAIR_REASONS = (R.QUALITY,)
# Reasons a customer must show (凭证): at least one photo.
PHOTO_REASONS = frozenset({R.QUALITY, R.DAMAGED, R.WRONG_ITEM, R.NOT_AS_DESCRIBED})


def delivered_on(order):
    """When the goods reached the customer: the delivery scan, else the shipping time."""
    return order.delivered_at or order.shipped_at


def options(order, now=None) -> dict:
    """{kind: [reasons…]} the order allows now, and why not when it allows nothing.

    Returns {"kinds": {kind: tuple(reasons)}, "why": "…", "until": {kind: datetime}}."""
    now = now or timezone.now()
    state = order.state
    if state in (OrderState.PENDING_PAYMENT, OrderState.CANCELLED):
        why = "订单未付款，无需售后，可直接取消。" if state == OrderState.PENDING_PAYMENT \
            else "订单已取消。"
        return {"kinds": {}, "why": why, "until": {}}
    if state not in SHIPPED_OR_LATER:
        return {"kinds": {K.REFUND_ONLY: BEFORE_SHIPPING_REASONS}, "why": "", "until": {}}
    if state == OrderState.SHIPPED:
        return {"kinds": {K.REFUND_ONLY: IN_TRANSIT_REASONS}, "why": "", "until": {}}
    since = delivered_on(order) or now
    windows = {
        K.RETURN_REFUND: (setting("aftersales.return_days"), RETURN_REASONS),
        K.REFUND_ONLY: (setting("aftersales.return_days"), DELIVERED_REFUND_REASONS),
        K.EXCHANGE: (setting("aftersales.exchange_days"), EXCHANGE_REASONS),
        K.REPAIR: (setting("aftersales.repair_days"), REPAIR_REASONS),
    }
    kinds, until = {}, {}
    for kind, (days, reasons) in windows.items():
        end = since + timedelta(days=days)
        if now <= end:
            kinds[kind], until[kind] = reasons, end
    longest = max(days for days, _ in windows.values())
    why = "" if kinds else f"已超过售后期限（签收后 {longest} 天）。"
    return {"kinds": kinds, "why": why, "until": until}
