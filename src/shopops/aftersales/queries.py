"""Reads shared by the after-sales actions and pages: what is left to claim on an order
(quantities and money), and the lists (queue, supervisor's day) in a fixed number of
queries whatever their length."""

from collections import defaultdict

from django.db.models import Count, Q, Sum

from shopops.orders.states import SHIPPED_OR_LATER

from .models import AfterSale, AfterSaleLine
from .states import OPEN, VOID


def claimed_quantities(order, exclude=None) -> dict[int, int]:
    """{order line id: quantity} already covered by the order's live requests."""
    rows = (AfterSaleLine.objects.filter(request__order=order)
            .exclude(request__state__in=VOID))
    if exclude is not None:
        rows = rows.exclude(request=exclude)
    out = defaultdict(int)
    for line_id, quantity in rows.values_list("order_line_id", "quantity"):
        out[line_id] += quantity
    return dict(out)


def remaining_quantities(order, lines=None, exclude=None) -> dict[int, int]:
    """{order line id: how many can still be claimed}."""
    lines = lines if lines is not None else list(order.lines.all())
    claimed = claimed_quantities(order, exclude)
    return {line.pk: max(0, line.quantity - claimed.get(line.pk, 0)) for line in lines}


def goods_share_fen(order, line, quantity) -> int:
    """What the customer paid for `quantity` of `line`: its price, less its share of the
    order's discount (shared out by amount), rounded down to the fen."""
    if order.goods_fen <= 0 or quantity <= 0:
        return 0
    goods_paid = max(0, min(order.paid_fen - order.shipping_fen, order.goods_fen))
    return line.unit_price_fen * quantity * goods_paid // order.goods_fen


def committed_fen(order, exclude=None) -> int:
    """Money the order's other live requests claim: what was approved (or refunded), else
    what was asked."""
    rows = AfterSale.objects.filter(order=order).exclude(state__in=VOID)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    total = 0
    for requested, approved, state in rows.values_list("requested_refund_fen", "refund_fen",
                                                       "state"):
        total += approved if state != AfterSale.State.REQUESTED else requested
    return total


def refund_cap_fen(order, picks, exclude=None) -> int:
    """The most a request for `picks` ([(order line, quantity)]) may refund: what was paid
    for them, plus the shipping fee when an unshipped order is refunded whole, never more
    than the order's payment less what its other requests claim."""
    cap = sum(goods_share_fen(order, line, quantity) for line, quantity in picks)
    if order.state not in SHIPPED_OR_LATER:
        remaining = remaining_quantities(order, exclude=exclude)
        picked = defaultdict(int)
        for line, quantity in picks:
            picked[line.pk] += quantity
        if all(picked.get(pk, 0) >= left for pk, left in remaining.items()):
            cap += order.shipping_fen
    return max(0, min(cap, order.paid_fen - committed_fen(order, exclude)))


def state_counts(queryset) -> dict[str, int]:
    return dict(queryset.order_by().values_list("state").annotate(n=Count("pk")))


def open_requests():
    return AfterSale.objects.filter(Q(state__in=OPEN))


def refunded_total(request) -> int:
    return request.refunds.aggregate(total=Sum("amount_fen"))["total"] or 0
