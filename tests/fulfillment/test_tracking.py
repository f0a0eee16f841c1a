"""FUL-6: tracking recorded once, delivery moves the orders, exceptions open a task for
customer service, the channel hears every status, the sandbox courier, completion."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.core.errors import UserError
from shopops.core.models import Deadline, Event, Notification
from shopops.fulfillment.actions.tracking import (
    complete_delivered,
    poll_trackers,
    publish_shipped,
    record_tracking,
)
from shopops.fulfillment.models import Courier, Parcel, TrackingEvent
from shopops.orders.models import Order

_n = itertools.count(1)


@pytest.fixture
def ship(paid_order, put_in_state, hz):
    """ship(order=None, shipped_at=…, waybill=…) → a shipped Parcel holding the order(s)."""

    def make(*orders, shipped_at=None, waybill=None, courier="zto"):
        orders = orders or (paid_order(),)
        courier = Courier.objects.get(code=courier)
        shipped_at = shipped_at or timezone.now() - timedelta(hours=30)
        i = next(_n)
        waybill = waybill or f"ZT{i:09d}0"
        for order in orders:
            put_in_state(order, "shipped", shipped_at=shipped_at, tracking_no=waybill,
                         courier=courier.name)
        parcel = Parcel.objects.create(number=f"PK-T{i:05d}", courier=courier, waybill_no=waybill,
                                       warehouse=hz, state=Parcel.State.SHIPPED,
                                       shipped_at=shipped_at)
        parcel.orders.add(*orders)
        return parcel

    return make


def test_ful6_same_step_twice_is_recorded_once(ship, people):
    parcel = ship()
    at = timezone.now() - timedelta(hours=2)
    first = record_tracking(actor=people.packer, parcel=parcel, status="collected", at=at,
                            description="快递员已揽收", location="杭州")
    again = record_tracking(actor=people.packer, parcel=parcel, status="collected", at=at,
                            description="快递员已揽收", location="杭州")
    assert first is not None and again is None
    assert list(parcel.tracking.values_list("status", "location")) == [("collected", "杭州")]
    published = Event.objects.filter(verb="order.shipping_status_published")
    assert published.count() == 1
    assert published.get().summary == (f"{parcel.orders.get().number} 物流状态同步到天猫旗舰店："
                                        "已揽收")


def test_ful6_delivery_moves_every_order_of_the_parcel(ship, paid_order, people):
    one, two = paid_order(), paid_order()
    parcel = ship(one, two)
    at = timezone.now() - timedelta(hours=1)
    record_tracking(actor=None, parcel=parcel, status="delivered", at=at, source="sandbox")
    for order in (one, two):
        order.refresh_from_db()
        assert (order.state, order.delivered_at) == (Order.State.DELIVERED, at)
    parcel.refresh_from_db()
    assert parcel.delivered_at == at
    delivered = Event.objects.filter(verb="order.delivered").order_by("object_id")
    assert [e.object_id for e in delivered] == [str(one.pk), str(two.pk)]
    assert delivered[0].data["waybill_no"] == parcel.waybill_no
    assert delivered[0].data["delivered_at"] == at.isoformat()
    assert Event.objects.filter(verb="order.shipping_status_published").count() == 2


def test_ful6_delivery_of_an_already_delivered_order_changes_nothing(ship, people):
    parcel = ship()
    first = timezone.now() - timedelta(hours=3)
    record_tracking(actor=None, parcel=parcel, status="delivered", at=first)
    record_tracking(actor=None, parcel=parcel, status="delivered", at=first + timedelta(hours=1))
    order = parcel.orders.get()
    assert (order.state, order.delivered_at) == (Order.State.DELIVERED, first)
    assert Event.objects.filter(verb="order.delivered").count() == 1


def test_ful6_exception_opens_a_task_for_the_orders_cs_owner(ship, people):
    parcel = ship()  # the order was entered by people.cs (售前客服)
    order = parcel.orders.get()
    before = timezone.now()
    record_tracking(actor=None, parcel=parcel, status="lost", at=before - timedelta(hours=1),
                    description="快件在中转站遗失", location="金华转运中心", source="sandbox")
    after = timezone.now()
    task = Deadline.objects.get(rule="FUL-6")
    assert task.owner == people.cs
    assert task.title == f"{order.number} 物流异常：丢失"
    assert task.action == "escalate"
    assert before + timedelta(hours=4) <= task.due_at <= after + timedelta(hours=4)
    assert task.link == order.get_absolute_url()
    note = Notification.objects.get(recipient=people.cs, category="fulfillment")
    assert note.title == f"物流异常：{order.number} 丢失"
    assert "快件在中转站遗失" in note.body
    event = Event.objects.get(verb="tracking.exception")
    assert (event.object_id, event.data["status"], event.data["owner"]) == (
        str(order.pk), "lost", people.cs.pk)
    order.refresh_from_db()
    assert order.state == Order.State.SHIPPED
    # The parcel turns up after all: the task is over, not left to escalate.
    record_tracking(actor=None, parcel=parcel, status="delivered", at=after,
                    description="本人签收", source="sandbox")
    task.refresh_from_db()
    assert task.state == Deadline.State.MET


def test_ful6_exception_of_an_order_without_cs_owner_goes_to_cs_supervisor(
        ship, paid_order, people, make_user):
    supervisor = make_user(roles=["cs_supervisor"], display_name="客服主管")
    order = paid_order(actor=None)  # came in by API/import: nobody in CS entered it
    ship(order, waybill="ZT5550000001")
    record_tracking(actor=people.packer, parcel=Parcel.objects.get(waybill_no="ZT5550000001"),
                    status="returned", at=timezone.now())
    assert Deadline.objects.get(rule="FUL-6").owner == supervisor
    assert Notification.objects.get(category="fulfillment").recipient == supervisor


def test_ful6_tracking_of_a_parcel_not_shipped_is_refused(ship, people):
    parcel = ship()
    Parcel.objects.filter(pk=parcel.pk).update(state=Parcel.State.PACKED)
    parcel.refresh_from_db()
    with pytest.raises(UserError) as exc:
        record_tracking(actor=people.packer, parcel=parcel, status="collected",
                        at=timezone.now())
    assert exc.value.message == f"包裹尚未发货：{parcel.waybill_no}"
    assert TrackingEvent.objects.count() == 0


def test_ful6_recording_needs_the_ship_capability(ship, people):
    parcel = ship()
    with pytest.raises(UserError) as exc:
        record_tracking(actor=people.picker, parcel=parcel, status="collected",
                        at=timezone.now())
    assert exc.value.code == "permission_denied"
    assert TrackingEvent.objects.count() == 0


def test_ful6_sandbox_poll_records_the_journey_once(ship):
    Courier.objects.filter(code="zto").update(adapter="sandbox")
    shipped = timezone.now() - timedelta(hours=30)
    normal = ship(shipped_at=shipped, waybill="ZT1234567890")
    delayed = ship(shipped_at=shipped, waybill="ZT1234567899")  # last digit 9: delayed
    fresh = ship(shipped_at=timezone.now() - timedelta(minutes=30), waybill="ZT1234567880")
    assert poll_trackers() == 7
    assert list(normal.tracking.values_list("status", flat=True)) == [
        "collected", "in_transit", "delivering", "delivered"]
    assert list(delayed.tracking.values_list("status", flat=True)) == [
        "collected", "in_transit", "delayed"]
    assert fresh.tracking.count() == 0
    assert normal.orders.get().state == Order.State.DELIVERED
    assert delayed.orders.get().state == Order.State.SHIPPED
    assert Deadline.objects.filter(rule="FUL-6").count() == 1
    assert normal.tracking.get(status="delivered").at == shipped + timedelta(hours=26)
    assert poll_trackers() == 0  # nothing new: idempotent
    assert TrackingEvent.objects.count() == 7


def test_ful6_poll_skips_couriers_tracked_by_file(ship):
    ship(shipped_at=timezone.now() - timedelta(hours=30))
    assert poll_trackers() == 0
    assert TrackingEvent.objects.count() == 0


def test_ful6_delivered_orders_complete_after_the_setting(ship):
    now = timezone.now()
    old = ship()
    recent = ship()
    record_tracking(actor=None, parcel=old, status="delivered", at=now - timedelta(days=7, hours=1))
    record_tracking(actor=None, parcel=recent, status="delivered", at=now - timedelta(days=6))
    assert complete_delivered(now=now) == 1
    assert old.orders.get().state == Order.State.COMPLETED
    assert recent.orders.get().state == Order.State.DELIVERED
    event = Event.objects.get(verb="order.completed")
    assert (event.actor_id, event.object_id) == (None, str(old.orders.get().pk))
    assert complete_delivered(now=now) == 0


def test_ful6_every_status_reaches_the_channel_publisher(ship, monkeypatch):
    from shopops.fulfillment import couriers

    told = []

    class Taobao(couriers.ChannelPublisher):
        name = "taobao-test"

        def publish(self, **kw):
            told.append((kw["order"].number, kw["status"], kw["status_label"], kw["waybill_no"]))

    monkeypatch.setitem(couriers.PUBLISHERS, "taobao", Taobao())
    parcel = ship()
    number = parcel.orders.get().number
    now = timezone.now()
    record_tracking(actor=None, parcel=parcel, status="in_transit", at=now - timedelta(hours=2))
    record_tracking(actor=None, parcel=parcel, status="delivered", at=now - timedelta(hours=1))
    record_tracking(actor=None, parcel=parcel, status="delivered", at=now - timedelta(hours=1))
    assert told == [(number, "in_transit", "运输中", parcel.waybill_no),
                    (number, "delivered", "已签收", parcel.waybill_no)]
    assert not Event.objects.filter(verb="order.shipping_status_published").exists()


def test_ful6_shipping_is_published_to_the_channel(ship, people):
    parcel = ship()
    assert publish_shipped(actor=people.packer, parcel=parcel) == 1
    event = Event.objects.get(verb="order.shipping_status_published")
    assert event.summary == f"{parcel.orders.get().number} 物流状态同步到天猫旗舰店：已发货"
    assert (event.data["status"], event.data["waybill_no"]) == ("shipped", parcel.waybill_no)
