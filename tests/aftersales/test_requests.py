"""AS-1: a customer opens a request on their own order; what the order's state allows;
quantities and money never more than bought and paid; photos within the image limit, a
bad one storing nothing; a refund before shipping stops the parcel; withdrawing it lets
the parcel go again; the return waybill."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shopops.aftersales.actions.requests import cancel_request, enter_return_waybill, open_request
from shopops.aftersales.models import AfterSale, AfterSalePhoto
from shopops.core.errors import NotFoundError, PermissionDeniedError, UserError
from shopops.core.models import Deadline, Event
from shopops.orders.models import Order
from tests.aftersales.conftest import stored_files

K, R = AfterSale.Kind, AfterSale.Reason


def _open(actor, order, **kw):
    line = order.lines.first()
    kw.setdefault("kind", K.RETURN_REFUND)
    kw.setdefault("reason", R.SIZE)
    kw.setdefault("lines", [{"line": line, "quantity": 1}])
    kw.setdefault("refund_fen", 18900 if kw["kind"] in (K.RETURN_REFUND, K.REFUND_ONLY) else 0)
    return open_request(actor=actor, order=order, **kw)


def test_as1_customer_opens_a_return_on_a_delivered_order(make_order, deliver, customer,
                                                           as_customer, photo, media_root):
    order = deliver(make_order())
    request = _open(as_customer(customer), order, reason=R.QUALITY, description="袖口开线",
                    photos=[photo(30, "袖口.jpg"), photo(10, "整体.png")])
    assert (request.state, request.kind, request.customer, request.requested_refund_fen) == (
        AfterSale.State.REQUESTED, K.RETURN_REFUND, customer, 18900)
    assert request.number.startswith("SH")
    assert [(p.original_name, p.content_type) for p in request.photos.all()] == [
        ("袖口.jpg", "image/jpeg"), ("整体.png", "image/jpeg")]
    assert len(stored_files(media_root)) == 2
    event = Event.objects.get(verb="aftersales.requested")
    assert event.actor is None and event.actor_name == f"顾客 陈*（{order.customer.number}）"
    assert event.summary == (f"{order.number} 申请退货退款（质量问题）：真丝印花连衣裙 颜色:藏青 / 尺码:M × 1，"
                             "申请退款 ¥189.00")
    deadline = Deadline.objects.get(subject_type="aftersales.aftersale", subject_id=str(request.pk),
                                   rule="AS-1.respond")
    assert deadline.title == f"{request.number} 24 小时内处理售后申请"
    assert request.due_at == deadline.due_at


def test_as1_paid_share_of_a_line_caps_the_refund(make_order, deliver, customer, as_customer):
    # 2 × ¥199 = ¥398 goods, −¥20 discount, +¥10 shipping: paid ¥388; one dress paid ¥189.
    order = deliver(make_order())
    with pytest.raises(UserError) as exc:
        _open(as_customer(customer), order, refund_fen=18901)
    assert exc.value.message == "退款金额 ¥189.01 超过所选商品实付 ¥189.00。"
    assert not AfterSale.objects.exists()


def test_as1_quantity_never_more_than_bought_minus_earlier_requests(make_order, deliver,
                                                                    customer, as_customer):
    order = deliver(make_order())
    actor = as_customer(customer)
    line = order.lines.get()
    with pytest.raises(UserError) as exc:
        _open(actor, order, lines=[{"line": line, "quantity": 3}])
    assert exc.value.message == ("「真丝印花连衣裙 颜色:藏青 / 尺码:M」购买 2 件，还可申请 2 件，不能申请 3 件。")
    _open(actor, order, lines=[{"line": line, "quantity": 1}])
    with pytest.raises(UserError) as exc:
        _open(actor, order, lines=[{"line": line, "quantity": 2}], refund_fen=100)
    assert "还可申请 1 件" in exc.value.message
    assert AfterSale.objects.count() == 1


def test_as1_another_customers_order_is_not_found(make_order, deliver, other, as_customer):
    order = deliver(make_order())
    with pytest.raises(NotFoundError) as exc:
        _open(as_customer(other), order)
    assert exc.value.message == "找不到该订单或售后单。"
    assert not AfterSale.objects.exists()


def test_as1_staff_without_the_capability_cannot_open_one(make_order, deliver, people):
    order = deliver(make_order())
    with pytest.raises(PermissionDeniedError):
        _open(people.receiver, order)


@pytest.mark.parametrize("kind", [K.RETURN_REFUND, K.EXCHANGE, K.REPAIR])
def test_as1_only_refund_before_shipping(make_order, customer, as_customer, kind):
    order = make_order()
    with pytest.raises(UserError) as exc:
        _open(as_customer(customer), order, kind=kind)
    assert exc.value.message == (f"订单 {order.number} 尚未发货，只能申请仅退款，"
                                 f"不能申请{AfterSale.Kind(kind).label}。")


def test_as1_unpaid_order_allows_nothing(make_order, customer, as_customer):
    order = make_order(paid=False)
    with pytest.raises(UserError) as exc:
        _open(as_customer(customer), order, kind=K.REFUND_ONLY, reason=R.WRONG_ORDER)
    assert exc.value.message == f"订单 {order.number} 不能申请售后：订单未付款，无需售后，可直接取消。"


def test_as1_return_window_closes_after_seven_days_exchange_after_fifteen(make_order, deliver,
                                                                         customer, as_customer,
                                                                         dress_l):
    order = deliver(make_order(), days_ago=8)
    actor = as_customer(customer)
    with pytest.raises(UserError) as exc:
        _open(actor, order, kind=K.RETURN_REFUND)
    assert exc.value.message == f"订单 {order.number} 当前不能申请退货退款，可申请：换货、维修。"
    line = order.lines.get()
    request = _open(actor, order, kind=K.EXCHANGE,
                    lines=[{"line": line, "quantity": 1, "exchange_sku": dress_l}])
    assert request.lines.get().exchange_sku == dress_l
    late = deliver(make_order(), days_ago=400)
    with pytest.raises(UserError) as exc:
        _open(actor, late, kind=K.REPAIR, reason=R.QUALITY)
    assert exc.value.message == f"订单 {late.number} 不能申请售后：已超过售后期限（签收后 365 天）。"


def test_as1_reason_must_fit_the_kind(make_order, deliver, customer, as_customer):
    order = deliver(make_order())
    with pytest.raises(UserError) as exc:
        _open(as_customer(customer), order, kind=K.EXCHANGE, reason=R.CHANGED_MIND)
    assert exc.value.message == "换货可选原因：质量问题、运输破损、发错货、尺码/规格不合适、与描述不符。"


def test_as1_quality_claim_needs_a_photo(make_order, deliver, customer, as_customer):
    order = deliver(make_order())
    with pytest.raises(UserError) as exc:
        _open(as_customer(customer), order, reason=R.QUALITY)
    assert exc.value.message == "「质量问题」请上传至少一张凭证图片。"


def test_as1_oversize_photo_refused_in_chinese_nothing_stored(make_order, deliver, customer,
                                                              as_customer, photo, media_root):
    order = deliver(make_order())
    with pytest.raises(UserError) as exc:
        _open(as_customer(customer), order, reason=R.QUALITY,
              photos=[photo(20, "正常.jpg"), photo(600, "太大.jpg")])
    assert exc.value.message == ("图片「太大.jpg」大小 600.0 KB，超过上限 500 KB，未提交，"
                                 "所有图片均未保存。请压缩后重新上传。")
    assert not AfterSale.objects.exists() and not AfterSalePhoto.objects.exists()
    assert stored_files(media_root) == []


def test_as1_a_file_that_is_not_an_image_is_refused(make_order, deliver, customer, as_customer,
                                                    photo, media_root):
    order = deliver(make_order())
    fake = SimpleUploadedFile("凭证.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    with pytest.raises(UserError) as exc:
        _open(as_customer(customer), order, reason=R.QUALITY, photos=[photo(10), fake])
    assert exc.value.message == ("「凭证.jpg」不是有效的图片（仅支持 jpg、png、webp、gif），"
                                 "售后申请未提交，所有图片均未保存。")
    assert not AfterSale.objects.exists() and stored_files(media_root) == []


def test_as1_refund_before_printing_holds_the_order(make_order, customer, as_customer):
    order = make_order()
    request = _open(as_customer(customer), order, kind=K.REFUND_ONLY, reason=R.WRONG_ORDER,
                    lines=[{"line": order.lines.get(), "quantity": 2}], refund_fen=38800)
    order.refresh_from_db()
    assert (order.state, order.hold_reason, request.order_action) == (
        Order.State.ON_HOLD, "refund", "held")
    assert order.hold_note == f"售后单 {request.number} 申请仅退款"


def test_as1_refund_of_the_whole_unshipped_order_includes_shipping(make_order, customer,
                                                                   as_customer):
    order = make_order()
    with pytest.raises(UserError) as exc:
        _open(as_customer(customer), order, kind=K.REFUND_ONLY, reason=R.WRONG_ORDER,
              lines=[{"line": order.lines.get(), "quantity": 2}], refund_fen=38801)
    assert exc.value.message == "退款金额 ¥388.01 超过所选商品实付 ¥388.00。"


def test_as1_refund_after_printing_marks_the_order_for_interception(make_order, customer,
                                                                    as_customer):
    order = make_order()
    Order.objects.filter(pk=order.pk).update(state=Order.State.PRINTED)
    request = _open(as_customer(customer), order, kind=K.REFUND_ONLY, reason=R.SLOW,
                    lines=[{"line": order.lines.get(), "quantity": 2}], refund_fen=38800)
    order.refresh_from_db()
    assert (order.state, order.intercept, request.order_action) == (
        Order.State.PRINTED, "refund", "intercepted")


def test_as1_customer_withdraws_refund_and_the_parcel_goes_again(make_order, customer,
                                                                 as_customer):
    order = make_order()
    actor = as_customer(customer)
    request = _open(actor, order, kind=K.REFUND_ONLY, reason=R.WRONG_ORDER,
                    lines=[{"line": order.lines.get(), "quantity": 2}], refund_fen=38800)
    cancel_request(actor=actor, request=request, reason="又想要了")
    order.refresh_from_db()
    request.refresh_from_db()
    assert (request.state, request.close_reason) == (AfterSale.State.CANCELLED, "又想要了")
    assert (order.state, order.hold_reason) == (Order.State.PAID, "")
    assert Deadline.objects.get(subject_type="aftersales.aftersale", subject_id=str(request.pk)).state == "cancelled"
    with pytest.raises(UserError) as exc:
        cancel_request(actor=actor, request=request)
    assert exc.value.message == f"售后单 {request.number} 当前「已撤销」，不能撤销。"


def test_as1_another_customer_cannot_cancel_or_ship(make_order, deliver, customer, other,
                                                    as_customer):
    request = _open(as_customer(customer), deliver(make_order()))
    with pytest.raises(NotFoundError):
        cancel_request(actor=as_customer(other), request=request)
    with pytest.raises(NotFoundError):
        enter_return_waybill(actor=as_customer(other), request=request, courier="中通快递",
                             waybill_no="ZT1234567890")


def test_as1_waybill_only_after_approval(make_order, deliver, customer, as_customer):
    request = _open(as_customer(customer), deliver(make_order()))
    with pytest.raises(UserError) as exc:
        enter_return_waybill(actor=as_customer(customer), request=request, courier="中通快递",
                             waybill_no="ZT1234567890")
    assert exc.value.message == f"售后单 {request.number} 当前「待处理」，无需填写退回运单。"


def test_as1_refund_on_an_order_held_for_another_reason_keeps_the_hold(make_order, customer,
                                                                       as_customer, people):
    from shopops.aftersales.actions.handling import approve_request
    from shopops.orders.actions import hold

    order = make_order()
    hold(actor=None, order=order, reason="address", note="门牌号缺失")
    request = _open(as_customer(customer), order, kind=K.REFUND_ONLY, reason=R.WRONG_ORDER,
                    lines=[{"line": order.lines.get(), "quantity": 2}], refund_fen=38800)
    order.refresh_from_db()
    assert (order.state, order.hold_reason, request.order_action) == (
        Order.State.ON_HOLD, "address", "")
    approve_request(actor=people.agent, request=request, reference="TB-88")
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
