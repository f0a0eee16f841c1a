"""ORD-4: amendments with author, time and reason, never in place; after printing they force
a reprint. ORD-6: cancel before print voids and releases stock; after print it is refused
(intercept at verification)."""

import pytest

from shopops.core.errors import UserError
from shopops.core.models import Event
from shopops.inventory.models import Reservation, Stock
from shopops.inventory.queries import check_ledger
from shopops.orders import actions
from shopops.orders.models import Amendment, Order
from shopops.orders.states import State
from tests.factories import make_sku


def _in_state(order, state):
    Order.objects.filter(pk=order.pk).update(state=state)  # test setup only
    order.refresh_from_db()
    return order


def test_ord4_address_amendment_keeps_the_original(new_order, cs):
    order = new_order()
    amendment = actions.amend_order(actor=cs, order=order, field="address", reason="客户要求改地址",
                                    value={"city": "宁波市", "district": "鄞州区",
                                           "address_detail": "天童南路 588 号"})
    order.refresh_from_db()
    assert order.address == "浙江省 宁波市 鄞州区 天童南路 588 号"
    assert amendment.before["city"] == "杭州市" and amendment.before["address_detail"] == \
        "文三路 90 号 3 幢 501"
    assert amendment.after["city"] == "宁波市" and amendment.author == cs
    assert amendment.requires_reprint is False and order.needs_reprint is False
    event = Event.objects.get(verb="order.amended")
    assert event.changes["city"] == ["杭州市", "宁波市"]
    assert "客户要求改地址" in event.summary


@pytest.mark.parametrize(("field", "value"), [("courier", "顺丰速运"), ("invoice_title", "杭州某某公司"),
                                              ("gift_card_text", "生日快乐"),
                                              ("delivery_time", "周末送货")])
def test_ord4_text_amendments(new_order, cs, field, value):
    order = new_order()
    actions.amend_order(actor=cs, order=order, field=field, value=value, reason="客户来电")
    order.refresh_from_db()
    assert getattr(order, field) == value
    assert Amendment.objects.get().before == ""


def test_ord4_amendment_needs_reason_and_a_change(new_order, cs):
    order = new_order(courier="中通")
    with pytest.raises(UserError) as exc:
        actions.amend_order(actor=cs, order=order, field="courier", value="顺丰", reason=" ")
    assert exc.value.code == "reason_required"
    with pytest.raises(UserError) as exc:
        actions.amend_order(actor=cs, order=order, field="courier", value="中通", reason="x")
    assert exc.value.code == "no_change"
    with pytest.raises(UserError) as exc:
        actions.amend_order(actor=cs, order=order, field="address",
                            value={"customer_name": ""}, reason="x")
    assert exc.value.code == "incomplete_customer"
    assert Amendment.objects.count() == 0 and Order.objects.get().courier == "中通"


def test_ord4_amendment_after_print_forces_reprint(new_order, cs):
    order = _in_state(new_order(), State.PRINTED)
    amendment = actions.amend_order(actor=cs, order=order, field="gift_card_text",
                                    value="新婚快乐", reason="客户补充贺卡")
    assert amendment.requires_reprint is True
    assert Order.objects.get(pk=order.pk).needs_reprint is True
    assert "需重打" in Event.objects.get(verb="order.amended").summary


def test_ord4_shipped_or_cancelled_order_cannot_be_amended(new_order, cs):
    order = _in_state(new_order(), State.SHIPPED)
    with pytest.raises(UserError) as exc:
        actions.amend_order(actor=cs, order=order, field="courier", value="顺丰", reason="x")
    assert exc.value.code == "order_closed"


def test_ord4_inv2_sku_change_re_reserves(new_order, cs, dress, shirt, hz):
    order = new_order(lines=[{"sku": dress, "quantity": 2}])
    line = order.lines.get()
    old = line.reservation
    amendment = actions.amend_order(actor=cs, order=order, field="sku", line=line, value=shirt,
                                    reason="客户改要衬衫")
    line.refresh_from_db()
    old.refresh_from_db()
    assert line.sku == shirt and line.unit_price_fen == 19900  # the agreed price stands
    assert old.state == Reservation.State.RELEASED
    assert line.reservation.state == "active" and line.reservation.sku == shirt
    assert line.reservation.reference == line.reference
    assert amendment.before == {"sku": dress.code, "title": "真丝印花连衣裙 颜色:藏青"}
    assert Stock.objects.get(sku=dress).reserved == 0 and Stock.objects.get(sku=shirt).reserved == 2
    assert check_ledger() == []


def test_ord4_inv2_sku_change_to_short_sku_changes_nothing(new_order, cs, dress, hz):
    empty = make_sku(skus=[{"颜色": "黑"}])
    order = new_order(lines=[{"sku": dress, "quantity": 2}])
    line = order.lines.get()
    with pytest.raises(UserError) as exc:
        actions.amend_order(actor=cs, order=order, field="sku", line=line, value=empty,
                            reason="换黑色")
    assert exc.value.code == "insufficient_stock"
    line.refresh_from_db()
    assert line.sku == dress and line.reservation.state == "active"
    assert Stock.objects.get(sku=dress).reserved == 2 and Amendment.objects.count() == 0
    assert check_ledger() == []


def test_ord4_sku_change_refused_once_picked(new_order, cs, shirt):
    order = _in_state(new_order(), State.PICKED)
    with pytest.raises(UserError) as exc:
        actions.amend_order(actor=cs, order=order, field="sku", line=order.lines.get(),
                            value=shirt, reason="x")
    assert exc.value.code == "sku_locked"


def test_ord6_cancel_before_print_releases_stock(new_order, boss, dress, shirt, hz):
    order = new_order(lines=[{"sku": dress, "quantity": 2}, {"sku": shirt, "quantity": 1}])
    actions.cancel(actor=boss, order=order, reason="客户不要了")
    order.refresh_from_db()
    assert order.state == State.CANCELLED
    assert set(Reservation.objects.values_list("state", flat=True)) == {"released"}
    assert Stock.objects.get(sku=dress).reserved == 0 and Stock.objects.get(sku=shirt).reserved == 0
    event = Event.objects.get(verb="order.cancelled")
    assert event.data["released"] == 2 and "客户不要了" in event.summary
    assert check_ledger() == []


def test_ord6_cancel_from_hold_and_unpaid(new_order, boss, cs):
    held = new_order()
    actions.hold(actor=cs, order=held, reason="customer_request")
    actions.cancel(actor=boss, order=held, reason="客户取消")
    unpaid = new_order(paid=False)
    actions.cancel(actor=boss, order=unpaid, reason="未付款")
    assert set(Order.objects.values_list("state", flat=True)) == {"cancelled"}
    assert Stock.objects.get().reserved == 0


@pytest.mark.parametrize("state", ["printed", "picked", "verified", "packed"])
def test_ord6_cancel_after_print_is_marked_for_interception(new_order, boss, state):
    """ORD-6: after printing the order is not voided on the spot; it is marked so that the
    next station scanning it stops it (FUL-4). The stock stays reserved until then."""
    order = _in_state(new_order(), state)
    result = actions.cancel(actor=boss, order=order, reason="客户取消")
    order.refresh_from_db()
    assert result.pk == order.pk and order.state == state
    assert order.intercept == "cancel" and order.intercept_reason == "客户取消"
    assert Stock.objects.get().reserved == 1


def test_ord6_cancel_after_shipping_goes_to_after_sales(new_order, boss):
    order = _in_state(new_order(), "shipped")
    with pytest.raises(UserError) as exc:
        actions.cancel(actor=boss, order=order, reason="x")
    assert exc.value.code == "cancel_after_ship"


def test_ord6_cancel_needs_reason_and_capability(new_order, cs, boss):
    order = new_order()
    with pytest.raises(UserError) as exc:
        actions.cancel(actor=cs, order=order, reason="x")
    assert exc.value.status == 403
    with pytest.raises(UserError) as exc:
        actions.cancel(actor=boss, order=order, reason="")
    assert exc.value.code == "reason_required"
    assert Order.objects.get().state == "paid"
