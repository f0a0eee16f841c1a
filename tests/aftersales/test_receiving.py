"""AS-2, the returns desk: every parcel registered, signed or refused by the receiving
rules, passed on to the responsible customer service; the supervisor's findings; and the
events the AS-2 scorecard counts, each naming the receiver."""

import pytest

from shopops.aftersales.actions.receiving import mark_receiving_fault, register_parcel
from shopops.aftersales.models import AfterSale, ReceivingFault, ReturnParcel
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Deadline, Event, Notification
from shopops.fulfillment.models import Courier

from .conftest import stored_files
from .helpers import opened, shipped_back, signed


@pytest.fixture
def returning(make_order, deliver, customer, as_customer, people):
    request = opened(as_customer(customer), deliver(make_order()))
    return shipped_back(request, as_customer(customer), people.agent)


def _verbs(parcel):
    return list(Event.objects.filter(object_type="aftersales.returnparcel",
                                     object_id=str(parcel.pk)).order_by("pk")
                .values_list("verb", "data__receiver"))


def test_as2_parcel_matched_by_waybill_is_signed_and_passed_to_the_handler(returning, people):
    parcel = signed(returning, people.receiver)
    assert (parcel.request, parcel.rule, parcel.suggested, parcel.decision, parcel.problem) == (
        returning, "approved", "signed", "signed", False)
    assert parcel.number.startswith("SJ") and parcel.passed_to == people.agent
    assert returning.state == AfterSale.State.RECEIVED
    r = people.receiver.pk
    assert _verbs(parcel) == [("aftersales.parcel_registered", r),
                              ("aftersales.parcel_signed", r),
                              ("aftersales.parcel_passed_on", r)]
    note = Notification.objects.get(recipient=people.agent, category="aftersales",
                                    title__startswith="售后来件")
    assert note.title == "售后来件：YT8801234567 签收"
    inspect = Deadline.objects.get(subject_type="aftersales.aftersale",
                                   subject_id=str(returning.pk), rule="AS-3.inspect")
    assert (inspect.owner, inspect.state) == (people.receiver, "pending")


def test_as2_freight_collect_without_agreement_is_refused(returning, people):
    with pytest.raises(UserError) as exc:
        signed(returning, people.receiver, freight_collect=True, freight_fen=1200)
    assert exc.value.message == "规则「到付未约定」建议拒收，您选择了签收：请填写原因。"
    parcel = signed(returning, people.receiver, freight_collect=True, freight_fen=1200,
                    decision="refused")
    assert (parcel.rule, parcel.decision, parcel.problem) == ("collect", "refused", True)
    assert returning.state == AfterSale.State.RETURNING
    assert Event.objects.get(verb="aftersales.return_refused").summary == (
        f"{returning.number} 退回包裹 YT8801234567 被拒收（到付未约定），客服会与您联系")


def test_as2_freight_collect_agreed_is_signed(make_order, deliver, customer, as_customer,
                                              people):
    request = opened(people.agent, deliver(make_order()), reason="size")
    request = shipped_back(request, as_customer(customer), people.agent, waybill="SF1300000001",
                           freight_collect=True)
    parcel = signed(request, people.receiver, waybill="SF1300000001", freight_collect=True,
                    freight_fen=2300)
    assert (parcel.rule, parcel.decision, parcel.freight_fen) == ("approved", "signed", 2300)


def test_as2_unmatched_parcel_is_refused_and_the_supervisor_hears(people, db):
    parcel = register_parcel(actor=people.receiver, waybill_no="ZT9990001112",
                             courier=Courier.objects.get(code="zto"), sender_name="张先生",
                             sender_phone="13100001111", decision="refused")
    assert (parcel.rule, parcel.request, parcel.order, parcel.problem, parcel.passed_to) == (
        "unmatched", None, None, True, people.supervisor)


def test_as2_order_matched_without_request_is_signed_as_a_problem(make_order, deliver, people):
    order = deliver(make_order())
    parcel = register_parcel(actor=people.receiver, waybill_no="YD5550001113",
                             order_ref=order.number, decision="signed")
    assert (parcel.rule, parcel.order, parcel.request, parcel.problem) == (
        "order", order, None, True)
    assert parcel.passed_to == people.supervisor


def test_as2_our_own_waybill_coming_back_matches_the_order(make_order, deliver, people):
    order = deliver(make_order())
    parcel = register_parcel(actor=people.receiver, waybill_no=order.tracking_no,
                             decision="signed")
    assert (parcel.rule, parcel.order) == ("order", order)


def test_as2_phone_matches_the_buyers_waiting_request(make_order, deliver, customer, as_customer,
                                                      people):
    request = opened(as_customer(customer), deliver(make_order()))
    from shopops.aftersales.actions.handling import approve_request

    approve_request(actor=people.agent, request=request)  # no waybill entered yet
    parcel = register_parcel(actor=people.receiver, waybill_no="JT0000123456",
                             sender_phone="138 0013 8000", decision="signed")
    request.refresh_from_db()
    assert parcel.request == request and request.state == AfterSale.State.RECEIVED


def test_as2_damaged_packaging_needs_a_note_and_is_a_problem(returning, people, photo,
                                                             media_root):
    with pytest.raises(UserError) as exc:
        signed(returning, people.receiver, packaging="damaged")
    assert exc.value.message == "外包装破损：请写明破损位置和情况。"
    parcel = signed(returning, people.receiver, packaging="damaged",
                    packaging_note="纸箱右下角压塌，内衬袋完好", photos=[photo(40, "纸箱.jpg")])
    assert parcel.problem and parcel.photos.count() == 1
    assert len(stored_files(media_root)) == 1
    assert "外包装破损：纸箱右下角压塌" in Event.objects.get(
        verb="aftersales.parcel_passed_on").summary


def test_as2_oversize_parcel_photo_stores_nothing(returning, people, photo, media_root):
    with pytest.raises(UserError) as exc:
        signed(returning, people.receiver, photos=[photo(700, "大图.jpg")])
    assert "超过上限 500 KB" in exc.value.message
    assert not ReturnParcel.objects.exists() and stored_files(media_root) == []


def test_as2_a_waybill_is_registered_once(returning, people):
    signed(returning, people.receiver)
    with pytest.raises(UserError) as exc:
        signed(returning, people.receiver)
    assert exc.value.message == "运单 YT8801234567 已经登记过，不要重复登记。"


def test_as2_only_the_returns_desk_registers(returning, people):
    with pytest.raises(PermissionDeniedError):
        signed(returning, people.agent)


def test_as2_supervisor_marks_a_wrong_refusal_naming_the_receiver(returning, people):
    parcel = signed(returning, people.receiver, freight_collect=True, freight_fen=800,
                    decision="refused")
    with pytest.raises(UserError) as exc:
        mark_receiving_fault(actor=people.wh_boss, parcel=parcel, kind="wrong_signing",
                             note="x")
    assert exc.value.message == f"来件 {parcel.number} 是拒收的，不能判为「要拒收的件签收」。"
    fault = mark_receiving_fault(actor=people.wh_boss, parcel=parcel, kind="wrong_refusal",
                                 note="客服已在旺旺同意到付，应签收")
    assert fault.receiver == people.receiver
    event = Event.objects.get(verb="aftersales.receiving_fault")
    assert (event.data["receiver"], event.data["fault"], event.data["scoring"]) == (
        people.receiver.pk, "wrong_refusal", "AS-2.decision")
    assert Notification.objects.filter(recipient=people.receiver,
                                       title="售后来件差错：对能签收的件拒收").exists()


def test_as2_a_parcel_never_registered_is_marked_against_the_receiver(people):
    mark_receiving_fault(actor=people.wh_boss, receiver=people.receiver, kind="not_registered",
                         note="12-05 韵达退件 YD3100 未登记，客服次日才知道")
    assert ReceivingFault.objects.get().parcel is None
    event = Event.objects.get(verb="aftersales.receiving_fault")
    assert (event.data["scoring"], event.object_type) == ("AS-2.register", "accounts.user")


def test_as2_only_the_reviewer_marks_faults(returning, people):
    parcel = signed(returning, people.receiver)
    with pytest.raises(PermissionDeniedError):
        mark_receiving_fault(actor=people.receiver, parcel=parcel, kind="wrong_signing",
                             note="自己")
