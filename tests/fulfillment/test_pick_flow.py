"""FUL-3 pick: completing a handed wave, shortages reported at once as transfer requests,
transfers filled or unmet, and the "discontinued?" question after two unmet in a row."""

import pytest

from shopops.core.errors import UserError
from shopops.core.models import Event, Notification
from shopops.fulfillment.actions.picking import complete_pick
from shopops.fulfillment.actions.printing import create_waves, hand_to_picker, print_wave
from shopops.fulfillment.actions.transfers import report_shortage, resolve_transfer
from shopops.fulfillment.models import TransferRequest, Wave


@pytest.fixture
def handed(paid_order, put_in_state, people, hz, dress, shirt):
    """A wave of `n` orders (dress × 1, all but the first also shirt × 1), printed, handed."""
    def make(n=3):
        orders = []
        for i in range(n):
            lines = [{"sku": dress, "quantity": 1}]
            if i >= 1:
                lines.append({"sku": shirt, "quantity": 1})
            orders.append(put_in_state(paid_order(lines=lines), "reviewed"))
        wave = create_waves(actor=people.printer, warehouse=hz)[0]
        print_wave(actor=people.printer, wave=wave, render=False)
        hand_to_picker(actor=people.printer, wave=wave, picker=people.picker)
        wave.refresh_from_db()
        return wave, orders

    return make


def states(orders):
    for o in orders:
        o.refresh_from_db()
    return [o.state for o in orders]


def inbox(person):
    return list(Notification.objects.filter(recipient=person).values_list("title", flat=True))


def test_ful3_complete_pick_marks_every_order_picked(handed, people):
    wave, orders = handed()

    picked = complete_pick(actor=people.picker, wave=wave)

    assert sorted(picked) == sorted(o.pk for o in orders)
    assert states(orders) == ["picked"] * 3
    assert {(o.picked_by, o.picked_at is not None) for o in orders} == {(people.picker, True)}
    wave.refresh_from_db()
    assert wave.state == "picked" and wave.picked_at == orders[0].picked_at
    event = Event.objects.filter(verb="order.picked", object_id=str(orders[0].pk)).get()
    assert event.actor == people.picker
    assert event.data["wave"] == wave.pk
    assert event.data["started"] == wave.handed_at.isoformat()
    assert event.data["finished"] == orders[0].picked_at.isoformat()
    assert Event.objects.get(verb="wave.picked").data["short"] == []


def test_ful3_pick_needs_a_handed_wave_and_the_pick_capability(paid_order, put_in_state,
                                                               people, hz):
    order = put_in_state(paid_order(), "reviewed")
    wave = create_waves(actor=people.printer, warehouse=hz)[0]
    print_wave(actor=people.printer, wave=wave, render=False)
    with pytest.raises(UserError) as err:
        complete_pick(actor=people.picker, wave=wave)
    assert err.value.code == "wave_not_handed" and "还没有交给备货员" in err.value.message
    hand_to_picker(actor=people.printer, wave=wave, picker=people.picker)
    with pytest.raises(UserError) as err:
        complete_pick(actor=people.verifier, wave=wave)
    assert err.value.code == "permission_denied"
    assert states([order]) == ["printed"]


def test_ful3_shortage_creates_a_transfer_request_and_the_rest_is_picked(handed, people,
                                                                         shirt):
    wave, orders = handed()
    shirt_line = orders[1].lines.get(sku=shirt)

    complete_pick(actor=people.picker, wave=wave,
                  shortages=[{"line": shirt_line, "missing": 1, "note": "货架空"}])

    assert states(orders) == ["picked", "out_of_stock", "picked"]
    short = orders[1]
    assert (short.hold_reason, short.held_from) == ("out_of_stock", "printed")
    request = TransferRequest.objects.get()
    assert (request.sku, request.quantity, request.order, request.wave, request.state) == (
        shirt, 1, short, wave, "open")
    assert request.number.startswith("DB") and request.requested_by == people.picker
    assert request.note == "货架空"
    assert inbox(people.supervisor) == [f"调拨申请 {request.number}：P-SHIRT-01 缺 1 件"]
    assert inbox(people.picker) == []
    event = Event.objects.get(verb="transfer_request.created")
    assert (event.data["sku"], event.data["quantity"], event.data["order"],
            event.data["wave"]) == (shirt.pk, 1, short.pk, wave.pk)
    assert Event.objects.get(verb="wave.picked").data["short"] == [short.pk]


def test_ful3_bad_shortage_changes_nothing(handed, people, shirt):
    wave, orders = handed()
    line = orders[1].lines.get(sku=shirt)
    with pytest.raises(UserError) as err:
        complete_pick(actor=people.picker, wave=wave, shortages=[{"line": line, "missing": 5}])
    assert err.value.code == "bad_missing"
    assert states(orders) == ["printed"] * 3
    assert not TransferRequest.objects.exists()
    assert Wave.objects.get(pk=wave.pk).state == "handed"


def test_ful3_filled_transfer_sends_the_order_back_to_be_picked(handed, people, shirt):
    wave, orders = handed()
    request = report_shortage(actor=people.picker, order=orders[1], sku=shirt, quantity=1)
    complete_pick(actor=people.picker, wave=wave)
    assert states(orders) == ["picked", "out_of_stock", "picked"]

    with pytest.raises(UserError) as err:
        resolve_transfer(actor=people.picker, request=request, fulfilled=True)
    assert err.value.code == "permission_denied"
    resolve_transfer(actor=people.supervisor, request=request, fulfilled=True, note="从上海仓调入")

    assert states(orders) == ["picked", "printed", "picked"]
    assert (orders[1].hold_reason, orders[1].held_from) == ("", "")
    request.refresh_from_db()
    assert (request.state, request.resolved_by, request.note) == (
        "fulfilled", people.supervisor, "从上海仓调入")
    assert complete_pick(actor=people.picker, wave=wave) == [orders[1].pk]
    assert states(orders) == ["picked"] * 3
    with pytest.raises(UserError) as err:
        resolve_transfer(actor=people.supervisor, request=request, fulfilled=False)
    assert err.value.code == "transfer_closed"


def test_ful3_two_unmet_transfers_in_a_row_ask_whether_discontinued(handed, people, shirt):
    wave, orders = handed(4)
    first = report_shortage(actor=people.picker, order=orders[1], sku=shirt, quantity=1)
    resolve_transfer(actor=people.supervisor, request=first, fulfilled=False, note="全国缺货")

    assert states(orders)[1] == "out_of_stock"
    assert inbox(people.cs) == [f"{orders[1].number} 缺货无法调拨，请联系客户"]
    assert inbox(people.boss) == []

    other = report_shortage(actor=people.picker, order=orders[2], sku=shirt, quantity=1)
    resolve_transfer(actor=people.supervisor, request=other, fulfilled=False)

    question = "SKU P-SHIRT-01 连续两次调拨未满足，是否停产？"
    assert inbox(people.boss) == [question]
    other.refresh_from_db()
    assert other.discontinued_asked is True
    event = Event.objects.get(verb="sku.discontinued_question")
    assert event.summary == question and event.data["requests"] == [first.pk, other.pk]


def test_ful3_unmet_then_filled_asks_nothing(handed, people, shirt):
    wave, orders = handed(4)
    first = report_shortage(actor=people.picker, order=orders[1], sku=shirt, quantity=1)
    resolve_transfer(actor=people.supervisor, request=first, fulfilled=False)
    second = report_shortage(actor=people.picker, order=orders[2], sku=shirt, quantity=1)
    resolve_transfer(actor=people.supervisor, request=second, fulfilled=True)
    third = report_shortage(actor=people.picker, order=orders[3], sku=shirt, quantity=1)
    resolve_transfer(actor=people.supervisor, request=third, fulfilled=False)

    assert inbox(people.boss) == []
    assert not Event.objects.filter(verb="sku.discontinued_question").exists()
    assert not TransferRequest.objects.filter(discontinued_asked=True).exists()


def test_ful3_shortage_of_a_sku_not_in_the_order_is_refused(handed, people, shirt):
    wave, orders = handed()
    with pytest.raises(UserError) as err:
        report_shortage(actor=people.picker, order=orders[0], sku=shirt, quantity=1)
    assert err.value.code == "sku_not_in_order"
    assert states(orders)[0] == "printed"
