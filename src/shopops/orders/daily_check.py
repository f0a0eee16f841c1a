"""ORD-8: the morning check of yesterday's orders with anomalies — refunds asked for, orders
still unpaid, paid orders not shipped, orders that got a bad review — listed for the
responsible people each morning (customer-service and warehouse supervisors, the manager)."""

from datetime import time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from shopops.accounts.queries import users_with_roles
from shopops.core.days import day_bounds
from shopops.core.events import record
from shopops.core.notify import notify
from shopops.core.periodic import daily_at, register_periodic
from shopops.core.registry import define

from .models import Order
from .states import HoldReason, Intercept, State

define("orders.daily_check_time", time(9, 0), type="time", unit="时:分",
       label="每日订单异常检查时间", group="订单 Orders",
       description="每天这个时间把昨天的异常订单（退款、未付款、未发货、差评）列给相关负责人（ORD-8）。"
                   "When yesterday's anomalous orders are listed for the people responsible.")

NOT_SHIPPED = [State.PAID, State.CONFIRMED, State.REVIEWED, State.PRINTED, State.PICKED,
               State.VERIFIED, State.PACKED, State.ON_HOLD, State.OUT_OF_STOCK]
GROUPS = [("refund", gettext_noop("申请退款")), ("unpaid", gettext_noop("未付款")),
          ("unshipped", gettext_noop("已付款未发货")), ("bad_review", gettext_noop("差评"))]


def anomalies(day) -> dict[str, list[Order]]:
    """{group: orders} for orders created (refund, unpaid) or paid (unshipped) on `day`,
    local time. One query; an order is listed in the first group it falls in."""
    start, end = day_bounds(day)
    refund = Q(hold_reason=HoldReason.REFUND) | Q(intercept=Intercept.REFUND)
    rows = (Order.objects.filter(Q(created_at__gte=start, created_at__lt=end)
                                 | Q(paid_at__gte=start, paid_at__lt=end))
            .filter(refund | Q(state=State.PENDING_PAYMENT) | Q(state__in=NOT_SHIPPED))
            .select_related("channel").order_by("created_at", "pk"))
    groups = {code: [] for code, _ in GROUPS}
    for order in rows:
        if order.hold_reason == HoldReason.REFUND or order.intercept == Intercept.REFUND:
            groups["refund"].append(order)
        elif order.state == State.PENDING_PAYMENT:
            groups["unpaid"].append(order)
        elif order.paid_at and start <= order.paid_at < end:
            groups["unshipped"].append(order)
    groups["bad_review"] = _bad_reviews(start, end)
    return groups


def _bad_reviews(start, end) -> list[Order]:
    """Orders with a bad review (CS-6) written on the day, each with its `day_bad_reviews`.
    One query; the review's order is what the list shows."""
    from shopops.service.models import Review

    orders = {}
    for review in (Review.objects.filter(is_bad=True, created_at__gte=start, created_at__lt=end)
                   .select_related("order__channel", "product").order_by("created_at", "pk")):
        order = orders.setdefault(review.order_id, review.order)
        order.__dict__.setdefault("day_bad_reviews", []).append(review)
    return list(orders.values())


def send_daily_check(now=None):
    """The morning job: yesterday's list to the people responsible (nothing when clean)."""
    day = timezone.localdate(now or timezone.now()) - timedelta(days=1)
    groups = anomalies(day)
    counts = {code: len(orders) for code, orders in groups.items()}
    if not any(counts.values()):
        return counts
    text = "，".join(f"{label} {counts[code]} 单" for code, label in GROUPS if counts[code])
    link = f"{reverse('orders:daily_check')}?day={day:%Y-%m-%d}"
    people = users_with_roles(["cs_supervisor", "warehouse_supervisor", "manager"])
    notify(people, title=f"{day:%m-%d} 异常订单：{text}",
           body="请逐单跟进：退款核实、催付或取消、未发货原因、差评联系客户。", link=link,
           category="orders")
    record(actor=None, verb="orders.daily_check", object_type="orders.daily_check",
           object_id=f"{day:%Y-%m-%d}", summary=f"{day:%Y-%m-%d} 异常订单：{text}",
           data={"day": day, **counts, "notified": [p.pk for p in people]})
    return counts


def register():
    register_periodic("orders.daily_check", next_run=daily_at("orders.daily_check_time"),
                      run=send_daily_check)
