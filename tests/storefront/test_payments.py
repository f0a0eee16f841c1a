"""Payment through the provider interface with the sandbox provider: success pays the order
(the system, on the provider's word), failure and cancel leave it waiting, the same
notification twice pays once, a bad signature changes nothing, a payment arriving after
the order was cancelled is re-ordered when the goods are there and refunded when not,
and refund_payment gives money back for after-sales."""

import pytest
from django.test import Client

from shopops.catalog.models import Sku
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Deadline, Event, Notification
from shopops.inventory import ledger
from shopops.inventory.models import Reservation
from shopops.orders.actions import cancel
from shopops.orders.models import Order
from shopops.storefront import payments
from shopops.storefront.actions.cart import add_item, cart_for
from shopops.storefront.actions.checkout import place_order
from shopops.storefront.models import Payment, PaymentNotification, Refund
from shopops.storefront.payments.sandbox import sandbox, sign
from tests.storefront.conftest import ADDRESS


@pytest.fixture
def order(alice, dress, shop):
    cart = cart_for(customer=alice.customer)
    add_item(cart=cart, sku_id=dress.skus.order_by("pk")[1].pk, quantity=2, channel=shop.channel)
    return place_order(customer=alice.customer, cart=cart, channel=shop.channel, address=ADDRESS)


@pytest.fixture
def staff_people(make_user):
    return {"cs": make_user(roles=["cs_supervisor"], display_name="周敏"),
            "finance": make_user(roles=["finance"], display_name="徐静怡"),
            "agent": make_user(roles=["aftersale_cs"], display_name="郑丽"),
            "picker": make_user(roles=["picker"], display_name="赵强")}


def start(alice, order):
    payment, url = payments.start_payment(customer=alice.customer, order=order,
                                          provider_code="sandbox")
    return payment, url


def notify(payment, result):
    return payments.receive_notification(provider_code="sandbox",
                                         data=sandbox.notification(payment, result))


def test_pay_in_the_sandbox_pays_the_order(shop_client, alice, order):
    client = shop_client(alice)
    response = client.post(f"/shop/orders/{order.pk}/pay/", {"provider": "sandbox"})
    payment = Payment.objects.get()
    assert response["Location"] == f"/shop/pay/sandbox/{payment.number}/"
    assert (payment.order, payment.amount_fen, payment.state) == (order, 47800, "created")
    cashier = client.get(response["Location"]).content.decode()
    assert "沙箱环境 · 不会真实扣款" in cashier and "¥478.00" in cashier
    assert "支付成功" in cashier and "支付失败" in cashier and "取消支付" in cashier

    back = client.post(response["Location"], {"result": "success"})
    assert back["Location"] == f"/shop/pay/return/{payment.number}/"
    assert "支付成功" in client.get(back["Location"]).content.decode()
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.state, order.paid_fen) == ("paid", 47800)
    assert (payment.state, payment.outcome) == ("succeeded", "paid")
    assert payment.provider_ref.startswith("SB")
    paid = Event.objects.get(verb="order.paid")
    assert paid.actor is None and paid.actor_name == "系统"
    # ORD-5 is met (no automatic cancellation any more); ORD-2 starts for customer service.
    assert set(Deadline.objects.filter(rule="ORD-5").values_list("state", flat=True)) == {"met"}
    assert Deadline.objects.filter(rule="ORD-2", state="pending").exists()
    page = client.get(f"/shop/orders/{order.pk}/").content.decode()
    assert "待发货" in page and "已支付 ¥478.00" in page and payment.number in page


@pytest.mark.parametrize("result,state,words", [("fail", "failed", "支付失败"),
                                                 ("cancel", "cancelled", "已取消支付")])
def test_failure_or_cancel_leaves_the_order_waiting_and_payable(shop_client, alice, order,
                                                                result, state, words):
    client = shop_client(alice)
    first, url = start(alice, order)
    back = client.post(url, {"result": result})
    assert words in client.get(back["Location"]).content.decode()
    first.refresh_from_db()
    order.refresh_from_db()
    assert (first.state, order.state) == (state, "pending_payment")
    # A second attempt succeeds.
    second, url = start(alice, order)
    client.post(url, {"result": "success"})
    order.refresh_from_db()
    assert order.state == "paid"
    assert list(Payment.objects.order_by("pk").values_list("state", flat=True)) == [
        state, "succeeded"]


def test_the_same_notification_twice_pays_once(alice, order):
    payment, _ = start(alice, order)
    data = sandbox.notification(payment, "success")
    assert payments.receive_notification(provider_code="sandbox", data=data) == "applied"
    assert payments.receive_notification(provider_code="sandbox", data=data) == "duplicate"
    # Another notification of the same success (a provider retry with a new id): still once.
    assert notify(payment, "success") == "duplicate"
    assert Event.objects.filter(verb="order.paid").count() == 1
    assert Event.objects.filter(verb="payment.succeeded").count() == 1
    assert PaymentNotification.objects.count() == 2
    assert not Refund.objects.exists()


def test_a_bad_signature_changes_nothing_and_is_recorded(alice, order):
    payment, _ = start(alice, order)
    forged = sandbox.notification(payment, "success")
    forged["amount_fen"] = "1"
    with pytest.raises(payments.InvalidNotification, match="签名不正确"):
        payments.receive_notification(provider_code="sandbox", data=forged)
    unsigned = {k: v for k, v in sandbox.notification(payment, "success").items() if k != "sign"}
    with pytest.raises(payments.InvalidNotification):
        payments.receive_notification(provider_code="sandbox", data=unsigned)
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.state, payment.state) == ("pending_payment", "created")
    assert not PaymentNotification.objects.exists()
    assert Event.objects.filter(verb="payment.notification_rejected").count() == 2


def test_a_signed_notification_with_the_wrong_amount_is_refused(alice, order):
    payment, _ = start(alice, order)
    data = sandbox.notification(payment, "success")
    data["amount_fen"] = "100"
    data["sign"] = sign(data)
    with pytest.raises(payments.InvalidNotification, match="金额不符"):
        payments.receive_notification(provider_code="sandbox", data=data)
    order.refresh_from_db()
    assert order.state == "pending_payment"


def test_the_notify_url_answers_like_a_provider_expects(alice, order):
    payment, _ = start(alice, order)
    client = Client(enforce_csrf_checks=True)  # a provider has no session and no CSRF token
    url = "/shop/pay/notify/sandbox/"
    forged = {**sandbox.notification(payment, "success"), "sign": "0" * 64}
    response = client.post(url, forged)
    assert (response.status_code, response.content) == (400, b"fail")
    data = sandbox.notification(payment, "success")
    response = client.post(url, data)
    assert (response.status_code, response.content) == (200, b"success")
    assert client.post(url, data).content == b"success"  # a retry is acknowledged again
    order.refresh_from_db()
    assert order.state == "paid"
    assert client.post("/shop/pay/notify/nope/", data).status_code == 404


def test_paying_is_only_for_the_customers_own_unpaid_order(shop_client, alice, order,
                                                           make_customer):
    bob = make_customer("张伟")
    response = shop_client(bob).post(f"/shop/orders/{order.pk}/pay/", {"provider": "sandbox"})
    assert response.status_code == 404
    with pytest.raises(UserError, match="找不到这个订单"):
        payments.start_payment(customer=bob.customer, order=order, provider_code="sandbox")
    payment, url = start(alice, order)
    notify(payment, "success")
    with pytest.raises(UserError, match="当前不需要付款"):
        start(alice, order)
    assert shop_client(bob).get(f"/shop/pay/sandbox/{payment.number}/").status_code == 404


def test_ord5_the_unpaid_order_shows_the_time_left_and_expires_with_its_reservation(
        shop_client, alice, order):
    from shopops.orders.actions import deadlines

    html = shop_client(alice).get(f"/shop/orders/{order.pk}/").content.decode()
    assert "前付款（剩余" in html and "超时订单将自动取消" in html
    deadline = Deadline.objects.get(rule="ORD-5", service__endswith="cancel_unpaid")
    deadlines.cancel_unpaid(deadline=deadline)
    order.refresh_from_db()
    assert order.state == "cancelled"
    assert set(Reservation.objects.values_list("state", flat=True)) == {"released"}
    assert "已取消" in shop_client(alice).get(f"/shop/orders/{order.pk}/").content.decode()


def test_late_payment_after_cancellation_is_reordered_when_the_goods_are_there(
        shop_client, alice, order, staff_people):
    payment, url = start(alice, order)
    cancel(actor=None, order=order, reason="超过 24 小时未付款，系统自动取消")
    client = shop_client(alice)
    back = client.post(url, {"result": "success"})
    payment.refresh_from_db()
    reorder = payment.reorder
    assert (payment.state, payment.outcome) == ("succeeded", "reordered")
    assert reorder.state == "paid" and reorder.customer == alice.customer
    assert reorder.paid_fen == 47800
    assert [(li.sku_id, li.quantity, li.unit_price_fen) for li in reorder.lines.all()] == [
        (li.sku_id, li.quantity, li.unit_price_fen) for li in order.lines.all()]
    assert Reservation.objects.filter(state="active").count() == 1
    assert "原订单" in reorder.seller_remark and order.number in reorder.seller_remark
    result = client.get(back["Location"]).content.decode()
    assert "付款已收到" in result and reorder.number in result
    page = client.get(f"/shop/orders/{order.pk}/").content.decode()
    assert f"已按原价为您重新下单 {reorder.number}" in page
    assert Event.objects.filter(verb="payment.late_reordered", object_id=str(order.pk)).exists()
    told = Notification.objects.filter(title__startswith="迟到付款")
    assert {n.recipient for n in told} == {staff_people["cs"], staff_people["finance"]}
    staff = Client()
    staff.force_login(staff_people["cs"])
    listing = staff.get("/shop/manage/payments/", {"show": "late"}).content.decode()
    assert payment.number in listing and reorder.number in listing


def test_late_payment_is_refunded_when_the_goods_are_gone(shop_client, alice, order, dress,
                                                          shop, staff_people):
    payment, url = start(alice, order)
    cancel(actor=None, order=order, reason="顾客取消：不想买了")
    floral_m = dress.skus.order_by("pk")[1]
    ledger.reserve(actor=None, sku=floral_m, warehouse=shop.warehouse, quantity=9,
                   reference="test:others")  # 10 in stock, 9 sold: 1 left, the order needs 2
    client = shop_client(alice)
    back = client.post(url, {"result": "success"})
    payment.refresh_from_db()
    refund = Refund.objects.get()
    assert (payment.outcome, payment.refunded_fen, payment.reorder) == ("refunded", 47800, None)
    assert (refund.amount_fen, refund.state, refund.order) == (47800, "succeeded", order)
    assert Order.objects.count() == 1
    assert "款项已原路退回" in client.get(back["Location"]).content.decode()
    assert Event.objects.filter(verb="payment.late_refunded").exists()
    assert Event.objects.filter(verb="payment.refunded").exists()
    assert Notification.objects.filter(title=f"迟到付款：{order.number} 已取消，已原路退款").count() == 2


def test_a_refund_the_provider_refuses_is_recorded_for_staff(alice, order, staff_people,
                                                             monkeypatch):
    monkeypatch.setattr(sandbox, "fail_refunds", True)
    payment, _ = start(alice, order)
    cancel(actor=None, order=order, reason="顾客取消：不想买了")
    Sku.objects.filter(pk=order.lines.get().sku_id).update(active=False)  # goods gone
    notify(payment, "success")
    payment.refresh_from_db()
    assert (payment.outcome, payment.refunded_fen) == ("refund_failed", 0)
    assert Refund.objects.get().state == "failed"
    assert Notification.objects.filter(title__contains="自动退款失败").count() == 2
    staff = Client()
    staff.force_login(staff_people["cs"])
    html = staff.get("/shop/manage/payments/").content.decode()
    assert "1 笔退款失败，需人工退款并联系顾客。" in html


def test_a_second_payment_for_a_paid_order_is_refunded(alice, order):
    first, _ = start(alice, order)
    second, _ = start(alice, order)
    notify(first, "success")
    notify(second, "success")
    second.refresh_from_db()
    assert (second.outcome, second.refunded_fen) == ("duplicate", 47800)
    assert Event.objects.filter(verb="order.paid").count() == 1


def test_refund_payment_for_after_sales(alice, order, staff_people):
    payment, _ = start(alice, order)
    notify(payment, "success")
    agent = staff_people["agent"]
    refunds = payments.refund_payment(actor=agent, order=order, amount_fen=23900,
                                      reason="质量问题退货退款")
    assert [(r.amount_fen, r.state, r.requested_by) for r in refunds] == [
        (23900, "succeeded", agent)]
    payment.refresh_from_db()
    assert payment.refunded_fen == 23900
    with pytest.raises(UserError, match="退款金额 ¥300.00 超过可退金额 ¥239.00"):
        payments.refund_payment(actor=agent, order=order, amount_fen=30000, reason="再退")
    with pytest.raises(PermissionDeniedError):
        payments.refund_payment(actor=staff_people["picker"], order=order, amount_fen=100,
                                reason="x")
    with pytest.raises(UserError, match="请填写退款原因"):
        payments.refund_payment(actor=agent, order=order, amount_fen=100, reason=" ")
    event = Event.objects.get(verb="payment.refunded")
    assert event.actor == agent and "质量问题退货退款" in event.summary


def test_refund_payment_refuses_an_order_not_paid_in_the_shop(alice, order, staff_people):
    with pytest.raises(UserError, match="不是在商城在线支付的"):
        payments.refund_payment(actor=None, order=order, amount_fen=100, reason="测试")
