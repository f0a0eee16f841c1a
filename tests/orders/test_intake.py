"""ORD-1, INV-2: intake reserves stock for every line in one transaction — a shortage creates
nothing; duplicates (channel + platform order number) are refused, also when racing."""

import threading

import pytest
from django.db import connection

from shopops.core.errors import UserError
from shopops.core.models import Event
from shopops.inventory.models import Reservation, Stock
from shopops.inventory.queries import check_ledger
from shopops.orders.actions import create_order
from shopops.orders.models import Order, OrderLine
from tests.factories import channel, make_sku, make_warehouse

from .conftest import CUSTOMER


def _stock(sku, warehouse):
    s = Stock.objects.get(sku=sku, warehouse=warehouse)
    return s.on_hand, s.reserved


def test_ord1_create_order_reserves_every_line(new_order, dress, shirt, hz, cs):
    order = new_order(lines=[{"sku": dress, "quantity": 2}, {"sku": shirt, "quantity": 3,
                                                              "unit_price_fen": 9900}],
                      platform_order_no="3120000000001", shipping_fen=1000, discount_fen=500)
    assert order.number.startswith("DD") and order.state == "paid"
    assert (order.goods_fen, order.paid_fen) == (2 * 19900 + 3 * 9900, 2 * 19900 + 3 * 9900 + 500)
    lines = list(order.lines.select_related("reservation"))
    assert [(x.sku_id, x.quantity, x.unit_price_fen) for x in lines] == [
        (dress.pk, 2, 19900), (shirt.pk, 3, 9900)]
    assert [x.reservation.reference for x in lines] == [f"orders.orderline:{x.pk}" for x in lines]
    assert all(x.reservation.state == "active" for x in lines)
    assert lines[0].title == "真丝印花连衣裙 颜色:藏青"
    assert _stock(dress, hz) == (10, 2) and _stock(shirt, hz) == (10, 3)
    assert order.warehouse == hz and order.created_by == cs
    event = Event.objects.get(verb="order.created")
    assert event.object_id == str(order.pk) and "3120000000001" in event.summary
    assert check_ledger() == []


def test_inv2_shortage_on_any_line_creates_nothing(new_order, dress, shirt, hz):
    with pytest.raises(UserError) as exc:
        new_order(lines=[{"sku": dress, "quantity": 2}, {"sku": shirt, "quantity": 11}])
    assert exc.value.code == "insufficient_stock"
    assert "库存不足" in exc.value.message and "可用 10，需要 11" in exc.value.message
    assert Order.objects.count() == 0 and OrderLine.objects.count() == 0
    assert Reservation.objects.count() == 0
    assert _stock(dress, hz) == (10, 0)
    assert not Event.objects.filter(verb="order.created").exists()
    assert check_ledger() == []


def test_ord1_duplicate_platform_order_refused(new_order, tmall):
    new_order(platform_order_no="3120000000002")
    with pytest.raises(UserError) as exc:
        new_order(platform_order_no=" 3120000000002 ")
    assert exc.value.code == "duplicate_order"
    assert exc.value.message == "重复订单：天猫旗舰店 的平台订单号 3120000000002 已存在，未重复录入。"
    assert Order.objects.count() == 1 and Reservation.objects.count() == 1


def test_ord1_same_platform_number_on_another_channel_is_fine(new_order, b2c):
    new_order(platform_order_no="A1")
    new_order(platform_order_no="A1", channel=b2c)
    new_order()  # several orders with no platform number do not collide
    new_order()
    assert Order.objects.count() == 4


def test_ord1_incomplete_customer_or_no_lines_refused(new_order, dress):
    with pytest.raises(UserError) as exc:
        new_order(customer_phone=" ", address_detail="")
    assert exc.value.message == "请填写：联系电话、详细地址。"
    with pytest.raises(UserError) as exc:
        new_order(lines=[])
    assert exc.value.code == "no_lines"
    with pytest.raises(UserError) as exc:
        new_order(lines=[{"sku": dress, "quantity": 0}])
    assert exc.value.code == "bad_quantity"
    assert Order.objects.count() == 0


def test_ord1_unpaid_order_waits_for_payment(new_order):
    order = new_order(paid=False)
    assert order.state == "pending_payment" and order.paid_at is None


def test_ord1_needs_create_capability(hz, dress, tmall, make_user):
    with pytest.raises(UserError) as exc:
        create_order(actor=make_user(roles=["picker"]), channel=tmall,
                     lines=[{"sku": dress, "quantity": 1}], **CUSTOMER)
    assert exc.value.status == 403 and Order.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_ord1_racing_duplicate_intakes_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL")
    hz = make_warehouse(code="hz-race", name="杭州主仓")
    sku = make_sku(skus=[{"颜色": "米白"}])
    from shopops.inventory import ledger
    ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=50, reference="test:setup")
    tmall = channel("tmall")
    n = 6
    gate, results = threading.Barrier(n), []

    def run():
        try:
            gate.wait(30)
            order = create_order(actor=None, channel=tmall, platform_order_no="RACE-1",
                                 warehouse=hz, lines=[{"sku": sku, "quantity": 1}], paid=True,
                                 **CUSTOMER)
            results.append(("ok", order.pk))
        except UserError as exc:
            results.append((exc.code, None))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(code for code, _ in results)
    assert codes == ["duplicate_order"] * (n - 1) + ["ok"]
    assert Order.objects.filter(platform_order_no="RACE-1").count() == 1
    assert Stock.objects.get(sku=sku, warehouse=hz).reserved == 1
    assert check_ledger() == []
