"""AS-1 deadlines (APR-3): an unanswered request escalates to the CS supervisor; a customer
who does not ship the return in time sees the request close by itself; both recorded on
the request and shown overdue in the queues."""

from datetime import timedelta

from django.utils import timezone

from shopops.aftersales.actions.handling import approve_request
from shopops.aftersales.actions.requests import enter_return_waybill
from shopops.aftersales.models import AfterSale
from shopops.core.actions.deadlines import fire_due_deadlines
from shopops.core.models import Deadline, Event, Notification

from .helpers import opened

S = AfterSale.State


def _deadline(request, rule):
    return Deadline.objects.get(subject_type="aftersales.aftersale", subject_id=str(request.pk),
                                rule=rule)


def test_as1_unanswered_request_escalates_to_the_supervisor(make_order, deliver, customer,
                                                             as_customer, people):
    request = opened(as_customer(customer), deliver(make_order()))
    fire_due_deadlines(scheduler_id="test", now=timezone.now() + timedelta(hours=23))
    assert _deadline(request, "AS-1.respond").state == "pending"
    fire_due_deadlines(scheduler_id="test", now=timezone.now() + timedelta(hours=25))
    request.refresh_from_db()
    assert request.escalated_at is not None and request.state == S.REQUESTED
    assert _deadline(request, "AS-1.respond").state == "fired"
    assert Event.objects.get(verb="aftersales.escalated").summary == (
        f"{request.number} 超过 24 小时未处理，已上报客服主管")
    note = Notification.objects.get(recipient=people.supervisor, category="aftersales",
                                    title__startswith="售后超时未处理")
    assert note.title == f"售后超时未处理：{request.number}（退货退款）"
    # Answering late closes the overdue item.
    approve_request(actor=people.agent, request=request)
    assert _deadline(request, "AS-1.respond").closed_at is not None


def test_as1_return_not_shipped_in_time_closes_the_request(make_order, deliver, customer,
                                                            as_customer, people):
    request = opened(as_customer(customer), deliver(make_order()))
    approve_request(actor=people.agent, request=request)
    fire_due_deadlines(scheduler_id="test", now=timezone.now() + timedelta(days=7, hours=1))
    request.refresh_from_db()
    assert (request.state, request.due_at) == (S.CLOSED, None)
    assert request.close_reason == "同意后 7 天内未寄回商品，售后单自动关闭"
    closed = Event.objects.get(verb="aftersales.closed")
    assert closed.actor is None
    assert closed.summary == f"{request.number} 同意后 7 天内未寄回商品，售后单自动关闭。如仍需售后请重新申请"
    # Its quantity is free again: the customer may apply anew within the window.
    opened(as_customer(customer), request.order)


def test_as1_shipping_the_return_in_time_meets_the_deadline(make_order, deliver, customer,
                                                            as_customer, people):
    request = opened(as_customer(customer), deliver(make_order()))
    approve_request(actor=people.agent, request=request)
    enter_return_waybill(actor=as_customer(customer), request=request, courier="中通快递",
                         waybill_no="zt 7788 9900 11")
    request.refresh_from_db()
    assert (request.state, request.return_waybill, request.due_at) == (
        S.RETURNING, "ZT7788990011", None)
    assert _deadline(request, "AS-1.return").state == "met"
    fire_due_deadlines(scheduler_id="test", now=timezone.now() + timedelta(days=8))
    request.refresh_from_db()
    assert request.state == S.RETURNING
