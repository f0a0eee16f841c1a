"""INV-1 / INV-2 / INV-4: the stock ledger's building blocks — every change is a Move in the
same transaction, stock is never short-sold, bins follow located moves, a failure changes
nothing, and the low-stock / listing hooks fire only when the change can matter."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from shopops.core import periodic, registry
from shopops.core.errors import UserError
from shopops.core.models import SettingValue
from shopops.core.periodic import PERIODIC
from shopops.inventory import ledger
from shopops.inventory.models import BinStock, Move, Reservation, Stock
from shopops.inventory.queries import check_ledger, move_rows, sellable_available, stock_rows
from tests.factories import make_location, make_product, make_sku, make_warehouse


@pytest.fixture(autouse=True)
def hooks(monkeypatch):
    """Record the hook calls instead of running the other helpers' alerts and listings."""
    calls = {"alerts": [], "listings": []}

    def fake(which):
        def hook(**kwargs):
            calls[which].append(kwargs)
        return hook

    monkeypatch.setattr(ledger, "_hook", fake)
    return calls


@pytest.fixture
def wh(db):
    return make_warehouse(code="hz", name="杭州主仓")


@pytest.fixture
def wh2(db):
    return make_warehouse(code="sh", name="上海南京路店")


@pytest.fixture
def sku(db):
    # One attribute: jsonb (PostgreSQL) does not keep the order of several.
    return make_sku(code="P-DRESS", skus=[{"颜色": "藏青"}])  # str(sku) == "P-DRESS-01 藏青"


@pytest.fixture
def worker(make_user):
    return make_user(roles=["warehouse_supervisor"], display_name="仓管老王")


def stock(sku, wh):
    row = Stock.objects.get(sku=sku, warehouse=wh)
    return row.on_hand, row.reserved, row.available


def kinds(sku):
    return list(Move.objects.filter(sku=sku).order_by("id").values_list(
        "kind", "on_hand_delta", "reserved_delta"))


# -- receive / issue / adjust ---------------------------------------------------------------


def test_inv1_receive_creates_the_stock_row_and_appends_a_move(sku, wh, worker, make_user):
    courier = make_user(display_name="送货员")
    move = ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=10,
                          reference="inventory.document:7", counterpart=courier, note="首批到货")

    assert stock(sku, wh) == (10, 0, 10)
    assert Stock.objects.get(sku=sku, warehouse=wh).safety_stock == 5  # the default setting
    assert (move.kind, move.on_hand_delta, move.reserved_delta) == ("receipt", 10, 0)
    assert (move.actor, move.counterpart, move.reference, move.note) == (
        worker, courier, "inventory.document:7", "首批到货")
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=3, kind="return")
    assert stock(sku, wh) == (13, 0, 13)
    assert kinds(sku) == [("receipt", 10, 0), ("return", 3, 0)]
    assert check_ledger() == []


def test_inv1_quantities_must_be_positive_whole_numbers(sku, wh, worker):
    for bad in (0, -2, 1.5, True, "3"):
        with pytest.raises(UserError) as exc:
            ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=bad)
        assert exc.value.code == "invalid_quantity"
    with pytest.raises(UserError) as exc:
        ledger.adjust(actor=worker, sku=sku, warehouse=wh, delta=0)
    assert exc.value.message == "数量必须是正整数：0"
    with pytest.raises(ValueError):
        ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=1, kind="shipment")
    with pytest.raises(ValueError):
        ledger.issue(actor=worker, sku=sku, warehouse=wh, quantity=1, kind="receipt")
    assert not Move.objects.exists()


def test_inv2_issue_takes_only_unreserved_units(sku, wh, worker):
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=5)
    ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=3, reference="orders.line:1")

    with pytest.raises(UserError) as exc:
        ledger.issue(actor=worker, sku=sku, warehouse=wh, quantity=3)
    assert exc.value.code == "insufficient_stock"
    assert exc.value.message == "库存不足：P-DRESS-01 藏青 在 杭州主仓 可用 2，需要 3"
    assert exc.value.message_en == (
        "Insufficient stock: P-DRESS-01 藏青 in 杭州主仓 has 2 available, 3 needed")
    assert stock(sku, wh) == (5, 3, 2)

    move = ledger.issue(actor=worker, sku=sku, warehouse=wh, quantity=2, reference="样衣借出")
    assert (move.kind, move.on_hand_delta) == ("shipment", -2)
    assert stock(sku, wh) == (3, 3, 0)
    assert check_ledger() == []


def test_inv2_short_message_when_there_was_never_any_stock(sku, wh, worker):
    with pytest.raises(UserError) as exc:  # pks work too; the message still names them
        ledger.reserve(actor=worker, sku=sku.pk, warehouse=wh.pk, quantity=1, reference="o:1")
    assert str(exc.value).startswith("库存不足：P-DRESS-01 藏青 在 杭州主仓 可用 0，需要 1")
    assert not Stock.objects.exists() and not Move.objects.exists()
    assert not Reservation.objects.exists()


def test_inv3_adjust_up_and_down_never_below_reserved(sku, wh, worker):
    ledger.adjust(actor=worker, sku=sku, warehouse=wh, delta=4, reference="PD20260601-0001")
    ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=3, reference="o:1")

    with pytest.raises(UserError) as exc:
        ledger.adjust(actor=worker, sku=sku, warehouse=wh, delta=-2)
    assert exc.value.message == "库存不足：P-DRESS-01 藏青 在 杭州主仓 可用 1，需要 2"
    ledger.adjust(actor=worker, sku=sku, warehouse=wh, delta=-1, note="盘亏")

    assert stock(sku, wh) == (3, 3, 0)
    assert kinds(sku) == [("adjust", 4, 0), ("reserve", 0, 3), ("adjust", -1, 0)]
    assert check_ledger() == []


# -- reservations ----------------------------------------------------------------------------


def test_inv2_reserve_holds_units_and_release_gives_them_back_once(sku, wh, worker):
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=5)
    expires = timezone.now() + timedelta(minutes=30)
    held = ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=3,
                          reference="orders.line:88", expires_at=expires)

    held.refresh_from_db()
    assert (held.state, held.quantity, held.reference, held.expires_at) == (
        "active", 3, "orders.line:88", expires)
    assert stock(sku, wh) == (5, 3, 2)

    ledger.release(actor=worker, reservation=held, note="买家取消")
    ledger.release(actor=worker, reservation=held)  # a second release changes nothing
    ledger.release(actor=worker, reservation=held.pk)

    held.refresh_from_db()
    assert held.state == "released" and held.closed_at is not None
    assert stock(sku, wh) == (5, 0, 5)
    assert kinds(sku) == [("receipt", 5, 0), ("reserve", 0, 3), ("release", 0, -3)]
    assert Move.objects.get(kind="release").note == "买家取消"
    assert check_ledger() == []


def test_inv2_consume_ships_reserved_goods_once(sku, wh, worker, make_user):
    packer = make_user(display_name="打包员")
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=5)
    held = ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=2, reference="o:9")

    move = ledger.consume(actor=worker, reservation=held, counterpart=packer)

    assert (move.kind, move.on_hand_delta, move.reserved_delta) == ("shipment", -2, -2)
    assert (move.reference, move.counterpart) == ("o:9", packer)
    assert stock(sku, wh) == (3, 0, 3)
    assert Reservation.objects.get(pk=held.pk).state == "consumed"
    with pytest.raises(UserError) as exc:
        ledger.consume(actor=worker, reservation=held)
    assert (exc.value.code, exc.value.message) == ("reservation_consumed", "占用已出库")
    ledger.release(actor=worker, reservation=held)  # shipped goods are not released
    assert stock(sku, wh) == (3, 0, 3)
    assert check_ledger() == []


def test_inv2_consume_after_release_is_refused(sku, wh, worker):
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=5)
    held = ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=2, reference="o:9")
    stale = Reservation.objects.get(pk=held.pk)  # another caller's copy, still "active"
    ledger.release(actor=worker, reservation=held)

    with pytest.raises(UserError) as exc:
        ledger.consume(actor=worker, reservation=stale)
    assert (exc.value.code, exc.value.message) == ("reservation_released", "占用已释放")
    assert stale.state == "released"
    assert stock(sku, wh) == (5, 0, 5)
    assert Move.objects.filter(kind="shipment").count() == 0


def test_inv2_release_expired_frees_only_past_due_reservations(sku, wh, worker):
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=10)
    now = timezone.now()
    due = ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=2, reference="o:1",
                         expires_at=now - timedelta(seconds=1))
    later = ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=3, reference="o:2",
                           expires_at=now + timedelta(minutes=5))
    ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=1, reference="o:3")

    assert ledger.release_expired(now=now) == 1
    assert ledger.release_expired(now=now) == 0
    assert stock(sku, wh) == (10, 4, 6)
    release = Move.objects.get(kind="release")
    assert (release.reference, release.actor, release.note) == ("o:1", None, "占用到期自动释放")
    assert Reservation.objects.get(pk=due.pk).state == "released"

    assert ledger.release_expired(now=now + timedelta(minutes=6)) == 1
    assert Reservation.objects.get(pk=later.pk).state == "released"
    assert stock(sku, wh) == (10, 1, 9)
    assert check_ledger() == []


def test_inv2_expired_reservations_are_released_by_the_scheduler(sku, wh, worker, monkeypatch):
    assert "inventory.release_expired" in PERIODIC  # InventoryConfig.ready() registered it
    monkeypatch.setattr(periodic, "PERIODIC", {})  # only this job in this test
    ledger.register_jobs()
    assert list(periodic.PERIODIC) == ["inventory.release_expired"]
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=3)
    ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=2, reference="o:1",
                   expires_at=timezone.now() - timedelta(minutes=1))
    SettingValue.objects.create(key="ops.scheduler_tick_seconds", value=20)
    registry.clear_cache()

    start = timezone.now()
    assert periodic.run_due_jobs(scheduler_id="t", now=start) == []  # first sight: scheduled
    assert periodic.run_due_jobs(scheduler_id="t", now=start + timedelta(seconds=19)) == []
    assert stock(sku, wh) == (3, 2, 1)
    assert periodic.run_due_jobs(scheduler_id="t", now=start + timedelta(seconds=21)) == [
        "inventory.release_expired"]
    assert stock(sku, wh) == (3, 0, 3)


# -- transfers and bins ----------------------------------------------------------------------


def test_inv4_transfer_between_warehouses(sku, wh, wh2, worker, make_user):
    driver = make_user(display_name="司机小李")
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=6)
    ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=2, reference="o:1")

    with pytest.raises(UserError) as exc:
        ledger.transfer(actor=worker, sku=sku, from_warehouse=wh, to_warehouse=wh2, quantity=5)
    assert exc.value.message == "库存不足：P-DRESS-01 藏青 在 杭州主仓 可用 4，需要 5"
    assert not Stock.objects.filter(warehouse=wh2, on_hand__gt=0).exists()

    out, into = ledger.transfer(actor=worker, sku=sku, from_warehouse=wh, to_warehouse=wh2,
                                quantity=4, reference="DB20260601-0001", counterpart=driver)
    assert (out.kind, out.warehouse, out.on_hand_delta) == ("transfer_out", wh, -4)
    assert (into.kind, into.warehouse, into.on_hand_delta) == ("transfer_in", wh2, 4)
    assert {out.reference, into.reference} == {"DB20260601-0001"}
    assert out.counterpart == into.counterpart == driver
    assert stock(sku, wh) == (2, 2, 0)
    assert stock(sku, wh2) == (4, 0, 4)

    ledger.transfer(actor=worker, sku=sku, from_warehouse=wh2, to_warehouse=wh, quantity=1)
    assert (stock(sku, wh), stock(sku, wh2)) == ((3, 2, 1), (3, 0, 3))
    assert check_ledger() == []


def test_inv4_transfer_from_a_warehouse_that_never_had_it(sku, wh, wh2, worker):
    with pytest.raises(UserError) as exc:
        ledger.transfer(actor=worker, sku=sku, from_warehouse=wh2, to_warehouse=wh, quantity=1)
    assert exc.value.message == "库存不足：P-DRESS-01 藏青 在 上海南京路店 可用 0，需要 1"
    assert not Move.objects.exists()
    with pytest.raises(UserError) as exc:
        ledger.transfer(actor=worker, sku=sku, from_warehouse=wh, to_warehouse=wh, quantity=1)
    assert exc.value.code == "same_place"


def test_inv1_bins_follow_located_moves(sku, wh, wh2, worker):
    a1, a2 = make_location(wh, code="A-01-01"), make_location(wh, code="A-01-02")
    b1 = make_location(wh2, code="B-01-01")
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=8, location=a1)
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=2)  # not yet put away

    ledger.transfer(actor=worker, sku=sku, from_warehouse=wh, to_warehouse=wh, quantity=3,
                    from_location=a1, to_location=a2)  # bin to bin: totals stay
    assert stock(sku, wh) == (10, 0, 10)
    held = ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=2, reference="o:1")
    ledger.consume(actor=worker, reservation=held, location=a2)
    ledger.transfer(actor=worker, sku=sku, from_warehouse=wh, to_warehouse=wh2, quantity=4,
                    from_location=a1, to_location=b1)
    ledger.adjust(actor=worker, sku=sku, warehouse=wh2, delta=-1, location=b1)

    bins = dict(BinStock.objects.filter(sku=sku).values_list("location__code", "quantity"))
    assert bins == {"A-01-01": 1, "A-01-02": 1, "B-01-01": 3}
    assert (stock(sku, wh), stock(sku, wh2)) == ((4, 0, 4), (3, 0, 3))
    assert check_ledger() == []

    with pytest.raises(UserError) as exc:
        ledger.issue(actor=worker, sku=sku, warehouse=wh, quantity=2, location=a1)
    assert exc.value.code == "insufficient_bin_stock"
    assert exc.value.message == "库位库存不足：P-DRESS-01 藏青 在库位 A-01-01 有 1，需要 2"
    with pytest.raises(UserError) as exc:
        ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=1, location=b1)
    assert (exc.value.code, exc.value.message) == ("location_not_in_warehouse",
                                                   "库位 B-01-01 不属于该仓库")
    with pytest.raises(UserError) as exc:
        ledger.transfer(actor=worker, sku=sku, from_warehouse=wh, to_warehouse=wh, quantity=1,
                        from_location=a1, to_location=a1)
    assert exc.value.code == "same_place"
    assert stock(sku, wh) == (4, 0, 4)
    assert check_ledger() == []


# -- atomicity -------------------------------------------------------------------------------


def test_inv2_a_failing_second_step_leaves_nothing(sku, wh, worker):
    other = make_sku(code="P-SHIRT")
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=5)
    moves = Move.objects.count()

    with pytest.raises(UserError), transaction.atomic():  # e.g. an order with two lines
        ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=2, reference="o:1/1")
        ledger.reserve(actor=worker, sku=other, warehouse=wh, quantity=1, reference="o:1/2")

    assert stock(sku, wh) == (5, 0, 5)
    assert not Reservation.objects.exists()
    assert Move.objects.count() == moves


def test_inv1_a_failing_function_undoes_its_own_first_steps(sku, wh, wh2, worker):
    """Inside a caller's transaction that goes on after the error, the failed call has left
    nothing: the stock UPDATE that succeeded before the bin check is rolled back too."""
    a1 = make_location(wh, code="A-01-01")
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=2, location=a1)
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=10)
    held = ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=6, reference="o:1")
    moves = Move.objects.count()  # 12 on hand, 6 reserved, 2 of them in bin A-01-01

    with transaction.atomic():
        for call in (
            lambda: ledger.issue(actor=worker, sku=sku, warehouse=wh, quantity=4, location=a1),
            lambda: ledger.issue(actor=worker, sku=sku, warehouse=wh, quantity=7),
            lambda: ledger.consume(actor=worker, reservation=held, location=a1),
            lambda: ledger.transfer(actor=worker, sku=sku, from_warehouse=wh, to_warehouse=wh2,
                                    quantity=5, from_location=a1),
        ):
            with pytest.raises(UserError):
                call()
        ledger.adjust(actor=worker, sku=sku, warehouse=wh, delta=1)

    assert stock(sku, wh) == (13, 6, 7)
    assert Reservation.objects.get(pk=held.pk).state == "active"
    assert BinStock.objects.get(sku=sku, location=a1).quantity == 2
    assert Move.objects.count() == moves + 1
    assert not Stock.objects.filter(warehouse=wh2).exists()
    assert check_ledger() == []


# -- hooks -----------------------------------------------------------------------------------


def test_inv5_hooks_fire_only_when_the_change_can_matter(sku, wh, worker, hooks):
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=8)  # on hand changed, 0 → 8
    assert len(hooks["alerts"]) == 1 and hooks["listings"] == [
        {"product_ids": [sku.product_id], "actor": worker}]
    alert = hooks["alerts"][0]
    (row,) = alert["stocks"]
    assert (row.pk, row.on_hand, row.reserved, row.safety_stock) == (
        Stock.objects.get(sku=sku, warehouse=wh).pk, 8, 0, 5)
    hooks["alerts"].clear(), hooks["listings"].clear()

    ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=1, reference="o:1")  # 8 → 7
    ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=1, reference="o:2")  # 7 → 6
    assert hooks == {"alerts": [], "listings": []}

    ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=2, reference="o:3")  # 6 → 4
    assert len(hooks["alerts"]) == 1 and hooks["listings"] == []
    held = ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=4, reference="o:4")
    assert len(hooks["alerts"]) == 2 and len(hooks["listings"]) == 1  # 4 → 0: sold out
    ledger.release(actor=worker, reservation=held)  # 0 → 4: back on sale
    assert len(hooks["alerts"]) == 3 and len(hooks["listings"]) == 2


def test_inv5_a_hook_module_that_does_not_exist_yet_is_skipped(sku, wh, worker, monkeypatch):
    monkeypatch.undo()  # the real resolver
    monkeypatch.setitem(ledger._HOOKS, "alerts", ("shopops.inventory.not_written_yet", "x"))
    monkeypatch.setitem(ledger._HOOKS, "listings", ("shopops.nothing_here.listing", "x"))
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=1)
    assert stock(sku, wh) == (1, 0, 1)
    assert ledger._hook("alerts") is None and ledger._hook("listings") is None


# -- reads -----------------------------------------------------------------------------------


def test_inv1_stock_for_makes_the_zero_row_once(sku, wh):
    SettingValue.objects.create(key="inventory.default_safety_stock", value=12)
    registry.clear_cache()
    row = ledger.stock_for(sku, wh)
    assert (row.on_hand, row.reserved, row.available, row.safety_stock) == (0, 0, 0, 12)
    assert ledger.stock_for(sku.pk, wh.pk).pk == row.pk
    assert Stock.objects.count() == 1 and not Move.objects.exists()


def test_cat3_sellable_available_counts_sellable_active_warehouses(wh, worker):
    product = make_product(skus=[{"尺码": "S"}, {"尺码": "M"}])
    s, m = product.skus.order_by("code")
    empty = make_product()
    store = make_warehouse(name="门店", sellable=False)
    closed = make_warehouse(name="停用仓", active=False)
    ledger.receive(actor=worker, sku=s, warehouse=wh, quantity=3)
    ledger.receive(actor=worker, sku=m, warehouse=wh, quantity=4)
    ledger.reserve(actor=worker, sku=m, warehouse=wh, quantity=1, reference="o:1")
    ledger.receive(actor=worker, sku=s, warehouse=store, quantity=50)
    ledger.receive(actor=worker, sku=s, warehouse=closed, quantity=50)

    assert ledger.sellable_available([product.pk, empty.pk]) == {product.pk: 6, empty.pk: 0}
    assert sellable_available([]) == {}


def test_inv1_check_ledger_finds_totals_that_disagree_with_the_ledger(sku, wh, worker):
    a1 = make_location(wh, code="A-01-01")
    ledger.receive(actor=worker, sku=sku, warehouse=wh, quantity=5, location=a1)
    ledger.reserve(actor=worker, sku=sku, warehouse=wh, quantity=2, reference="o:1")
    assert check_ledger() == [] and check_ledger(sku) == []

    Stock.objects.filter(sku=sku).update(on_hand=7)  # what the ledger forbids
    BinStock.objects.filter(sku=sku).update(quantity=4)
    Reservation.objects.filter(sku=sku).update(quantity=3)

    found = {(d.what, d.stored, d.expected) for d in check_ledger(sku)}
    assert found == {("on_hand", 7, 5), ("reservations", 2, 3), ("bin", 4, 5)}
    bin_row = next(d for d in check_ledger() if d.what == "bin")
    assert (bin_row.warehouse_id, bin_row.location_id) == (wh.pk, a1.pk)
    assert str(bin_row) == f"SKU#{sku.pk} 库位#{a1.pk} bin: 记录 4，流水 5"
    assert check_ledger(make_sku()) == []


def test_inv1_stock_and_move_pages_have_bounded_queries(wh, worker,
                                                        django_assert_max_num_queries):
    product = make_product(skus=[{"尺码": str(n)} for n in range(30)])
    for item in product.skus.all():
        ledger.receive(actor=worker, sku=item, warehouse=wh, quantity=2,
                       location=make_location(wh))

    with django_assert_max_num_queries(1):
        rows = [(r.sku.product.title, r.warehouse.name, r.available, r.responsible)
                for r in stock_rows(warehouse=wh, search=product.code)]
    assert len(rows) == 30
    with django_assert_max_num_queries(1):
        moves = [(m.sku.code, m.warehouse.name, m.location.code, m.actor.display_name)
                 for m in move_rows(warehouse=wh)]
    assert len(moves) == 30
    assert stock_rows(low_only=True).count() == 30  # 2 available ≤ safety stock 5
    assert stock_rows(nonzero=True, sku=product.skus.first()).count() == 1
