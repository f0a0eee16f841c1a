"""ORD-1 "new orders appear in the staff queue at once, without reloading the page": the
order list of customer service and the reviewer's queue are open in two browsers when an
order arrives from elsewhere; both show it within seconds, and neither page navigated."""

from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.fulfillment import conftest as line_fixtures

# The warehouse-line fixtures (tests/fulfillment/conftest.py), used here as they are.
bins = line_fixtures.bins
dress = line_fixtures.dress
hz = line_fixtures.hz
paid_order = line_fixtures.paid_order
people = line_fixtures.people
tmall = line_fixtures.tmall

ARRIVAL_MS = 8_000  # "at once": an event, a 250 ms coalescing delay and one fetch


def open_live(new_page, username, url, region):
    """Sign in, open `url`, wait until its live region is connected; mark the window so a
    reload or navigation would show (a new document has no __marker)."""
    page = new_page()
    login(page, username, PASSWORD)
    page.goto(url, wait_until="domcontentloaded")  # an open EventSource: never "networkidle"
    page.locator(region).wait_for()
    page.wait_for_function("document.body.getAttribute('data-live') === 'on'")
    page.evaluate("window.__marker = 1")
    return page


def test_ord1_new_order_appears_in_the_queue_without_reload(new_page, people, paid_order,
                                                             shot):
    existing = paid_order(customer_name="李娜")
    cs = open_live(new_page, "liuyang", "/orders/", "#order-table")
    reviewer = open_live(new_page, "zhaomin", "/fulfillment/review-queue/",
                         "#review-queue-table")
    assert existing.number in cs.locator("#order-table").inner_text()
    assert reviewer.locator(f"#review-queue-table tr[data-order='{existing.number}']").count() \
        == 1
    shot(cs, "orders-before")
    shot(reviewer, "review-queue-before")

    # An order arrives elsewhere (the API, an import, another person's form): here the action
    # itself, in the test's thread; it commits, and the event goes out after the commit.
    order = paid_order(customer_name="王芳", province="上海市", city="上海市", district="徐汇区",
                       address_detail="漕溪北路 18 号 1203 室")

    row = cs.locator("#order-table tr").filter(has_text=order.number)
    row.wait_for(timeout=ARRIVAL_MS)
    assert "王*" in row.inner_text() and "已付款" in row.inner_text()  # masked (ROLE-6)
    queued = reviewer.locator(f"#review-queue-table tr[data-order='{order.number}']")
    queued.wait_for(timeout=ARRIVAL_MS)
    assert "王*" in queued.inner_text() and "上海市" in queued.inner_text()
    # The newest order is first in the list, the earlier one is still there.
    numbers = cs.locator("#order-table tbody tr td:first-child a").all_inner_texts()
    assert numbers[:2] == [order.number, existing.number]
    for page in (cs, reviewer):
        assert page.evaluate("window.__marker") == 1, "the page was reloaded"
    shot(cs, "orders-after")
    shot(reviewer, "review-queue-after")
