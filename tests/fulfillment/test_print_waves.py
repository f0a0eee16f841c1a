"""FUL-2 print: waves grouped for one picking walk, the first print, reprints, the
handover to a picker."""

from datetime import timedelta

import pytest

from shopops.core.errors import UserError
from shopops.core.models import Event
from shopops.fulfillment.actions import printing
from shopops.fulfillment.actions.printing import create_waves, hand_to_picker, print_wave, reprint
from shopops.fulfillment.models import PickAllocation, PrintRun, Slip, Wave, WaveOrder
from shopops.inventory import ledger
from shopops.orders.actions import amend_order
from tests.factories import make_location, make_sku


@pytest.fixture
def reviewed(paid_order, put_in_state):
    def make(*skus_quantities, **kw):
        lines = [{"sku": sku, "quantity": q} for sku, q in skus_quantities] or None
        order = paid_order(**({"lines": lines} if lines else {}), **kw)
        return put_in_state(order, "reviewed")

    return make


def positions(wave):
    return list(WaveOrder.objects.filter(wave=wave).order_by("position")
                .values_list("order_id", flat=True))


def test_ful2_waves_follow_the_walk_and_the_size(reviewed, dress, shirt, people, hz):
    shirt_only = reviewed((shirt, 1))        # first stop B-02-03 (walk 2)
    dress_only = reviewed((dress, 1))        # first stop A-01-01 (walk 1)
    both = reviewed((shirt, 1), (dress, 2))  # first stop A-01-01

    waves = create_waves(actor=people.printer, warehouse=hz, size=2)

    assert [positions(w) for w in waves] == [[dress_only.pk, both.pk], [shirt_only.pk]]
    assert [w.state for w in waves] == ["open", "open"]
    assert waves[0].number.startswith("BC") and waves[0].number != waves[1].number
    spots = sorted((a.line.sku.code, a.location.code, a.quantity)
                   for a in PickAllocation.objects.filter(line__order=both))
    assert spots == [("P-DRESS-01", "A-01-01", 2), ("P-SHIRT-01", "B-02-03", 1)]
    event = Event.objects.get(verb="wave.created", object_id=str(waves[0].pk))
    assert event.data["orders"] == [dress_only.pk, both.pk]
    assert event.actor == people.printer
    # Orders already in a wave are not taken again.
    assert create_waves(actor=people.printer, warehouse=hz) == []


def test_ful2_merged_orders_stay_in_the_wave_of_their_primary(reviewed, dress, shirt, people,
                                                               hz, put_in_state):
    primary = reviewed((dress, 1))
    other = reviewed((dress, 1))
    merged = reviewed((shirt, 1))
    put_in_state(merged, "reviewed", merged_into=primary)

    waves = create_waves(actor=people.printer, warehouse=hz, size=2)

    assert [positions(w) for w in waves] == [[primary.pk, merged.pk], [other.pk]]
    print_wave(actor=people.printer, wave=waves[0], render=False)
    numbers = dict(Slip.objects.values_list("order_id", "waybill_no"))
    assert numbers[primary.pk] == numbers[merged.pk]  # one parcel, one waybill


def test_ful2_allocation_spans_bins_and_marks_unlocated_stock(reviewed, dress, people, hz):
    extra = make_location(hz, code="C-09-01", walk_order=9)
    ledger.receive(actor=None, sku=dress, warehouse=hz, quantity=5, location=extra,
                   reference="test")
    loose = make_sku(code="P-SCARF", title="羊绒围巾", skus=[{"颜色": "驼色"}])
    ledger.receive(actor=None, sku=loose, warehouse=hz, quantity=3, reference="test")
    order = reviewed((dress, 22), (loose, 1))

    create_waves(actor=people.printer, warehouse=hz)

    spots = sorted((a.line.sku.code, a.location.code if a.location else None, a.quantity)
                   for a in PickAllocation.objects.filter(line__order=order))
    assert spots == [("P-DRESS-01", "A-01-01", 20), ("P-DRESS-01", "C-09-01", 2),
                     ("P-SCARF-01", None, 1)]


def test_ful2_a_second_wave_does_not_count_on_units_another_wave_took(reviewed, dress, people,
                                                                      hz):
    extra = make_location(hz, code="C-09-01", walk_order=9)
    ledger.receive(actor=None, sku=dress, warehouse=hz, quantity=5, location=extra,
                   reference="test")
    reviewed((dress, 18))
    create_waves(actor=people.printer, warehouse=hz)
    later = reviewed((dress, 4))

    create_waves(actor=people.printer, warehouse=hz)

    spots = sorted((a.location.code, a.quantity)
                   for a in PickAllocation.objects.filter(line__order=later))
    assert spots == [("A-01-01", 2), ("C-09-01", 2)]


def test_ful2_print_makes_paired_slips_and_waybills(reviewed, people, hz, dress, put_in_state):
    a = reviewed()
    b = reviewed(courier="顺丰速运")
    c = reviewed()
    wave = create_waves(actor=people.printer, warehouse=hz)[0]

    run = print_wave(actor=people.printer, wave=wave)

    wave.refresh_from_db()
    assert wave.state == "printed" and wave.first_printed_at == run.printed_at
    assert run.kind == "first" and run.number.startswith("DY") and run.order_count == 3
    slips = {s.order_id: s for s in Slip.objects.filter(print_run=run)}
    assert set(slips) == {a.pk, b.pk, c.pk}
    assert {s.copy_no for s in slips.values()} == {1}
    assert {s.state for s in slips.values()} == {"active"}
    numbers = [s.waybill_no for s in slips.values()]
    assert len(set(numbers)) == 3
    assert slips[b.pk].courier.name == "顺丰速运" and numbers[1].startswith("SF")
    assert slips[a.pk].courier.name == "中通快递" and slips[a.pk].waybill_no.startswith("ZT")
    for order in (a, b, c):
        order.refresh_from_db()
        assert order.state == "printed"
        assert order.printed_at == run.printed_at and order.needs_reprint is False
    events = Event.objects.filter(verb="order.printed", object_id=str(b.pk))
    assert [(e.actor, e.data["wave"], e.data["run"], e.data["copy_no"], e.data["waybill_no"])
            for e in events] == [(people.printer, wave.pk, run.pk, 1, slips[b.pk].waybill_no)]
    assert Event.objects.filter(verb="wave.printed", object_id=str(wave.pk)).count() == 1
    assert sorted(run.files) == ["slips", "summary", "waybills"]
    assert run.files["summary"] == f"prints/{run.number}/summary.pdf"


def test_ful2_printing_twice_is_refused(reviewed, people, hz):
    reviewed()
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    print_wave(actor=people.printer, wave=wave, render=False)
    with pytest.raises(UserError) as err:
        print_wave(actor=people.printer, wave=wave, render=False)
    assert err.value.code == "wave_already_printed"
    assert Slip.objects.count() == 1


def test_ful2_print_needs_the_print_capability(reviewed, people, hz):
    reviewed()
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    with pytest.raises(UserError) as err:
        print_wave(actor=people.picker, wave=wave)
    assert err.value.code == "permission_denied"
    assert Wave.objects.get(pk=wave.pk).state == "open"


def test_ful2_an_order_held_before_printing_leaves_the_wave(reviewed, people, hz,
                                                            put_in_state):
    first, held, last = reviewed(), reviewed(), reviewed()
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    put_in_state(held, "on_hold", hold_reason="address", held_from="reviewed")

    print_wave(actor=people.printer, wave=wave, render=False)

    assert positions(wave) == [first.pk, last.pk]
    assert list(WaveOrder.objects.filter(wave=wave).values_list("position", flat=True)) == [1, 2]
    assert not Slip.objects.filter(order=held).exists()
    assert not PickAllocation.objects.filter(line__order=held).exists()
    # Released, it goes into a later wave.
    put_in_state(held, "reviewed")
    assert positions(create_waves(actor=people.printer, warehouse=hz)[0]) == [held.pk]


def test_ful2_an_order_changed_while_printing_stops_the_print(reviewed, people, hz,
                                                              put_in_state, monkeypatch):
    first, changed = reviewed(), reviewed()
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    stale = printing._printable(wave)  # read before the order was held …
    put_in_state(changed, "on_hold", hold_reason="address", held_from="reviewed")
    monkeypatch.setattr(printing, "_printable", lambda _wave: stale)  # … printed after

    with pytest.raises(UserError) as err:
        print_wave(actor=people.printer, wave=wave)

    assert err.value.code == "wave_changed"
    assert "未打印任何单据" in err.value.message
    first.refresh_from_db()
    assert first.state == "reviewed" and first.printed_at is None
    assert Wave.objects.get(pk=wave.pk).state == "open"
    assert not Slip.objects.exists() and not PrintRun.objects.exists()
    assert not Event.objects.filter(verb__in=["order.printed", "wave.printed"]).exists()


def test_ful2_reprint_voids_the_old_slip_and_counts_copies(reviewed, people, hz):
    order, other = reviewed(), reviewed()
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    first = print_wave(actor=people.printer, wave=wave, render=False)
    old = Slip.objects.get(order=order)

    with pytest.raises(UserError) as err:
        reprint(actor=people.printer, wave=wave, orders=[order], reason="  ")
    assert err.value.code == "reprint_reason"

    run = reprint(actor=people.printer, wave=wave, orders=[order], reason="卡纸")

    old.refresh_from_db()
    assert old.state == "void" and old.void_reason == "重打：卡纸" and old.voided_by == people.printer
    new = Slip.objects.get(order=order, state="active")
    assert (new.copy_no, new.waybill_no, new.print_run) == (2, old.waybill_no, run)
    assert run.kind == "reprint" and run.reason == "卡纸" and run.order_count == 1
    assert Slip.objects.get(order=other).print_run == first  # untouched
    event = Event.objects.filter(verb="order.printed", object_id=str(order.pk)).latest("id")
    assert (event.data["copy_no"], event.data["reason"]) == (2, "卡纸")
    assert Event.objects.get(verb="wave.reprinted").data["orders"] == [order.pk]
    assert Event.objects.filter(verb="slip.voided", object_id=str(order.pk)).count() == 1


def test_ful2_amendment_after_printing_forces_a_reprint(reviewed, people, hz, client_for):
    order, other = reviewed(), reviewed()
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    print_wave(actor=people.printer, wave=wave, render=False)
    amend_order(actor=people.cs, order=order, field="address", reason="客户要求修改地址",
                value={"address_detail": "古墩路 88 号"})
    order.refresh_from_db()
    assert order.needs_reprint is True

    page = client_for(people.printer).get(f"/fulfillment/waves/{wave.pk}/")
    assert page.content.decode().count('data-testid="needs-reprint"') == 1

    run = reprint(actor=people.printer, wave=wave, reason="地址修改")  # default: the flagged

    assert list(run.slips.values_list("order_id", flat=True)) == [order.pk]
    order.refresh_from_db()
    assert order.needs_reprint is False
    assert Slip.objects.get(order=order, state="active").copy_no == 2
    assert Slip.objects.get(order=other, state="active").copy_no == 1


def test_ful2_courier_change_gets_a_new_waybill_number(reviewed, people, hz):
    order = reviewed()
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    print_wave(actor=people.printer, wave=wave, render=False)
    old = Slip.objects.get(order=order)
    amend_order(actor=people.cs, order=order, field="courier", reason="客户要求顺丰",
                value="顺丰速运")

    reprint(actor=people.printer, wave=wave, reason="改快递", render=False)

    new = Slip.objects.get(order=order, state="active")
    assert new.courier.name == "顺丰速运"
    assert new.waybill_no.startswith("SF") and new.waybill_no != old.waybill_no


def test_ful2_handover_minutes_are_recorded(reviewed, people, hz, client_for):
    reviewed()
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    print_wave(actor=people.printer, wave=wave, render=False)
    client = client_for(people.printer)
    assert 'data-testid="handover-late"' not in client.get("/fulfillment/waves/").content.decode()
    Wave.objects.filter(pk=wave.pk).update(
        first_printed_at=Wave.objects.get(pk=wave.pk).first_printed_at - timedelta(minutes=45))
    # Still not handed 45 minutes after printing: the list already says 超时.
    assert client.get("/fulfillment/waves/").content.decode().count(
        'data-testid="handover-late"') == 1

    with pytest.raises(UserError) as err:
        hand_to_picker(actor=people.printer, wave=wave, picker=people.verifier)
    assert err.value.code == "not_a_picker"

    hand_to_picker(actor=people.printer, wave=wave, picker=people.picker)

    wave.refresh_from_db()
    assert (wave.state, wave.picker, wave.handed_by) == ("handed", people.picker, people.printer)
    event = Event.objects.get(verb="wave.handed_to_picker")
    assert 45 <= event.data["minutes"] < 46
    assert (event.data["limit"], event.data["late"]) == (30, True)
    assert "（超时）" in event.summary
    page = client.get(f"/fulfillment/waves/{wave.pk}/").content.decode()
    assert page.count('data-testid="handover-late"') == 1 and "超过 30 分钟" in page


def test_ful2_handover_in_time_is_not_late(reviewed, people, hz):
    reviewed()
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    print_wave(actor=people.printer, wave=wave, render=False)
    hand_to_picker(actor=people.printer, wave=wave, picker=people.picker)
    event = Event.objects.get(verb="wave.handed_to_picker")
    assert event.data["late"] is False and event.data["minutes"] < 1


def _queries(fn, **kwargs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = fn(**kwargs)
    return len(ctx.captured_queries), result


def test_ful2_database_work_of_a_wave_does_not_grow_with_its_orders(reviewed, people, hz,
                                                                    dress, shirt):
    """The pipeline bench pushes 100,000 orders an hour: building, printing and picking a
    wave costs the same number of queries for 3 orders as for 12."""
    from shopops.fulfillment.actions.picking import complete_pick

    costs = []
    for n in (1, 3, 12):  # the first round also creates the day's number counters
        for i in range(n):
            reviewed((dress if i % 2 else shirt, 1))
        built, waves = _queries(create_waves, actor=people.printer, warehouse=hz)
        printed, _ = _queries(print_wave, actor=people.printer, wave=waves[0], render=False)
        hand_to_picker(actor=people.printer, wave=waves[0], picker=people.picker)
        picked, ids = _queries(complete_pick, actor=people.picker, wave=waves[0])
        assert len(ids) == n
        costs.append([built, printed, picked])
    assert costs[1] == costs[2]


def test_ful2_each_warehouse_gets_its_own_waves(reviewed, people, hz, paid_order,
                                                put_in_state):
    from tests.factories import make_warehouse

    sh = make_warehouse(code="sh", name="上海仓")
    cap = make_sku(code="P-CAP", title="草帽")
    ledger.receive(actor=None, sku=cap, warehouse=sh, quantity=5, reference="test")
    here = reviewed()
    there = put_in_state(paid_order(warehouse=sh, lines=[{"sku": cap, "quantity": 1}]),
                         "reviewed")

    waves = create_waves(actor=people.printer)

    assert sorted((w.warehouse.code, positions(w)) for w in waves) == [
        ("hz-main", [here.pk]), ("sh", [there.pk])]


def test_ful2_sku_amended_after_printing_is_placed_again_on_reprint(reviewed, people, hz,
                                                                     dress, shirt):
    order = reviewed((dress, 1))
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    print_wave(actor=people.printer, wave=wave, render=False)
    amend_order(actor=people.cs, order=order, field="sku", reason="客户改买衬衫",
                line=order.lines.get(), value=shirt)

    reprint(actor=people.printer, wave=wave, reason="换商品", render=False)

    assert [(a.line.sku, a.location.code, a.quantity)
            for a in PickAllocation.objects.filter(line__order=order)] == [
        (shirt, "B-02-03", 1)]


def test_ful2_a_wave_whose_orders_all_left_is_dissolved(reviewed, people, hz, put_in_state):
    order = reviewed()
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    put_in_state(order, "cancelled")

    with pytest.raises(UserError) as err:
        print_wave(actor=people.printer, wave=wave)

    assert err.value.code == "wave_empty" and "波次已撤销" in err.value.message
    assert not Wave.objects.filter(pk=wave.pk).exists()
    assert not WaveOrder.objects.exists() and not PrintRun.objects.exists()
    assert Event.objects.get(verb="wave.dissolved").data["orders"] == [order.pk]
