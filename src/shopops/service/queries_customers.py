"""Reads of customer records (CS-4): the list with each customer's purchase figures,
search, and segment rules — all one flat query (subqueries, no joins that multiply rows),
whatever the number of customers."""

from datetime import timedelta

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Customer, CustomerAddress

# What a segment may ask (Segment.rules), and how the page labels each.
RULE_KEYS = ("tags", "min_orders", "min_spent_fen", "last_order_days", "province", "flag")


def purchases():
    """Orders that count as purchases: paid and not cancelled."""
    from shopops.orders.models import Order

    return Order.objects.filter(paid_at__isnull=False).exclude(state="cancelled")


def _per_customer(aggregate):
    return Subquery(purchases().filter(customer=OuterRef("pk")).order_by()
                    .values("customer").annotate(v=aggregate).values("v")[:1])


def with_figures(customers=None):
    """Customers annotated with order_count, spent_fen and last_order_at (purchases)."""
    customers = Customer.objects.all() if customers is None else customers
    return customers.annotate(
        order_count=Coalesce(_per_customer(Count("pk")), Value(0),
                             output_field=IntegerField()),
        spent_fen=Coalesce(_per_customer(Sum("paid_fen")), Value(0),
                           output_field=IntegerField()),
        last_order_at=_per_customer(Max("created_at")),
    )


def search(customers, q):
    """Name, phone (or its last digits), number, nick, or a tag's name."""
    q = (q or "").strip()
    if not q:
        return customers
    tagged = Customer.tags.through.objects.filter(customer=OuterRef("pk"),
                                                  customertag__name__icontains=q)
    return customers.filter(Q(name__icontains=q) | Q(phone__contains=q) | Q(number__icontains=q)
                            | Q(nick__icontains=q) | Exists(tagged))


def apply_rules(customers, rules: dict, now=None):
    """Narrow `customers` (annotated by with_figures) to those matching a segment's rules.
    Every rule given must hold; `tags` matches customers with any of the tags."""
    rules = rules or {}
    now = now or timezone.now()
    if rules.get("tags"):
        customers = customers.filter(Exists(Customer.tags.through.objects.filter(
            customer=OuterRef("pk"), customertag_id__in=rules["tags"])))
    if rules.get("min_orders"):
        customers = customers.filter(order_count__gte=rules["min_orders"])
    if rules.get("min_spent_fen"):
        customers = customers.filter(spent_fen__gte=rules["min_spent_fen"])
    if rules.get("last_order_days"):
        customers = customers.filter(
            last_order_at__gte=now - timedelta(days=rules["last_order_days"]))
    if rules.get("province"):
        province = rules["province"]
        customers = customers.filter(
            Exists(CustomerAddress.objects.filter(customer=OuterRef("pk"),
                                                  province__startswith=province))
            | Exists(purchases().filter(customer=OuterRef("pk"), province__startswith=province)))
    if "flag" in rules and rules["flag"] is not None:
        customers = customers.filter(flag=rules["flag"])
    return customers


def orders_to_link(customer):
    """Orders under the customer's phone that belong to nobody yet (offered for linking)."""
    from shopops.orders.models import Order

    if not customer.phone:
        return Order.objects.none()
    return (Order.objects.filter(customer__isnull=True, customer_phone=customer.phone)
            .select_related("channel").order_by("-created_at"))
