"""Reads of the review step (FUL-1): the orders waiting for review, the rules' context for a
batch of orders in a fixed number of queries, the queue tabs and the end-of-day lists."""

from datetime import datetime

from django.db.models import Exists, Max, Min, OuterRef, Prefetch, Q, Sum
from django.utils import timezone

from shopops.core.days import day_bounds
from shopops.core.registry import setting
from shopops.inventory.models import BinStock
from shopops.orders.models import Amendment, Order, OrderLine
from shopops.orders.states import State

from .models import Courier, ReviewDecision, ReviewRuleSet
from .rules import Context, recipient_key

TO_REVIEW = (State.PAID, State.CONFIRMED)


def with_lines(queryset):
    return queryset.select_related("channel").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("sku")))


def active_rule_set():
    return ReviewRuleSet.objects.filter(state=ReviewRuleSet.State.ACTIVE).first()


def waiting_for_review(warehouse=None):
    """Paid/confirmed orders not reviewed yet, oldest payment first (index order_state_paid)."""
    orders = Order.objects.filter(state__in=TO_REVIEW, reviewed_at__isnull=True)
    if warehouse is not None:
        orders = orders.filter(warehouse=warehouse)
    return orders.order_by("paid_at", "pk")


def batch_candidates(warehouse=None):
    """What the automatic batch reviews: waiting orders the rules never held. An order a
    person released after a hold waits for a person (the rules would hold it again)."""
    # NOT EXISTS (an anti-join on review_decision_order_idx), not NOT IN over every hold.
    held_before = ReviewDecision.objects.filter(order=OuterRef("pk"),
                                                outcome=ReviewDecision.Outcome.HELD)
    return waiting_for_review(warehouse).exclude(Exists(held_before))


def courier_names():
    return set(Courier.objects.filter(active=True).values_list("name", flat=True))


def review_context(orders, *, merge_pool=True, as_first_reviewed=False) -> Context:
    """The rules' data for these orders (lines prefetched): 4–5 queries whatever their count.
    An amendment is unseen when it came after the last review decision; for a dry-run
    (`as_first_reviewed`) the question is what the first review saw: the amendments made
    before it."""
    ids = [o.pk for o in orders]
    ctx = Context(couriers=courier_names())
    seen = dict(ReviewDecision.objects.filter(order_id__in=ids).values("order_id")
                .annotate(at=Min("at") if as_first_reviewed else Max("at"))
                .values_list("order_id", "at"))
    for order_id, field, at in Amendment.objects.filter(order_id__in=ids).values_list(
            "order_id", "field", "at"):
        if order_id not in seen or (at <= seen[order_id] if as_first_reviewed
                                    else at > seen[order_id]):
            ctx.unseen_amendments.setdefault(order_id, []).append(
                str(Amendment.Field(field).label) if field in Amendment.Field.values else field)
    skus = {line.sku_id for o in orders for line in o.lines.all()}
    warehouses = {o.warehouse_id for o in orders}
    for sku_id, warehouse_id, qty in (
            BinStock.objects.filter(sku_id__in=skus, location__warehouse_id__in=warehouses)
            .values("sku_id", "location__warehouse_id").annotate(qty=Sum("quantity"))
            .values_list("sku_id", "location__warehouse_id", "qty")):
        ctx.located[(sku_id, warehouse_id)] = qty or 0
    if merge_pool:
        phones = {o.customer_phone for o in orders}
        pool = (Order.objects.filter(state=State.REVIEWED, printed_at__isnull=True,
                                     merged_into__isnull=True, customer_phone__in=phones)
                .order_by("paid_at", "pk"))
        for other in pool:
            ctx.merge_targets.setdefault(recipient_key(other),
                                         (other.pk, other.number, other.courier))
    return ctx


local_day_bounds = day_bounds  # the name this module's callers use


def cutoff_today(now=None):
    """Today's same-day cutoff (fulfillment.same_day_cutoff), an aware datetime."""
    tz = timezone.get_default_timezone()
    day = timezone.localtime(now or timezone.now(), tz).date()
    return timezone.make_aware(datetime.combine(day, setting("fulfillment.same_day_cutoff")), tz)


def must_review_today(order, cutoff):
    """当日须审: paid before today's cutoff (orders from earlier days are overdue already)."""
    return order.paid_at is not None and order.paid_at < cutoff


def queue(tab, *, now=None, warehouse=None):
    """The review queue tabs: pending (待审), held (挂起), done (今日已审)."""
    if tab == "held":
        # Every 异常挂起 comes to the reviewer (a refund stopped at verification too); a
        # shortage only when review declared it, the picker's go to transfers (FUL-3).
        orders = Order.objects.filter(
            Q(state=State.ON_HOLD) | Q(state=State.OUT_OF_STOCK, held_from__in=TO_REVIEW)
        ).order_by("paid_at", "pk")
    elif tab == "done":
        start, end = local_day_bounds(timezone.localtime(now or timezone.now()).date())
        orders = Order.objects.filter(reviewed_at__gte=start, reviewed_at__lt=end).order_by(
            "-reviewed_at", "-pk")
    else:
        orders = waiting_for_review()
    if warehouse is not None:
        orders = orders.filter(warehouse=warehouse)
    return with_lines(orders).select_related("reviewed_by", "merged_into")


def last_decisions(orders) -> dict:
    """order id → its newest ReviewDecision (one query for a page of orders)."""
    ids = [o.pk for o in orders]
    out = {}
    for decision in ReviewDecision.objects.filter(order_id__in=ids).select_related(
            "by", "rule_set").order_by("order_id", "-at", "-pk"):
        out.setdefault(decision.order_id, decision)
    return out


def end_of_day(now=None) -> dict:
    """Before leaving (FUL-1): orders paid before today's cutoff that are not reviewed,
    reviewed but not printed, printed but not shipped (shortages excluded)."""
    cutoff = cutoff_today(now)
    paid = Order.objects.filter(paid_at__lt=cutoff).select_related("channel", "warehouse")
    return {
        "cutoff": cutoff,
        "unreviewed": paid.filter(Q(state__in=TO_REVIEW) | Q(state=State.ON_HOLD,
                                                             held_from__in=TO_REVIEW))
                          .order_by("paid_at", "pk"),
        "unprinted": paid.filter(state=State.REVIEWED).order_by("paid_at", "pk"),
        "unshipped": paid.filter(state__in=(State.PRINTED, State.PICKED, State.VERIFIED,
                                            State.PACKED)).order_by("paid_at", "pk"),
    }
