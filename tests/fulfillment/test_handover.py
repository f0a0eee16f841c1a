"""FUL-4/FUL-5 courier handover and batch shipping: the count mismatch blocks the sheet
until resolved, closing ships (stock leaves, orders shipped with the tracking number), a
failing parcel is listed without holding back the rest, an intercepted parcel stays, and
the 交接单 PDF carries the waybills and the courier's Chinese name."""

from pathlib import Path

import pypdfium2
import pytest
from django.conf import settings

from shopops.core.errors import UserError
from shopops.core.models import Event
from shopops.fulfillment.actions.handover import (
    close_handover,
    open_handover,
    remove_from_handover,
    scan_parcel,
)
from shopops.fulfillment.actions.packing import pack_order
from shopops.fulfillment.models import Courier, Handover, Parcel
from shopops.inventory.models import BinStock, Move, Reservation, Stock
from shopops.orders import actions as order_actions
from shopops.orders.models import Order

from .test_verify import printed  # noqa: F401  (the fixture)


@pytest.fixture
def packed(printed, people):  # noqa: F811
    def make(**kw):
        order = printed(state="verified", **kw)
        return pack_order(actor=people.packer, order=order, checklist={"slip": True})

    return make


@pytest.fixture
def zto(db):
    return Courier.objects.get(code="zto")


def pdf_text(handover) -> str:
    document = pypdfium2.PdfDocument(Path(settings.MEDIA_ROOT) / handover.pdf)
    return "".join(page.get_textpage().get_text_range() for page in document)


def test_ful5_open_takes_packed_parcels_of_the_courier(packed, people, zto, hz):
    one, two = packed(), packed()
    handover = open_handover(actor=people.packer, courier=zto, warehouse=hz, driver_name="老王")
    assert handover.expected_count == 2 and handover.number.startswith("JJ")
    assert set(handover.parcels.values_list("pk", flat=True)) == {one.pk, two.pk}
    with pytest.raises(UserError) as caught:
        open_handover(actor=people.packer, courier=zto, warehouse=hz)
    assert caught.value.message == f"中通快递 已有进行中的交接单 {handover.number}，请先完成它。"
    # FUL-5: the courier was asked to come; 中通 has no API here, so it is a phone call.
    pickup = Event.objects.get(verb="handover.pickup_requested")
    assert pickup.summary == f"{handover.number} 预约中通快递上门揽收 2 件（无接口，请电话预约）"


def test_ful5_pickup_is_booked_through_the_couriers_adapter(packed, people, zto, hz):
    zto.adapter = "sandbox"
    zto.save(update_fields=["adapter"])
    packed()
    handover = open_handover(actor=people.packer, courier=zto, warehouse=hz)
    pickup = Event.objects.get(verb="handover.pickup_requested")
    assert pickup.data["booking"] == f"SB-{handover.number}"
    assert "预约号 SB-" in pickup.summary


def test_ful5_scan_rules(packed, printed, people, zto, hz):  # noqa: F811
    parcel = packed()
    handover = open_handover(actor=people.packer, courier=zto, warehouse=hz)
    later = packed()  # packed after the sheet was opened
    first = scan_parcel(actor=people.packer, handover=handover, code=parcel.waybill_no)
    assert first.ok and first.message == f"已扫描 {parcel.waybill_no}（1/1）"
    again = scan_parcel(actor=people.packer, handover=handover, code=parcel.waybill_no)
    assert again.code == "already_scanned" and again.message == (
        f"已扫描：{parcel.waybill_no}，不要重复计数。")
    assert scan_parcel(actor=people.packer, handover=handover,
                       code=later.waybill_no).code == "not_in_handover"
    assert scan_parcel(actor=people.packer, handover=handover, code="XX1").code == \
        "unknown_parcel"
    sf = packed()
    Parcel.objects.filter(pk=sf.pk).update(courier=Courier.objects.get(code="sf"))
    wrong = scan_parcel(actor=people.packer, handover=handover, code=sf.waybill_no)
    assert wrong.message == f"这是顺丰速运的包裹（{sf.waybill_no}），不属于本交接单的中通快递。"
    assert Handover.objects.get().scanned == [parcel.pk]
    assert Event.objects.filter(verb="handover.rejected").count() == 4


def test_ful5_weight_check_parcel_is_refused(printed, people, zto, hz):  # noqa: F811
    ok = pack_order(actor=people.packer, order=printed(state="verified"),
                    checklist={"slip": True})
    handover = open_handover(actor=people.packer, courier=zto, warehouse=hz)
    Parcel.objects.filter(pk=ok.pk).update(state=Parcel.State.CHECK)
    result = scan_parcel(actor=people.packer, handover=handover, code=ok.waybill_no)
    assert result.code == "weight_check"
    assert result.message == f"包裹 {ok.waybill_no} 称重异常待核，不能交接。"


def test_ful5_count_mismatch_blocks_then_remove_and_close(packed, people, zto, hz, dress):
    one, two, three = packed(), packed(), packed()
    handover = open_handover(actor=people.packer, courier=zto, warehouse=hz, driver_name="老王")
    for parcel in (one, two):
        scan_parcel(actor=people.packer, handover=handover, code=parcel.waybill_no)
    with pytest.raises(UserError) as caught:
        close_handover(actor=people.packer, handover=handover)
    assert caught.value.message == (f"交接件数不符：应交 3 件，已扫 2 件；未扫：{three.waybill_no}。"
                                    "请找到并扫描，或移出交接单后再完成交接。")
    assert Handover.objects.get().state == Handover.State.OPEN
    assert Order.objects.filter(state=Order.State.SHIPPED).count() == 0
    remove_from_handover(actor=people.packer, handover=handover, parcel=three,
                         reason="找不到，明天再发")
    closed = close_handover(actor=people.packer, handover=handover)
    assert closed.state == Handover.State.DONE and closed.failures == []
    assert Parcel.objects.get(pk=three.pk).state == Parcel.State.PACKED
    assert Parcel.objects.get(pk=three.pk).handover is None
    shipped = Order.objects.filter(state=Order.State.SHIPPED).order_by("pk")
    assert [(o.tracking_no, o.shipped_at is not None) for o in shipped] == [
        (one.waybill_no, True), (two.waybill_no, True)]
    # The stock left: on hand 20 − 2, one unit still reserved for the parcel left behind.
    stock = Stock.objects.get(sku=dress)
    assert (stock.on_hand, stock.reserved) == (18, 1)
    assert Move.objects.filter(kind=Move.Kind.SHIPMENT).count() == 2
    assert BinStock.objects.get(sku=dress).quantity == 18  # from the picked bin
    assert Reservation.objects.filter(state=Reservation.State.CONSUMED).count() == 2
    events = Event.objects.filter(verb="order.shipped")
    assert sorted(e.data["waybill_no"] for e in events) == sorted([one.waybill_no,
                                                                    two.waybill_no])
    assert Event.objects.get(verb="handover.closed").data["failures"] == []
    # FUL-6: each order's selling channel heard that its parcel left.
    told = Event.objects.filter(verb="order.shipping_status_published")
    assert sorted((e.object_id, e.data["status"]) for e in told) == sorted(
        (str(o.pk), "shipped") for o in shipped)


def test_ful5_handover_pdf_lists_waybills_in_chinese(packed, people, zto, hz):
    one, two = packed(), packed()
    handover = open_handover(actor=people.packer, courier=zto, warehouse=hz, driver_name="老王")
    for parcel in (one, two):
        scan_parcel(actor=people.packer, handover=handover, code=parcel.waybill_no)
    closed = close_handover(actor=people.packer, handover=handover)
    assert closed.pdf == f"handovers/{closed.number}.pdf"
    text = pdf_text(closed)
    for expected in ("快递交接单", "中通快递", one.waybill_no, two.waybill_no, "杭州市", "老王",
                     "合计：2 件", "交接人", "快递员", "日期"):
        assert expected in text, expected


def test_ful4_one_failing_parcel_is_listed_and_the_rest_ship(packed, people, zto, hz):
    good, bad = packed(), packed()
    handover = open_handover(actor=people.packer, courier=zto, warehouse=hz)
    for parcel in (good, bad):
        scan_parcel(actor=people.packer, handover=handover, code=parcel.waybill_no)
    line = bad.orders.get().lines.get()
    Reservation.objects.filter(pk=line.reservation_id).update(
        state=Reservation.State.RELEASED)  # something released it behind our back
    closed = close_handover(actor=people.packer, handover=handover)
    assert [f["waybill_no"] for f in closed.failures] == [bad.waybill_no]
    assert closed.failures[0]["message"].startswith("占用已释放")
    assert Parcel.objects.get(pk=good.pk).state == Parcel.State.SHIPPED
    assert Parcel.objects.get(pk=bad.pk).state == Parcel.State.PACKED
    assert bad.orders.get().state == Order.State.PACKED
    assert Event.objects.get(verb="handover.closed").data["failures"][0]["waybill_no"] == \
        bad.waybill_no


def test_ful4_intercepted_parcel_stays_at_handover_scan(packed, people, zto, hz, dress):
    keep, stop = packed(), packed()
    handover = open_handover(actor=people.packer, courier=zto, warehouse=hz)
    order = stop.orders.get()
    order_actions.cancel(actor=people.boss, order=order, reason="客户不要了")
    result = scan_parcel(actor=people.packer, handover=handover, code=stop.waybill_no)
    assert result.intercepted and result.message.startswith("订单已取消")
    assert "已移出交接单，留在仓库（应交改为 1 件）" in result.message
    assert Order.objects.get(pk=order.pk).state == Order.State.CANCELLED
    assert Parcel.objects.get(pk=stop.pk).state == Parcel.State.STOPPED
    assert Handover.objects.get().expected_count == 1
    scan_parcel(actor=people.packer, handover=handover, code=keep.waybill_no)
    close_handover(actor=people.packer, handover=handover)
    assert Stock.objects.get(sku=dress).on_hand == 19
    assert Stock.objects.get(sku=dress).reserved == 0


def test_ful5_close_cut_off_half_way_is_finished_by_closing_again(packed, people, zto, hz):
    from datetime import timedelta

    from django.utils import timezone

    from shopops.fulfillment.actions.handover import _ship_one

    one, two = packed(), packed()
    handover = open_handover(actor=people.packer, courier=zto, warehouse=hz)
    for parcel in (one, two):
        scan_parcel(actor=people.packer, handover=handover, code=parcel.waybill_no)
    # A close started a moment ago by someone else: wait.
    Handover.objects.filter(pk=handover.pk).update(closed_at=timezone.now())
    with pytest.raises(UserError) as caught:
        close_handover(actor=people.packer, handover=handover)
    assert caught.value.code == "handover_closing"
    # That close died after shipping the first parcel; later, closing again finishes it.
    _ship_one(people.packer, Handover.objects.get(), one, timezone.now())
    Handover.objects.filter(pk=handover.pk).update(
        closed_at=timezone.now() - timedelta(minutes=11))
    closed = close_handover(actor=people.packer, handover=handover)
    assert closed.state == Handover.State.DONE and closed.failures == []
    assert Event.objects.get(verb="handover.closed").data["shipped"] == 2
    assert Move.objects.filter(kind=Move.Kind.SHIPMENT).count() == 2
    assert one.waybill_no in pdf_text(closed) and two.waybill_no in pdf_text(closed)
