"""FUL-5 packing: the checklist (customer slip, gift card, invoice, gifts), the weight
check against the estimate (stopped outside the tolerance, cleared by the supervisor),
orders merged into one box."""

import pytest

from shopops.core import registry
from shopops.core.errors import UserError
from shopops.core.models import Event, Notification, SettingValue
from shopops.fulfillment.actions.packing import clear_weight_check, pack_order
from shopops.fulfillment.models import Parcel
from shopops.orders import actions as order_actions
from shopops.orders.models import Order

from .test_verify import printed, waybill  # noqa: F401  (the fixture)

SLIP = {"slip": True}


def test_ful5_pack_verified_order_into_parcel(printed, people, dress):  # noqa: F811
    order = printed(state="verified", lines=[{"sku": dress, "quantity": 2}])
    parcel = pack_order(actor=people.packer, order=order, checklist=SLIP, weight_g=960)
    assert parcel.state == Parcel.State.PACKED and parcel.waybill_no == waybill(order)
    assert parcel.courier.name == "中通快递" and parcel.number.startswith("BG")
    assert parcel.estimate_g == 2 * 400 + 150 and parcel.weight_g == 960
    assert list(parcel.orders.all()) == [order]
    order.refresh_from_db()
    assert order.state == Order.State.PACKED and order.packed_at is not None
    event = Event.objects.get(verb="parcel.packed")
    assert event.actor == people.packer and event.data["orders"] == [order.pk]
    assert event.data["checklist"] == {"slip": True, "gift_card": False, "invoice": False,
                                       "gift": False}


def test_ful5_missing_customer_slip_is_refused(printed, people):  # noqa: F811
    order = printed(state="verified")
    with pytest.raises(UserError) as caught:
        pack_order(actor=people.packer, order=order, checklist={})
    assert caught.value.message == "打包清单未完成：请放入客户联（配货单客户联）并勾选。"
    assert not Parcel.objects.exists()
    assert Order.objects.get().state == Order.State.VERIFIED


def test_ful5_gift_card_invoice_and_gift_are_required(printed, people, dress, shirt):  # noqa: F811
    order = printed(state="verified", gift_card_text="生日快乐", invoice_title="杭州某某公司",
                    lines=[{"sku": dress, "quantity": 1},
                           {"sku": shirt, "quantity": 1, "unit_price_fen": 0}])
    with pytest.raises(UserError) as caught:
        pack_order(actor=people.packer, order=order, checklist={"slip": True, "invoice": True})
    assert caught.value.message == "打包清单未完成：请放入贺卡、赠品并勾选。"
    parcel = pack_order(actor=people.packer, order=order,
                        checklist={"slip": True, "invoice": True, "gift_card": True,
                                   "gift": True})
    assert parcel.state == Parcel.State.PACKED


def test_ful5_weight_outside_tolerance_stops_for_check_then_cleared(printed, people):  # noqa: F811
    order = printed(state="verified")  # estimate 400 + 150 = 550 g, tolerance 15 %
    parcel = pack_order(actor=people.packer, order=order, checklist=SLIP, weight_g=633)
    assert parcel.state == Parcel.State.CHECK
    assert Event.objects.get(verb="parcel.weight_check").data == {
        "weight_g": 633, "estimate_g": 550, "tolerance_percent": 15}
    assert Notification.objects.filter(recipient=people.supervisor,
                                       title=f"称重异常待核：{parcel.waybill_no}").exists()
    with pytest.raises(UserError) as caught:
        clear_weight_check(actor=people.packer, parcel=parcel, note="我看过了")
    assert caught.value.code == "supervisor_only"
    cleared = clear_weight_check(actor=people.supervisor, parcel=parcel, note="多放了说明书",
                                 weight_g=630)
    assert cleared.state == Parcel.State.PACKED and cleared.weight_g == 630
    assert cleared.check_note == "多放了说明书"
    assert Event.objects.filter(verb="parcel.weight_cleared").count() == 1


@pytest.mark.parametrize(("weight", "state"), [(632, "packed"), (468, "packed"),
                                               (467, "check"), (633, "check")])
def test_ful5_weight_tolerance_both_sides(printed, people, weight, state):  # noqa: F811
    # 15 % of 550 g = 82.5 g: 632 and 468 are inside, 633 and 467 outside.
    parcel = pack_order(actor=people.packer, order=printed(state="verified"), checklist=SLIP,
                        weight_g=weight)
    assert parcel.state == state


def test_ful5_weight_exactly_on_the_limit_passes(printed, people):  # noqa: F811
    # 20 % of the 550 g estimate is 110 g: 660 g is exactly on the limit, 661 g beyond it.
    SettingValue.objects.create(key="fulfillment.weight_tolerance_percent", value=20)
    registry.clear_cache()
    on_limit = pack_order(actor=people.packer, order=printed(state="verified"), checklist=SLIP,
                          weight_g=660)
    beyond = pack_order(actor=people.packer, order=printed(state="verified"), checklist=SLIP,
                        weight_g=661)
    assert (on_limit.state, beyond.state) == (Parcel.State.PACKED, Parcel.State.CHECK)


def test_ful5_merged_orders_go_in_one_parcel(printed, people, shirt):  # noqa: F811
    main = printed(state="verified")
    other = printed(state="verified", lines=[{"sku": shirt, "quantity": 1}])
    Order.objects.filter(pk=other.pk).update(merged_into=main)
    with pytest.raises(UserError) as caught:
        pack_order(actor=people.packer, order=other, checklist=SLIP)
    assert caught.value.message == (f"订单 {other.number} 已合并到 {main.number}，请扫描主单 "
                                    f"{main.number} 一起打包。")
    parcel = pack_order(actor=people.packer, order=main, checklist=SLIP)
    assert sorted(o.pk for o in parcel.orders.all()) == [main.pk, other.pk]
    assert parcel.estimate_g == 400 + 250 + 150
    assert set(Order.objects.values_list("state", flat=True)) == {Order.State.PACKED}


def test_ful5_merged_order_not_verified_blocks_the_box(printed, people, shirt):  # noqa: F811
    main = printed(state="verified")
    other = printed(state="picked", lines=[{"sku": shirt, "quantity": 1}])
    Order.objects.filter(pk=other.pk).update(merged_into=main)
    with pytest.raises(UserError) as caught:
        pack_order(actor=people.packer, order=main, checklist=SLIP)
    assert caught.value.message == f"订单 {other.number} 尚未验货（已配货），不能打包。"
    assert not Parcel.objects.exists()


def test_ful5_unverified_order_cannot_be_packed(printed, people):  # noqa: F811
    with pytest.raises(UserError) as caught:
        pack_order(actor=people.packer, order=printed(state="picked"), checklist=SLIP)
    assert caught.value.code == "not_verified"


def test_ful4_refund_pending_is_stopped_at_packing_too(printed, people):  # noqa: F811
    order = printed(state="verified")
    order_actions.request_refund(actor=people.cs, order=order, reason="买家申请退款")
    with pytest.raises(UserError) as caught:
        pack_order(actor=people.packer, order=order, checklist=SLIP)
    assert caught.value.code == "intercept_refund"
    order.refresh_from_db()  # the stop is kept although the packing was refused
    assert order.state == Order.State.ON_HOLD and order.held_from == Order.State.VERIFIED
    assert Event.objects.get(verb="order.intercepted").data["where"] == "打包"
    assert not Parcel.objects.exists()
