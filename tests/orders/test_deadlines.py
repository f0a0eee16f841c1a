"""ORD-2, ORD-3, ORD-5: the order deadlines on the core deadline engine (APR-3)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.core.actions.deadlines import fire_due_deadlines
from shopops.core.actions.settings import change_setting
from shopops.core.models import Deadline, Event, Notification
from shopops.inventory.models import Reservation, Stock
from shopops.inventory.queries import check_ledger
from shopops.orders import actions
from shopops.orders.actions.deadlines import on_reviewed
from shopops.orders.states import State

H = timedelta(hours=1)


def _deadlines(order, rule=None):
    rows = Deadline.objects.filter(subject_type="orders.order", subject_id=str(order.pk))
    return list(rows.filter(rule=rule) if rule else rows)


def _fire(now):
    return [(d.rule, d.service.rsplit(".", 1)[-1] or d.action)
            for d in fire_due_deadlines(scheduler_id="test", now=now)]


@pytest.fixture
def admin(make_user):
    return make_user(roles=["sysadmin"], level="db")


def test_ord5_unpaid_order_opens_reminder_and_auto_cancel_with_setting_durations(new_order, cs):
    order = new_order(paid=False)
    remind, cancel = sorted(_deadlines(order, "ORD-5"), key=lambda d: d.due_at)
    assert remind.due_at == order.created_at + 12 * H
    assert cancel.due_at == order.created_at + 24 * H
    assert (remind.owner, cancel.owner) == (cs, cs)
    assert remind.title == f"{order.number} 12 小时未付款，催付"
    assert cancel.title == f"{order.number} 24 小时未付款，自动取消"
    assert _deadlines(order, "ORD-2") == []


def test_ord5_changed_settings_give_other_due_times(new_order, admin):
    change_setting(actor=admin, key="orders.unpaid_reminder_hours", raw_value="6")
    change_setting(actor=admin, key="orders.unpaid_cancel_hours", raw_value="48")
    order = new_order(paid=False)
    due = sorted(d.due_at for d in _deadlines(order, "ORD-5"))
    assert due == [order.created_at + 6 * H, order.created_at + 48 * H]


def test_ord5_reminder_fires_at_12h_not_before_and_tells_the_owner(new_order, cs, client_for):
    order = new_order(paid=False)
    start = order.created_at
    assert _fire(start + 12 * H - timedelta(seconds=1)) == []
    assert not Event.objects.filter(verb="order.payment_reminded").exists()

    assert _fire(start + 12 * H) == [("ORD-5", "remind_unpaid")]
    event = Event.objects.get(verb="order.payment_reminded")
    assert event.actor is None and event.object_id == str(order.pk)
    assert event.data["notified"] == [cs.pk]
    assert list(Notification.objects.filter(recipient=cs).values_list("title", flat=True)) == [
        f"催付：{order.number}（陈*）未付款"]
    order.refresh_from_db()
    assert order.state == State.PENDING_PAYMENT  # a reminder, not a cancellation


def test_ord5_auto_cancel_fires_as_the_system_and_releases_stock(new_order, dress, hz):
    order = new_order(paid=False, lines=[{"sku": dress, "quantity": 3}])
    stock = Stock.objects.get(sku=dress, warehouse=hz)
    assert stock.reserved == 3
    start = order.created_at
    _fire(start + 12 * H)
    assert _fire(start + 24 * H - timedelta(seconds=1)) == []

    assert _fire(start + 24 * H) == [("ORD-5", "cancel_unpaid")]
    order.refresh_from_db()
    assert order.state == State.CANCELLED
    stock.refresh_from_db()
    assert stock.reserved == 0
    assert not Reservation.objects.filter(state=Reservation.State.ACTIVE).exists()
    assert check_ledger() == []
    cancelled = Event.objects.get(verb="order.cancelled", object_id=str(order.pk))
    assert cancelled.actor is None and cancelled.actor_name == "系统"
    assert cancelled.data["reason"] == "超过 24 小时未付款，系统自动取消"
    assert cancelled.data["released"] == 1
    # Both ORD-5 deadlines are closed: nothing of a cancelled order stays on a queue.
    assert all(d.closed_at is not None for d in _deadlines(order))


def test_ord5_paying_in_time_stops_both_and_opens_ord2(new_order, cs):
    order = new_order(paid=False)
    actions.mark_paid(actor=cs, order=order)
    assert sorted(d.state for d in _deadlines(order, "ORD-5")) == ["met", "met"]
    assert _fire(order.created_at + 30 * H) == [("ORD-2", "escalate")]
    order.refresh_from_db()
    assert order.state == State.PAID
    assert not Event.objects.filter(verb="order.payment_reminded").exists()


def test_ord5_paying_after_the_reminder_closes_it_and_stops_the_cancel(new_order, cs):
    order = new_order(paid=False)
    _fire(order.created_at + 13 * H)
    actions.mark_paid(actor=cs, order=order)
    states = {d.title.split(" ", 1)[1]: (d.state, d.closed_at is not None)
              for d in _deadlines(order, "ORD-5")}
    assert states == {"12 小时未付款，催付": ("fired", True),
                      "24 小时未付款，自动取消": ("met", True)}
    assert _fire(order.created_at + 25 * H) == [("ORD-2", "escalate")]
    order.refresh_from_db()
    assert order.state == State.PAID


def test_ord5_cancelling_by_hand_cancels_the_deadlines(new_order, boss):
    order = new_order(paid=False)
    actions.cancel(actor=boss, order=order, reason="客户不要了")
    assert sorted(d.state for d in _deadlines(order)) == ["cancelled", "cancelled"]
    assert _fire(order.created_at + 30 * H) == []


def test_ord5_overdue_reminder_is_in_the_owners_my_deadlines_page(new_order, cs, client_for):
    order = new_order(paid=False, created_at=timezone.now() - 13 * H)
    assert _fire(timezone.now()) == [("ORD-5", "remind_unpaid")]
    html = client_for(cs).get("/deadlines/").content.decode()
    assert f"{order.number} 12 小时未付款，催付" in html
    assert '<b data-testid="overdue-count">1</b>' in html


def test_ord2_paid_order_opens_contact_deadline_met_by_confirm(new_order, cs):
    before = timezone.now()
    order = new_order(paid=True)
    (contact,) = _deadlines(order, "ORD-2")
    assert contact.owner == cs and contact.action == "escalate"
    assert before + timedelta(minutes=10) <= contact.due_at <= timezone.now() + timedelta(
        minutes=10)
    assert contact.title == f"{order.number} 10 分钟内联系客户确认"
    assert _deadlines(order, "ORD-5") == []

    actions.confirm(actor=cs, order=order)
    contact.refresh_from_db()
    assert contact.state == "met"


def test_ord2_contact_minutes_setting_changes_due_time(new_order, admin):
    change_setting(actor=admin, key="orders.contact_minutes", raw_value="30")
    before = timezone.now()
    order = new_order(paid=True)
    (contact,) = _deadlines(order, "ORD-2")
    assert contact.title.endswith("30 分钟内联系客户确认")
    assert before + timedelta(minutes=30) <= contact.due_at <= timezone.now() + timedelta(
        minutes=30)


def test_ord2_overdue_contact_escalates_to_the_supervisor(new_order, make_user, cs):
    supervisor = make_user(roles=["cs_supervisor"], display_name="客服主管甲")
    cs.supervisor = supervisor
    cs.save(update_fields=["supervisor"])
    order = new_order(paid=True)
    (contact,) = _deadlines(order, "ORD-2")
    assert _fire(contact.due_at - timedelta(seconds=1)) == []
    assert _fire(contact.due_at) == [("ORD-2", "escalate")]
    titles = set(Notification.objects.values_list("recipient__username", "title"))
    assert titles == {
        (cs.username, f"时限已到：{contact.title}"),
        (supervisor.username, f"超时上报：{contact.title}（负责人：{cs}）")}


def test_ord2_order_entered_by_non_cs_goes_to_the_cs_supervisor(new_order, make_user, boss):
    supervisor = make_user(roles=["cs_supervisor"])
    order = new_order(paid=True, actor=boss)
    (contact,) = _deadlines(order, "ORD-2")
    assert contact.owner == supervisor


def test_ord3_confirm_opens_handover_met_when_reviewed(new_order, cs, admin):
    change_setting(actor=admin, key="orders.handover_hours", raw_value="8")
    order = new_order(paid=True)
    before = timezone.now()
    actions.confirm(actor=cs, order=order)
    (handover,) = _deadlines(order, "ORD-3")
    assert handover.owner == cs and handover.action == "escalate"
    assert handover.title == f"{order.number} 8 小时内移交运营跟踪"
    assert before + 8 * H <= handover.due_at <= timezone.now() + 8 * H
    assert _fire(handover.due_at - timedelta(seconds=1)) == []

    on_reviewed(actor=cs, order=order)
    handover.refresh_from_db()
    assert handover.state == "met"
    assert _fire(handover.due_at + H) == []


def test_ord3_default_is_24_hours_and_fires_when_not_handed_over(new_order, cs):
    order = new_order(paid=True)
    actions.confirm(actor=cs, order=order)
    (handover,) = _deadlines(order, "ORD-3")
    assert handover.title.endswith("24 小时内移交运营跟踪")
    assert abs(handover.due_at - handover.starts_at - 24 * H) < timedelta(seconds=1)
    assert _fire(handover.due_at) == [("ORD-3", "escalate")]
