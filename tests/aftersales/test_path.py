"""The whole after-sales path, from the customer's request on their shop order through the
returns desk, the inspection that restocks through the ledger, to the refund paid back
through the shop's payment provider — once through the actions, once through the pages."""

import re

from shopops.aftersales.actions.handling import approve_request
from shopops.aftersales.actions.inspection import inspect_request
from shopops.aftersales.actions.receiving import register_parcel
from shopops.aftersales.actions.refunds import pay_refund
from shopops.aftersales.actions.requests import enter_return_waybill, open_request
from shopops.aftersales.models import AfterSale, Refund, ReturnParcel
from shopops.core.actors import customer_actor
from shopops.core.models import Event
from shopops.fulfillment.models import Courier
from shopops.inventory.models import Move, Stock
from shopops.storefront.models import Refund as ShopRefund

from .conftest import jpeg

S = AfterSale.State


def test_as_whole_path_through_the_actions(shop_account, paid_in_shop, deliver, people, dress,
                                           hz, bin_a):
    customer = shop_account.customer
    order = deliver(paid_in_shop(customer))
    assert order.paid_fen == 38800
    me = customer_actor(customer)
    line = order.lines.get()
    request = open_request(actor=me, order=order, kind="return", reason="quality",
                           description="裙摆有一处抽丝，洗前就有", refund_fen=18900,
                           lines=[{"line": line, "quantity": 1}],
                           photos=[jpeg(40, "抽丝近照.jpg"), jpeg(25, "整体.jpg")])
    approve_request(actor=people.agent, request=request, note="抱歉给您带来不便")
    enter_return_waybill(actor=me, request=request, courier="圆通速递", waybill_no="YT9123456780")
    parcel = register_parcel(actor=people.receiver, waybill_no="YT9123456780",
                             courier=Courier.objects.get(code="yto"), sender_name="陈静",
                             sender_phone="13800138000", decision="signed")
    on_hand = Stock.objects.get(sku=dress, warehouse=hz).on_hand
    inspect_request(actor=people.receiver, request=request, lines=[
        {"line": request.lines.get(), "condition": "good", "plan": "restock",
         "location": bin_a.pk, "note": "抽丝可修剪，质检后二次销售"}])
    refund = pay_refund(actor=people.agent, request=request)

    request.refresh_from_db()
    assert request.state == S.REFUNDED and request.closed_at is not None
    assert parcel.request == request and parcel.decision == "signed"
    assert Stock.objects.get(sku=dress, warehouse=hz).on_hand == on_hand + 1
    move = Move.objects.get(kind=Move.Kind.RETURN, reference=request.reference)
    assert (move.on_hand_delta, move.location, move.actor) == (1, bin_a, people.receiver)
    assert (refund.amount_fen, refund.method, refund.refunded_by) == (18900, "original",
                                                                      people.agent)
    shop_refund = ShopRefund.objects.get(order=order)
    assert shop_refund.amount_fen == 18900 and shop_refund.state == "succeeded"
    assert refund.reference.startswith(shop_refund.number)
    assert list(Event.objects.filter(object_type="aftersales.aftersale",
                                     object_id=str(request.pk), verb__startswith="aftersales.")
                .order_by("pk").values_list("verb", flat=True)) == [
        "aftersales.requested", "aftersales.approved", "aftersales.return_shipped",
        "aftersales.received", "aftersales.inspected", "aftersales.refunded"]


def test_as_whole_path_through_the_pages(shop_account, paid_in_shop, deliver, people, dress, hz,
                                         bin_a, shop_client, client_for):
    customer = shop_account.customer
    order = deliver(paid_in_shop(customer))
    shop = shop_client(shop_account)
    line = order.lines.get()

    page = shop.get(f"/shop/orders/{order.pk}/").content.decode()
    assert "申请售后" in page and f"/shop/aftersales/new/{order.pk}/" in page
    form = shop.get(f"/shop/aftersales/new/{order.pk}/").content.decode()
    assert "退货退款" in form and "七天无理由" in form
    response = shop.post(f"/shop/aftersales/new/{order.pk}/", {
        "kind": "return", "reason": "quality", f"qty_{line.pk}": "1", "refund": "189",
        "description": "裙摆抽丝", "photos": [jpeg(30, "抽丝.jpg")]}, follow=True)
    request = AfterSale.objects.get()
    assert response.redirect_chain[-1][0] == f"/shop/aftersales/{request.pk}/"
    assert "售后申请已提交" in response.content.decode()

    agent = client_for(people.agent)
    detail = agent.get(f"/aftersales/{request.pk}/").content.decode()
    assert "陈*" in detail and "138****8000" in detail and "13800138000" not in detail
    agent.post(f"/aftersales/{request.pk}/approve/", {"refund": "189.00", "note": "请寄回"})
    request.refresh_from_db()
    assert request.state == S.APPROVED

    shown = shop.get(f"/shop/aftersales/{request.pk}/").content.decode()
    assert "寄回地址" in shown and "良睦路 1399 号" in shown
    shop.post(f"/shop/aftersales/{request.pk}/waybill/", {"courier": "圆通速递",
                                                          "waybill_no": "YT9123456780"})

    desk = client_for(people.receiver)
    match = desk.get("/aftersales/parcels/match/", {"waybill_no": "YT9123456780"})
    assert f"匹配售后单 <b>{request.number}</b>" in match.content.decode()
    desk.post("/aftersales/parcels/", {
        "waybill_no": "YT9123456780", "courier": Courier.objects.get(code="yto").pk,
        "sender_name": "陈静", "sender_phone": "13800138000", "packaging": "intact",
        "decision": "signed"})
    parcel = ReturnParcel.objects.get()
    request.refresh_from_db()
    assert (parcel.decision, request.state) == ("signed", S.RECEIVED)

    on_hand = Stock.objects.get(sku=dress, warehouse=hz).on_hand
    rl = request.lines.get()
    desk.post(f"/aftersales/{request.pk}/inspect/", {
        f"l{rl.pk}_condition": "good", f"l{rl.pk}_plan": "restock",
        f"l{rl.pk}_warehouse": hz.pk, f"l{rl.pk}_location": bin_a.pk, "note": "完好"})
    assert Stock.objects.get(sku=dress, warehouse=hz).on_hand == on_hand + 1

    done = agent.post(f"/aftersales/{request.pk}/refund/", {"amount": "189", "method": "original"},
                      follow=True).content.decode()
    assert "已退款。" in done
    request.refresh_from_db()
    assert request.state == S.REFUNDED
    assert Refund.objects.get().amount_fen == 18900

    final = shop.get(f"/shop/aftersales/{request.pk}/").content.decode()
    assert "已退款 ¥189.00（原路退回）" in final
    history = re.findall(r"<li><span class=\"muted\">[^<]*</span> ([^<]*)</li>", final)
    assert history[0].startswith(f"{order.number} 申请退货退款（质量问题）")
    assert len(history) == 6
