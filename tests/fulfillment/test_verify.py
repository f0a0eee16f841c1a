"""FUL-4 scan verification: every exception the station stops (wrong item, too many, too
few, refund pending, cancelled after print, own pick, needs reprint, void waybill, not
picked), each rejection recorded, and the happy path verifying by itself."""

import pytest
from django.utils import timezone

from shopops.core.errors import UserError
from shopops.core.models import Event, Notification
from shopops.fulfillment.actions.verify import (
    abandon_verify,
    finish_verify,
    scan_item,
    start_verify,
    station_scan,
)
from shopops.fulfillment.models import (
    Courier,
    PickAllocation,
    PrintRun,
    Slip,
    VerifySession,
    Wave,
    WaveOrder,
)
from shopops.inventory.models import Reservation, Stock
from shopops.orders import actions as order_actions
from shopops.orders.models import Order


@pytest.fixture
def printed(paid_order, put_in_state, people, bins):
    """make(state="picked", **order) → an order as if reviewed, printed in a wave (active
    slip with waybill ZT<pk>, courier 中通快递) and picked by people.picker from the bins."""

    def make(state="picked", **kw):
        order = paid_order(**kw)
        courier = Courier.objects.get(code="zto")
        wave = Wave.objects.create(number=f"BC-T{order.pk}", warehouse=order.warehouse,
                                   state=Wave.State.PICKED)
        WaveOrder.objects.create(wave=wave, order=order, position=1)
        run = PrintRun.objects.create(number=f"DY-T{order.pk}", wave=wave, order_count=1,
                                      printed_by=people.printer)
        Slip.objects.create(order=order, print_run=run, courier=courier,
                            waybill_no=f"ZT{order.pk:08d}")
        for line in order.lines.select_related("sku"):
            bin_ = bins.a if line.sku.code.startswith("P-DRESS") else bins.b
            PickAllocation.objects.create(wave=wave, line=line, location=bin_,
                                          quantity=line.quantity)
        now = timezone.now()
        return put_in_state(order, state, picked_by=people.picker, picked_at=now,
                            printed_at=now, reviewed_by=people.reviewer, reviewed_at=now,
                            courier=courier.name)

    return make


def waybill(order):
    return Slip.objects.get(order=order, state=Slip.State.ACTIVE).waybill_no


def rejections(reason):
    return Event.objects.filter(verb="verify.rejected", data__reason=reason)


def test_ful4_happy_path_scans_every_item_and_verifies_by_itself(printed, people, dress, shirt):
    order = printed(lines=[{"sku": dress, "quantity": 2}, {"sku": shirt, "quantity": 1}])
    started = start_verify(actor=people.verifier, code=waybill(order))
    assert started.ok and started.code == "started"
    assert [(p["sku_code"], p["needed"], p["scanned"]) for p in started.progress] == [
        (dress.code, 2, 0), (shirt.code, 1, 0)]
    first = scan_item(actor=people.verifier, session=started.session, barcode=dress.barcode)
    assert first.ok and first.message == "正确：真丝印花连衣裙 颜色:藏青（1/2）" and not first.done
    scan_item(actor=people.verifier, session=started.session, barcode=shirt.code)
    last = scan_item(actor=people.verifier, session=started.session, barcode=dress.barcode)
    assert last.ok and last.done and last.message.startswith(f"验货完成：{order.number}")
    order.refresh_from_db()
    assert order.state == Order.State.VERIFIED and order.verified_by == people.verifier
    session = VerifySession.objects.get()
    assert session.state == VerifySession.State.DONE and session.scanned == {
        str(x.pk): x.quantity for x in order.lines.all()}
    event = Event.objects.get(verb="order.verified")
    assert event.data["scans"] == 3 and event.data["rejected"] == 0
    assert event.data["verifier"] == people.verifier.pk
    assert event.data["started_at"] and event.data["finished_at"]
    assert Event.objects.filter(verb="verify.started", object_id=str(order.pk)).count() == 1


def test_ful4_order_number_also_starts_and_reload_resumes(printed, people, dress):
    order = printed(lines=[{"sku": dress, "quantity": 2}])
    first = start_verify(actor=people.verifier, code=order.number)
    scan_item(actor=people.verifier, session=first.session, barcode=dress.barcode)
    again = start_verify(actor=people.verifier, code=waybill(order))
    assert again.session.pk == first.session.pk and again.progress[0]["scanned"] == 1


def test_ful4_wrong_barcode_is_stopped_and_recorded(printed, people, dress, shirt):
    order = printed()
    session = start_verify(actor=people.verifier, code=waybill(order)).session
    result = scan_item(actor=people.verifier, session=session, barcode=shirt.barcode)
    assert not result.ok and result.code == "wrong_item"
    assert result.message == f"条码不属于此订单（商品错误）：{shirt.barcode}，请把商品放回。"
    assert rejections("wrong_item").get().data["code"] == shirt.barcode
    assert VerifySession.objects.get().rejected == 1
    assert Order.objects.get().state == Order.State.PICKED


def test_ful4_already_scanned_item_is_stopped_as_too_many(printed, people, dress, shirt):
    order = printed(lines=[{"sku": dress, "quantity": 1}, {"sku": shirt, "quantity": 1}])
    session = start_verify(actor=people.verifier, code=waybill(order)).session
    scan_item(actor=people.verifier, session=session, barcode=dress.barcode)
    result = scan_item(actor=people.verifier, session=session, barcode=dress.barcode)
    assert not result.ok and result.code == "over_scan"
    assert result.message == "该商品已扫够（多扫）：真丝印花连衣裙 颜色:藏青 只需 1 件，请把多的放回。"
    assert [p["scanned"] for p in result.progress] == [1, 0]
    assert rejections("over_scan").count() == 1


def test_ful4_too_few_at_finish_lists_what_is_missing(printed, people, dress, shirt):
    order = printed(lines=[{"sku": dress, "quantity": 2}, {"sku": shirt, "quantity": 1}])
    session = start_verify(actor=people.verifier, code=waybill(order)).session
    scan_item(actor=people.verifier, session=session, barcode=dress.barcode)
    with pytest.raises(UserError) as caught:
        finish_verify(actor=people.verifier, session=session)
    assert caught.value.message == (f"少扫：{dress.code} 真丝印花连衣裙 颜色:藏青 少 1 件；"
                                    f"{shirt.code} 棉麻衬衫 颜色:白 少 1 件。请扫完全部商品再完成验货。")
    assert Order.objects.get().state == Order.State.PICKED


def test_ful4_refund_pending_is_intercepted_back_to_reviewer(printed, people):
    order = printed()
    order_actions.request_refund(actor=people.cs, order=order, reason="买家申请退款")
    result = start_verify(actor=people.verifier, code=waybill(order))
    assert result.intercepted and not result.ok and result.kind == "intercept"
    assert result.message.startswith("该订单有退款")
    order.refresh_from_db()  # committed: the stop is the state change
    assert order.state == Order.State.ON_HOLD and order.hold_reason == "refund"
    assert order.intercept == "" and order.held_from == Order.State.PICKED
    assert Notification.objects.filter(recipient=people.reviewer,
                                       title__contains=order.number).exists()
    assert Event.objects.get(verb="order.intercepted").data["where"] == "验货"
    assert Slip.objects.get(order=order).state == Slip.State.ACTIVE  # goods stay with it


def test_ful4_refund_requested_while_scanning_stops_at_next_scan(printed, people, dress):
    order = printed(lines=[{"sku": dress, "quantity": 2}])
    session = start_verify(actor=people.verifier, code=waybill(order)).session
    scan_item(actor=people.verifier, session=session, barcode=dress.barcode)
    order_actions.request_refund(actor=people.cs, order=order, reason="买家申请退款")
    result = scan_item(actor=people.verifier, session=session, barcode=dress.barcode)
    assert result.intercepted and result.code == "intercept_refund"
    assert Order.objects.get().state == Order.State.ON_HOLD
    assert VerifySession.objects.get().state == VerifySession.State.STOPPED


def test_ful4_cancelled_after_print_voids_slip_and_releases_stock(printed, people, dress):
    order = printed(lines=[{"sku": dress, "quantity": 2}])
    assert Stock.objects.get(sku=dress).reserved == 2
    order_actions.cancel(actor=people.boss, order=order, reason="客户不要了")
    code = waybill(order)
    result = start_verify(actor=people.verifier, code=code)
    assert result.intercepted and result.message.startswith("订单已取消")
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
    assert Slip.objects.get(order=order).state == Slip.State.VOID
    stock = Stock.objects.get(sku=dress)
    assert (stock.on_hand, stock.reserved) == (20, 0)
    assert Reservation.objects.get().state == Reservation.State.RELEASED
    again = start_verify(actor=people.verifier, code=code)
    assert again.code == "order_cancelled"
    assert again.message == f"订单已取消，单据作废，商品放回：{order.number}"


def test_ful4_picker_cannot_verify_own_pick(printed, people, make_user):
    order = printed()
    both = make_user(roles=["picker", "verifier"], display_name="兼岗")
    order = Order.objects.get(pk=order.pk)
    Order.objects.filter(pk=order.pk).update(picked_by=both)
    result = start_verify(actor=both, code=waybill(order))
    assert result.code == "own_pick"
    assert result.message == f"配货人不能验自己配的货：{order.number} 请交给其他验货员。"
    assert rejections("own_pick").get().actor == both
    assert not VerifySession.objects.exists()


def test_ful4_needs_reprint_is_refused(printed, people, put_in_state):
    order = put_in_state(printed(), "picked", needs_reprint=True)
    result = start_verify(actor=people.verifier, code=waybill(order))
    assert result.code == "needs_reprint"
    assert result.message == f"订单有修改，须重打后再验货：{order.number}"


def test_ful4_voided_waybill_is_refused(printed, people):
    order = printed()
    old = Slip.objects.get(order=order)
    Slip.objects.filter(pk=old.pk).update(state=Slip.State.VOID)
    Slip.objects.create(order=order, print_run=old.print_run, copy_no=2, courier=old.courier,
                        waybill_no="ZT-NEW-0001")
    result = start_verify(actor=people.verifier, code=old.waybill_no)
    assert result.code == "slip_void"
    assert result.message == "此快递单已作废（重打或取消），请用新单：" + old.waybill_no
    assert start_verify(actor=people.verifier, code="ZT-NEW-0001").ok


def test_ful4_not_picked_and_unknown_codes_are_refused(printed, people):
    order = printed(state="printed")
    result = start_verify(actor=people.verifier, code=waybill(order))
    assert result.code == "not_picked" and result.message == f"尚未配货：{order.number}"
    unknown = start_verify(actor=people.verifier, code="YT999")
    assert unknown.message == "条码不是本仓的快递单或订单号：YT999"
    assert rejections("unknown_code").get().data["code"] == "YT999"


def test_ful4_already_verified_is_refused(printed, people):
    order = printed(state="verified")
    result = start_verify(actor=people.verifier, code=waybill(order))
    assert result.code == "already_verified"


def test_ful4_abandon_resets_and_station_switches_orders(printed, people, dress, shirt):
    one = printed(lines=[{"sku": dress, "quantity": 2}])
    two = printed(lines=[{"sku": shirt, "quantity": 1}])
    session = station_scan(actor=people.verifier, session=None, code=waybill(one)).session
    station_scan(actor=people.verifier, session=session, code=dress.barcode)
    abandon_verify(actor=people.verifier, session=session, reason="扫错放回")
    assert VerifySession.objects.get(pk=session.pk).state == VerifySession.State.STOPPED
    fresh = station_scan(actor=people.verifier, session=None, code=waybill(one))
    assert fresh.session.pk != session.pk and fresh.progress[0]["scanned"] == 0
    # The next waybill while an order is open starts that order; a stray item is refused.
    wrong = station_scan(actor=people.verifier, session=fresh.session, code=shirt.barcode)
    assert wrong.code == "wrong_item"
    switched = station_scan(actor=people.verifier, session=fresh.session, code=waybill(two))
    assert switched.code == "started" and switched.order.pk == two.pk
    done = station_scan(actor=people.verifier, session=switched.session, code=shirt.barcode)
    assert done.done and Order.objects.get(pk=two.pk).state == Order.State.VERIFIED
