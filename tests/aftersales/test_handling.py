"""AS-1 for customer service: approve (with the refund amount), reject (reason required),
the state machine refusing illegal moves, a refund before shipping cancelling the order
and refunding, the 维权 flag, and every move an event."""

import pytest

from shopops.aftersales.actions.handling import (
    approve_request,
    clear_dispute,
    reject_request,
    set_dispute,
    take_request,
)
from shopops.aftersales.actions.refunds import pay_refund
from shopops.aftersales.actions.requests import cancel_request
from shopops.aftersales.models import AfterSale, Refund
from shopops.core.errors import IllegalTransition, PermissionDeniedError, UserError
from shopops.core.models import Deadline, Event
from shopops.inventory.models import Stock
from shopops.orders.models import Order

from .helpers import K, R, opened

S = AfterSale.State


def _deadlines(request):
    return list(Deadline.objects.filter(subject_type="aftersales.aftersale",
                                        subject_id=str(request.pk))
                .order_by("pk").values_list("rule", "state"))


def test_as1_reject_needs_a_reason_and_the_customer_reads_it(make_order, deliver, customer,
                                                            as_customer, people):
    request = opened(as_customer(customer), deliver(make_order()))
    with pytest.raises(UserError) as exc:
        reject_request(actor=people.agent, request=request, reason="  ")
    assert exc.value.message == "请填写拒绝原因（客户会看到）。"
    reject_request(actor=people.agent, request=request, reason="吊牌已剪，影响二次销售")
    request.refresh_from_db()
    assert (request.state, request.reject_reason, request.handler) == (
        S.REJECTED, "吊牌已剪，影响二次销售", people.agent)
    assert Event.objects.get(verb="aftersales.rejected").summary == (
        f"{request.number} 客服拒绝退货退款：吊牌已剪，影响二次销售")
    assert _deadlines(request) == [("AS-1.respond", "met")]


def test_as1_state_machine_refuses_illegal_moves(make_order, deliver, customer, as_customer,
                                                 people):
    request = opened(as_customer(customer), deliver(make_order()))
    reject_request(actor=people.agent, request=request, reason="超出七天")
    with pytest.raises(IllegalTransition) as exc:
        approve_request(actor=people.agent, request=request)
    assert exc.value.message == "不允许的状态变更：售后单 不能从「已拒绝」变为「已同意，待寄回」"
    with pytest.raises(UserError) as exc:
        cancel_request(actor=as_customer(customer), request=request)
    assert exc.value.message == f"售后单 {request.number} 当前「已拒绝」，不能撤销。"


def test_as1_approve_a_return_starts_the_customers_return_clock(make_order, deliver, customer,
                                                                as_customer, people):
    request = opened(as_customer(customer), deliver(make_order()))
    approve_request(actor=people.agent, request=request, refund_fen=17900,
                    note="已与客户确认，扣除 ¥10 运费险差额")
    request.refresh_from_db()
    assert (request.state, request.refund_fen, request.handler) == (S.APPROVED, 17900,
                                                                    people.agent)
    event = Event.objects.get(verb="aftersales.approved")
    assert event.summary.startswith(f"{request.number} 客服同意退货退款，退款 ¥179.00。请在 7 天内"
                                    "将商品寄回：浙江省 杭州市 余杭区")
    assert _deadlines(request) == [("AS-1.respond", "met"), ("AS-1.return", "pending")]


def test_as1_approve_more_than_paid_is_refused(make_order, deliver, customer, as_customer,
                                               people):
    request = opened(as_customer(customer), deliver(make_order()))
    with pytest.raises(UserError) as exc:
        approve_request(actor=people.agent, request=request, refund_fen=18901)
    assert exc.value.message == "同意退款 ¥189.01 超过可退金额 ¥189.00。"
    request.refresh_from_db()
    assert request.state == S.REQUESTED


def test_as1_a_customer_cannot_approve_their_own_request(make_order, deliver, customer,
                                                         as_customer, people):
    request = opened(as_customer(customer), deliver(make_order()))
    with pytest.raises(PermissionDeniedError):
        approve_request(actor=as_customer(customer), request=request)
    with pytest.raises(PermissionDeniedError):
        approve_request(actor=people.receiver, request=request)


def test_as1_refund_before_shipping_cancels_the_order_and_refunds(make_order, customer,
                                                                  as_customer, people, dress, hz):
    order = make_order()
    stock = Stock.objects.get(sku=dress, warehouse=hz)
    assert stock.reserved == 2
    request = opened(as_customer(customer), order, kind=K.REFUND_ONLY, reason=R.WRONG_ORDER,
                     quantity=2, refund_fen=38800)
    approve_request(actor=people.agent, request=request, reference="TB-REFUND-20261206-88")
    request.refresh_from_db()
    order.refresh_from_db()
    stock.refresh_from_db()
    assert (request.state, request.refund_fen) == (S.REFUNDED, 38800)
    assert order.state == Order.State.CANCELLED and stock.reserved == 0
    refund = Refund.objects.get()
    assert (refund.amount_fen, refund.method, refund.reference, refund.refunded_by) == (
        38800, "platform", "TB-REFUND-20261206-88", people.agent)
    assert Event.objects.get(verb="order.cancelled").summary == (
        f"{order.number} 取消：售后单 {request.number} 同意仅退款（郑丽）")
    assert Event.objects.get(verb="aftersales.refunded").summary == (
        f"{request.number} 已退款 ¥388.00（平台退款），流水号 TB-REFUND-20261206-88")


def test_as1_platform_refund_needs_the_platform_number(make_order, customer, as_customer, people):
    request = opened(as_customer(customer), make_order(), kind=K.REFUND_ONLY,
                     reason=R.WRONG_ORDER, quantity=2, refund_fen=38800)
    with pytest.raises(UserError) as exc:
        approve_request(actor=people.agent, request=request)
    assert exc.value.message == "请填写平台退款单号（在平台后台退款后获得）。"
    request.refresh_from_db()
    assert request.state == S.REQUESTED and not Refund.objects.exists()


def test_as1_rejecting_a_refund_before_printing_releases_the_hold(make_order, customer,
                                                                  as_customer, people):
    order = make_order()
    request = opened(as_customer(customer), order, kind=K.REFUND_ONLY, reason=R.SLOW,
                     quantity=2, refund_fen=38800)
    reject_request(actor=people.agent, request=request, reason="已加急发货，客户同意继续收货")
    order.refresh_from_db()
    assert (order.state, order.hold_reason) == (Order.State.PAID, "")
    assert Event.objects.filter(verb="order.released", object_id=str(order.pk)).exists()


def test_as1_rejecting_a_refund_after_printing_clears_the_interception(make_order, customer,
                                                                       as_customer, people):
    order = make_order()
    Order.objects.filter(pk=order.pk).update(state=Order.State.PICKED)
    request = opened(as_customer(customer), order, kind=K.REFUND_ONLY, reason=R.SLOW,
                     quantity=2, refund_fen=38800)
    reject_request(actor=people.agent, request=request, reason="客户撤回，继续发货")
    order.refresh_from_db()
    assert (order.state, order.intercept) == (Order.State.PICKED, "")
    assert Event.objects.get(verb="order.intercept_withdrawn").summary.startswith(
        f"{order.number} 取消拦截")


def test_as1_refund_of_a_return_waits_for_inspection(make_order, deliver, customer,
                                                     as_customer, people):
    request = opened(as_customer(customer), deliver(make_order()))
    approve_request(actor=people.agent, request=request)
    with pytest.raises(UserError) as exc:
        pay_refund(actor=people.agent, request=request, reference="X")
    assert exc.value.message == "退货退款须在退货检验后退款。"


def test_as5_dispute_flag_with_a_note(make_order, deliver, customer, as_customer, people):
    request = opened(as_customer(customer), deliver(make_order()))
    with pytest.raises(UserError):
        set_dispute(actor=people.agent, request=request, note="")
    set_dispute(actor=people.agent, request=request, note="客户在天猫发起维权，要求退一赔三")
    request.refresh_from_db()
    assert (request.dispute, request.dispute_note) == (True, "客户在天猫发起维权，要求退一赔三")
    clear_dispute(actor=people.supervisor, request=request, note="协商一致，补偿 20 元优惠券，客户撤诉")
    request.refresh_from_db()
    assert not request.dispute
    assert [e.verb for e in Event.objects.filter(verb__startswith="aftersales.dispute")
            .order_by("pk")] == ["aftersales.dispute_opened", "aftersales.dispute_closed"]


def test_as1_take_makes_the_agent_the_handler(make_order, deliver, customer, as_customer, people):
    request = opened(as_customer(customer), deliver(make_order()))
    take_request(actor=people.agent2, request=request)
    request.refresh_from_db()
    assert request.handler == people.agent2
    assert Event.objects.get(verb="aftersales.taken").summary == f"{request.number} 由 王琳 接手处理"
