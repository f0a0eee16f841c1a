"""ORD-7: the order state machine — every legal move happens, every illegal one is refused
with a clear error and changes nothing; the actions move orders and record events."""

import pytest

from shopops.core.errors import IllegalTransition, UserError
from shopops.core.models import Event
from shopops.core.states import transition
from shopops.orders import actions
from shopops.orders.models import Order
from shopops.orders.states import ALLOWED, HoldReason, State

ALL = list(State.values)
PAIRS = [(a, b) for a in ALL for b in ALL if a != b]


def _in_state(order, state):
    Order.objects.filter(pk=order.pk).update(state=state)  # test setup only
    order.refresh_from_db()
    return order


def test_ord7_map_covers_every_state_and_names_only_known_states():
    assert set(ALLOWED) == set(ALL)
    assert all(targets <= set(ALL) for targets in ALLOWED.values())
    assert ALLOWED[State.COMPLETED] == set() and ALLOWED[State.CANCELLED] == set()


def test_ord7_main_line_in_order():
    line = ["pending_payment", "paid", "confirmed", "reviewed", "printed", "picked",
            "verified", "packed", "shipped", "delivered", "completed"]
    for a, b in zip(line, line[1:], strict=False):
        assert b in ALLOWED[a]


@pytest.mark.parametrize(("current", "target"), PAIRS)
def test_ord7_every_transition_legal_or_refused(new_order, current, target):
    order = _in_state(new_order(), current)
    if target in ALLOWED[current]:
        assert transition(order, target, ALLOWED) == current
        assert Order.objects.get(pk=order.pk).state == target
    else:
        with pytest.raises(IllegalTransition) as exc:
            transition(order, target, ALLOWED, machine="订单")
        assert "不允许的状态变更：订单 不能从" in exc.value.message
        assert Order.objects.get(pk=order.pk).state == current


def test_ord7_pay_confirm_record_events(new_order, cs):
    order = new_order(paid=False)
    assert order.state == State.PENDING_PAYMENT and order.paid_at is None
    actions.mark_paid(actor=cs, order=order)
    actions.confirm(actor=cs, order=order)
    order.refresh_from_db()
    assert order.state == State.CONFIRMED and order.paid_at is not None
    # deadline.* events (ORD-2/5, tests/orders/test_deadlines.py) are on the order too.
    verbs = list(Event.objects.filter(object_type="orders.order", object_id=str(order.pk),
                                      verb__startswith="order.")
                 .order_by("pk").values_list("verb", flat=True))
    assert verbs == ["order.created", "order.paid", "order.confirmed"]


def test_ord7_paying_twice_refused_and_records_nothing(new_order, cs):
    order = new_order(paid=True)
    before = Event.objects.count()
    with pytest.raises(IllegalTransition):
        actions.mark_paid(actor=cs, order=order)
    assert Event.objects.count() == before


def test_ord7_stale_object_cannot_repeat_a_move(new_order, cs):
    order = new_order()
    stale = Order.objects.get(pk=order.pk)
    actions.confirm(actor=cs, order=order)
    with pytest.raises(IllegalTransition):
        transition(stale, State.CONFIRMED, ALLOWED)  # conditional UPDATE matches nothing


def test_ord7_hold_with_typed_reason_and_back_to_where_it_was(new_order, cs):
    order = new_order()
    actions.confirm(actor=cs, order=order)
    actions.hold(actor=cs, order=order, reason=HoldReason.ADDRESS, note="缺门牌号")
    order.refresh_from_db()
    assert (order.state, order.hold_reason, order.hold_note, order.held_from) == \
        ("on_hold", "address", "缺门牌号", "confirmed")
    event = Event.objects.filter(verb="order.held").get()
    assert "地址不完整或有误" in event.summary and "缺门牌号" in event.summary
    actions.unhold(actor=cs, order=order)
    order.refresh_from_db()
    assert (order.state, order.hold_reason, order.held_from) == ("confirmed", "", "")


def test_ord7_hold_needs_a_known_reason(new_order, cs):
    order = new_order()
    with pytest.raises(UserError) as exc:
        actions.hold(actor=cs, order=order, reason="whatever")
    assert exc.value.code == "bad_hold_reason"
    assert Order.objects.get(pk=order.pk).state == State.PAID


def test_ord7_out_of_stock_branch_and_back(new_order, cs):
    order = new_order()
    actions.mark_out_of_stock(actor=cs, order=order, note="藏青色缺货，已告知客户")
    order.refresh_from_db()
    assert (order.state, order.hold_reason) == ("out_of_stock", "out_of_stock")
    actions.unhold(actor=cs, order=order)
    assert Order.objects.get(pk=order.pk).state == State.PAID


def test_ord7_cannot_hold_unpaid_or_printed_order(new_order, cs):
    unpaid = new_order(paid=False)
    with pytest.raises(IllegalTransition):
        actions.hold(actor=cs, order=unpaid, reason=HoldReason.OTHER)
    printed = _in_state(new_order(), State.PRINTED)
    with pytest.raises(IllegalTransition):
        actions.hold(actor=cs, order=printed, reason=HoldReason.OTHER)
    with pytest.raises(UserError) as exc:
        actions.unhold(actor=cs, order=printed)
    assert exc.value.code == "not_held"


def test_ord7_actions_check_capabilities(new_order, make_user):
    picker = make_user(roles=["picker"])
    order = new_order()
    with pytest.raises(UserError) as exc:
        actions.confirm(actor=picker, order=order)
    assert exc.value.status == 403
    assert Order.objects.get(pk=order.pk).state == State.PAID
