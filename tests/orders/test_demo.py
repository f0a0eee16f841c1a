"""The order demo loads through the actions on top of demo-like SKUs, stock and channels
(the whole ops demo is exercised by tests/ops once the lead lists shopops.orders.demo)."""

from shopops.inventory import ledger
from shopops.inventory.queries import check_ledger
from shopops.orders import demo
from shopops.orders.models import Amendment, Order
from tests.factories import channel, make_product, make_warehouse


def test_ord_demo_loads_orders_in_several_states(staff):
    hz = make_warehouse(code="hz-main", name="杭州主仓")
    for code in ("tmall", "jd", "b2c"):
        channel(code)
    for title in ("真丝印花连衣裙", "棉麻衬衫", "羊毛针织开衫"):
        for sku in make_product(title, skus=[{"尺码": s} for s in "SML"]).skus.all():
            ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=30, reference="test")
    demo.load(staff)
    states = set(Order.objects.values_list("state", flat=True))
    assert Order.objects.count() == 15
    assert {"pending_payment", "paid", "confirmed", "on_hold", "out_of_stock",
            "cancelled"} <= states
    assert Amendment.objects.filter(field="address").count() == 1
    assert check_ledger() == []
