"""AS-3: inspection per line with its plan (restock through the ledger, return to the brand
merchant, scrap with a reason, repair), the exchange's quality check before the
replacement order is created, and the replacement going through the warehouse line."""

import pytest

from shopops.aftersales.actions.inspection import (
    check_exchange,
    complete_shipped,
    finish_repair,
    inspect_request,
)
from shopops.aftersales.models import AfterSale, ExchangeCheck
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Deadline, Event
from shopops.inventory.models import Move, Stock
from shopops.orders.models import Order

from .conftest import jpeg
from .helpers import K, R, opened, shipped_back, signed

S = AfterSale.State


@pytest.fixture
def received(make_order, deliver, customer, as_customer, people):
    def make(kind=K.RETURN_REFUND, reason=R.SIZE, **kw):
        request = opened(as_customer(customer), deliver(make_order()), kind=kind, reason=reason,
                         **kw)
        shipped_back(request, as_customer(customer), people.agent)
        signed(request, people.receiver)
        return request

    return make


def test_as3_good_return_restocked_through_the_ledger(received, people, dress, hz, bin_a):
    request = received()
    stock = Stock.objects.get(sku=dress, warehouse=hz)
    before = stock.on_hand
    line = request.lines.get()
    inspect_request(actor=people.receiver, request=request, note="吊牌齐全", lines=[
        {"line": line, "condition": "good", "plan": "restock", "warehouse": hz.pk,
         "location": bin_a.pk}])
    request.refresh_from_db()
    line.refresh_from_db()
    stock.refresh_from_db()
    assert request.state == S.INSPECTED and request.inspected_by == people.receiver
    assert stock.on_hand == before + 1
    move = line.restock_move
    assert (move.kind, move.on_hand_delta, move.location, move.reference) == (
        Move.Kind.RETURN, 1, bin_a, f"aftersales.aftersale:{request.pk}")
    rules = list(Deadline.objects.filter(subject_type="aftersales.aftersale",
                                         subject_id=str(request.pk)).order_by("pk")
                 .values_list("rule", "state"))
    assert rules[-2:] == [("AS-3.inspect", "met"), ("AS-1.refund", "pending")]


def test_as3_only_goods_in_good_condition_are_restocked(received, people, hz):
    request = received()
    with pytest.raises(UserError) as exc:
        inspect_request(actor=people.receiver, request=request, lines=[
            {"line": request.lines.get(), "condition": "used", "plan": "restock"}])
    assert exc.value.message == "「真丝印花连衣裙 颜色:藏青 / 尺码:M」检验结果为「已使用/人为损坏」，不能入库再售。"
    assert not Move.objects.filter(kind=Move.Kind.RETURN).exists()


def test_as3_merchant_and_scrap_are_recorded(make_order, deliver, customer, as_customer, people,
                                             brand_merchant):
    order = deliver(make_order())
    request = opened(as_customer(customer), order, quantity=2, reason=R.SIZE)
    shipped_back(request, as_customer(customer), people.agent)
    signed(request, people.receiver)
    line = request.lines.get()
    with pytest.raises(UserError) as exc:
        inspect_request(actor=people.receiver, request=request, lines=[
            {"line": line, "condition": "defect", "plan": "scrap"}])
    assert exc.value.message == "「真丝印花连衣裙 颜色:藏青 / 尺码:M」报废：请填写报废原因。"
    inspect_request(actor=people.receiver, request=request, lines=[
        {"line": line, "condition": "defect", "plan": "merchant", "note": "领口走线歪，退厂返包装"}])
    line.refresh_from_db()
    assert (line.plan, line.merchant, line.restock_move) == ("merchant", brand_merchant, None)
    assert "退回品牌商返包装（杭州丝绸品牌商）：领口走线歪" in Event.objects.get(
        verb="aftersales.inspected").summary


def test_as3_every_line_needs_a_result_and_the_receiver_capability(received, people):
    request = received()
    with pytest.raises(UserError) as exc:
        inspect_request(actor=people.receiver, request=request, lines=[])
    assert exc.value.message.startswith("请检验每一件商品")
    with pytest.raises(PermissionDeniedError):
        inspect_request(actor=people.agent, request=request, lines=[])


def test_as3_exchange_passes_quality_check_then_ships_as_a_paid_order(received, people, dress_l,
                                                                     hz, customer):
    request = received(kind=K.EXCHANGE, reason=R.SIZE, exchange_sku=dress_l)
    inspect_request(actor=people.receiver, request=request, lines=[
        {"line": request.lines.get(), "condition": "good", "plan": "restock"}])
    reserved = Stock.objects.get(sku=dress_l, warehouse=hz).reserved
    with pytest.raises(UserError) as exc:
        check_exchange(actor=people.receiver, request=request, passed=False)
    assert exc.value.message == "质检不合格：请写明问题。"
    check_exchange(actor=people.receiver, request=request, passed=False, note="L 码这件有污渍")
    request.refresh_from_db()
    assert request.state == S.INSPECTED and request.replacement_order is None
    check_exchange(actor=people.receiver, request=request, passed=True, note="换一件，检测合格")
    request.refresh_from_db()
    replacement = request.replacement_order
    assert request.state == S.EXCHANGE_SHIPPING
    assert [(c.passed, c.checked_by) for c in ExchangeCheck.objects.order_by("pk")] == [
        (False, people.receiver), (True, people.receiver)]
    assert (replacement.state, replacement.paid_fen, replacement.customer) == (
        Order.State.PAID, 0, customer)
    assert replacement.seller_remark == f"换货 {request.number}"
    assert (replacement.customer_name, replacement.address) == (
        request.order.customer_name, request.order.address)
    line = replacement.lines.get()
    assert (line.sku, line.unit_price_fen, line.quantity) == (dress_l, 0, 1)
    assert Stock.objects.get(sku=dress_l, warehouse=hz).reserved == reserved + 1
    # The line ships it like any order; then the request completes.
    assert complete_shipped() == 0
    Order.objects.filter(pk=replacement.pk).update(state=Order.State.SHIPPED,
                                                   tracking_no="ZT5550001")
    assert complete_shipped() == 1
    request.refresh_from_db()
    assert request.state == S.COMPLETED and request.closed_at is not None


def test_as3_out_of_stock_exchange_is_a_clear_message(received, people, dress_l, hz):
    request = received(kind=K.EXCHANGE, reason=R.SIZE, exchange_sku=dress_l)
    inspect_request(actor=people.receiver, request=request, lines=[
        {"line": request.lines.get(), "condition": "good", "plan": "restock"}])
    Stock.objects.filter(sku=dress_l, warehouse=hz).update(reserved=60)
    with pytest.raises(UserError) as exc:
        check_exchange(actor=people.receiver, request=request, passed=True)
    assert exc.value.message.startswith("换货商品库存不足，暂不能发出：库存不足：P-DRESS-02")
    request.refresh_from_db()
    assert request.state == S.INSPECTED and not ExchangeCheck.objects.exists()


def test_as3_repair_goes_back_as_a_new_order(received, people, dress, hz):
    request = received(kind=K.REPAIR, reason=R.QUALITY, photos=[jpeg(15, "拉链.jpg")])
    line = request.lines.get()
    with pytest.raises(UserError) as exc:
        inspect_request(actor=people.receiver, request=request, lines=[
            {"line": line, "condition": "defect", "plan": "restock"}])
    assert exc.value.message == "维修单的商品处理方案为「维修后寄回」，其他售后单不能选维修。"
    inspect_request(actor=people.receiver, request=request, lines=[
        {"line": line, "condition": "defect", "plan": "repair", "note": "拉链头脱落"}])
    request.refresh_from_db()
    assert request.state == S.REPAIRING
    on_hand = Stock.objects.get(sku=dress, warehouse=hz).on_hand
    finish_repair(actor=people.receiver, request=request, note="更换拉链头，已测试")
    request.refresh_from_db()
    replacement = request.replacement_order
    assert request.state == S.EXCHANGE_SHIPPING
    assert replacement.seller_remark == f"返修 {request.number}"
    stock = Stock.objects.get(sku=dress, warehouse=hz)
    assert stock.on_hand == on_hand + 1
    assert Move.objects.filter(reference=request.reference, kind=Move.Kind.RETURN).count() == 1
