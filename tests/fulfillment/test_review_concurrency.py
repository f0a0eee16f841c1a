"""FUL-1 under concurrency: two review batches at once (the 16:00 job and a reviewer's
立即审单) review every order exactly once — the chunk lock and the state re-check decide."""

import threading

import pytest
from django.db import connection

from shopops.fulfillment.actions.review import run_review_batch
from shopops.fulfillment.models import ReviewDecision, ReviewRuleSet
from shopops.fulfillment.rules import DEFAULT_RULES
from shopops.inventory import ledger
from shopops.orders.actions import create_order
from shopops.orders.models import Order
from tests.factories import channel, make_location, make_sku, make_warehouse
from tests.fulfillment.conftest import CUSTOMER


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_ful1_two_batches_at_once_review_each_order_once():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent batches need PostgreSQL")
    # A transactional test before this one may have flushed the seeded rows.
    if not ReviewRuleSet.objects.filter(state="active").exists():
        ReviewRuleSet.objects.create(version=1, name="默认审单规则", rules=DEFAULT_RULES,
                                     state="active")
    hz = make_warehouse(code="hz-race", name="杭州主仓")
    bin_a = make_location(hz, code="A-01-01", walk_order=1)
    sku = make_sku(skus=[{"颜色": "米白"}])
    ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=500, location=bin_a,
                   reference="test:setup")
    tmall = channel("tmall")
    for i in range(60):
        create_order(actor=None, channel=tmall, warehouse=hz, paid=True,
                     lines=[{"sku": sku, "quantity": 1}],
                     **{**CUSTOMER, "customer_phone": f"139{i:08d}",
                        "buyer_message": "催发" if i % 6 == 0 else ""})
    gate, results = threading.Barrier(2), []

    def run():
        try:
            gate.wait(30)
            results.append(run_review_batch(actor=None))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == 2
    assert sum(r["reviewed"] for r in results) == 50
    assert sum(r["held"] for r in results) == 10
    assert ReviewDecision.objects.count() == 60
    assert set(ReviewDecision.objects.values_list("order", flat=True)) == set(
        Order.objects.values_list("pk", flat=True))
    assert Order.objects.filter(state="reviewed").count() == 50
