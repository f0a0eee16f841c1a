"""ORD-1, FUL-1: the queues staff keep open all day answer in the same number of queries
however many orders there are (bench/queues.py times them with 100,000 orders)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shopops.fulfillment.actions.review import run_review_batch
from shopops.inventory import ledger

PAGES = ["/orders/", "/orders/?state=paid", "/orders/table/", "/fulfillment/review-queue/",
         "/fulfillment/review-queue/?tab=held", "/fulfillment/review-queue/table/",
         "/fulfillment/end-of-day/"]


def _queries(client, url):
    client.get(url)  # warm caches (settings, roles) like a page already open
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", PAGES)
def test_ord1_ful1_queue_queries_do_not_grow_with_orders(url, paid_order, dress, shirt, hz,
                                                        people, client_for):
    ledger.receive(actor=None, sku=dress, warehouse=hz, quantity=200, reference="test")
    ledger.receive(actor=None, sku=shirt, warehouse=hz, quantity=200, reference="test")
    client = client_for(people.boss)

    def add(n, start):
        for i in range(start, start + n):
            paid_order(platform_order_no=f"Q{i}", customer_phone=f"1380000{i:04d}",
                       lines=[{"sku": dress, "quantity": 1}, {"sku": shirt, "quantity": 1}],
                       buyer_message="改地址" if i % 4 == 0 else "")

    def fill(n, start):  # n reviewed (a quarter of them held) and n waiting for review
        add(n, start)
        run_review_batch(actor=people.reviewer, warehouse=hz)
        add(n, start + n)

    fill(3, 0)
    few = _queries(client, url)
    fill(30, 6)
    many = _queries(client, url)
    assert many == few, f"{url}: {few} queries with 6 orders, {many} with 66"
