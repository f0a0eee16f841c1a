"""FUL-5 under concurrency (PostgreSQL, real threads): two packers packing the same order
make one parcel; two people opening a sheet for the same courier get one sheet; two
closing it at once ship every parcel once (stock consumed once)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from shopops.core.errors import UserError
from shopops.fulfillment.actions.handover import close_handover, open_handover, scan_parcel
from shopops.fulfillment.actions.packing import pack_order
from shopops.fulfillment.models import Courier, Handover, Parcel, PrintRun, Slip, Wave
from shopops.inventory import ledger
from shopops.inventory.models import Move, Stock
from shopops.orders.actions import create_order
from shopops.orders.models import Order
from tests.factories import channel, make_location, make_sku, make_warehouse
from tests.fulfillment.conftest import CUSTOMER

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def race(work, n=2):
    gate, results = threading.Barrier(n), []

    def run():
        try:
            gate.wait(30)
            results.append(("ok", work()))
        except UserError as exc:
            results.append(("refused", exc.code))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return sorted(results, key=lambda r: r[0])


@pytest.fixture
def line(db):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent stations need PostgreSQL")
    # A transactional test before this one may have flushed the seeded couriers.
    courier, _ = Courier.objects.get_or_create(code="zto", defaults={"name": "中通快递"})
    hz = make_warehouse(code="hz-race-c", name="杭州主仓")
    sku = make_sku(skus=[{"颜色": "米白"}])
    sku.weight_g = 300
    sku.save(update_fields=["weight_g"])
    ledger.receive(actor=None, sku=sku, warehouse=hz, quantity=50,
                   location=make_location(hz, code="A-01-01"), reference="test:setup")
    wave = Wave.objects.create(number="BC-RACE", warehouse=hz)
    run = PrintRun.objects.create(number="DY-RACE", wave=wave)

    def verified_order(n):
        order = create_order(actor=None, channel=channel("tmall"), warehouse=hz, paid=True,
                             lines=[{"sku": sku, "quantity": 1}],
                             **{**CUSTOMER, "customer_phone": f"139{n:08d}"})
        Slip.objects.create(order=order, print_run=run, courier=courier,
                            waybill_no=f"ZTRACE{n:04d}")
        Order.objects.filter(pk=order.pk).update(state="verified", printed_at=timezone.now())
        return Order.objects.get(pk=order.pk)

    return {"courier": courier, "hz": hz, "sku": sku, "order": verified_order}


def test_ful5_two_packers_same_order_make_one_parcel(line):
    order = line["order"](1)
    results = race(lambda: pack_order(actor=None, order=order, checklist={"slip": True}).pk)
    assert [r[0] for r in results] == ["ok", "refused"]
    assert Parcel.objects.count() == 1
    assert Order.objects.get().state == Order.State.PACKED


def test_ful5_two_sheets_for_one_courier_at_once_make_one(line):
    for n in range(3):
        pack_order(actor=None, order=line["order"](n), checklist={"slip": True})
    results = race(lambda: open_handover(actor=None, courier=line["courier"],
                                         warehouse=line["hz"]).pk)
    assert [r[0] for r in results] == ["ok", "refused"] and results[1][1] == "handover_open"
    assert Handover.objects.get().expected_count == 3


def test_ful5_closing_twice_at_once_ships_once(line):
    parcels = [pack_order(actor=None, order=line["order"](n), checklist={"slip": True})
               for n in range(4)]
    handover = open_handover(actor=None, courier=line["courier"], warehouse=line["hz"])
    for parcel in parcels:
        scan_parcel(actor=None, handover=handover, code=parcel.waybill_no)
    results = race(lambda: len(close_handover(actor=None, handover=handover).failures))
    assert [r[0] for r in results] == ["ok", "refused"]
    # The second is refused while the first is closing, or once it has closed: either way
    # the parcels ship once.
    assert results[0][1] == 0 and results[1][1] in ("handover_closing", "handover_closed")
    assert Move.objects.filter(kind=Move.Kind.SHIPMENT).count() == 4
    stock = Stock.objects.get(sku=line["sku"])
    assert (stock.on_hand, stock.reserved) == (46, 0)
