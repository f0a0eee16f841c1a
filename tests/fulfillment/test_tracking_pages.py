"""FUL-6 pages: the tracking list (latest status per parcel, filters, bounded queries), a
parcel's timeline and recording a step phoned in."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shopops.core.models import Deadline
from shopops.fulfillment.models import Courier, Parcel, TrackingEvent


@pytest.fixture
def many_parcels(paid_order, put_in_state, hz):
    """62 shipped parcels (of one order, to keep setup fast): every third lost, the others in transit; and
    the first one (ZT2000000000) with no tracking at all."""
    zto, sf = Courier.objects.get(code="zto"), Courier.objects.get(code="sf")
    order = paid_order()
    now = timezone.now()
    parcels = []
    for i in range(62):
        courier = sf if i % 2 else zto
        parcel = Parcel.objects.create(number=f"PK-L{i:03d}", courier=courier,
                                       waybill_no=f"ZT2{i:09d}", warehouse=hz,
                                       state=Parcel.State.SHIPPED,
                                       shipped_at=now - timedelta(hours=i))
        parcel.orders.add(order)  # one order is enough: the list prefetches them
        parcels.append(parcel)
        if i == 0:
            continue
        TrackingEvent.objects.create(parcel=parcel, at=now - timedelta(hours=i - 1),
                                     status="collected", location="杭州")
        if i % 3 == 0:
            TrackingEvent.objects.create(parcel=parcel, at=now - timedelta(minutes=i),
                                         status="lost", description="快件遗失")
    put_in_state(order, "shipped", shipped_at=now)
    return parcels


def test_ful6_tracking_list_bounded_queries_and_latest_status(
        many_parcels, people, client_for, django_assert_max_num_queries):
    client = client_for(people.supervisor)
    with django_assert_max_num_queries(12):
        response = client.get("/fulfillment/tracking/")
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 62
    shown = {p.waybill_no: p.latest_status for p in page}
    assert shown["ZT2000000000"] is None
    assert shown["ZT2000000003"] == "lost"
    assert shown["ZT2000000004"] == "collected"
    with django_assert_max_num_queries(12):
        second = client.get("/fulfillment/tracking/?page=2")
    assert len(second.context["page"]) == 12


def test_ful6_tracking_list_filters(many_parcels, people, client_for):
    client = client_for(people.cs)
    lost = client.get("/fulfillment/tracking/?status=exception").context["page"]
    assert lost.paginator.count == 20  # i = 3, 6, … 60
    assert {p.latest_status for p in lost} == {"lost"}
    none = client.get("/fulfillment/tracking/?status=none").context["page"]
    assert [p.waybill_no for p in none] == ["ZT2000000000"]
    sf = Courier.objects.get(code="sf")
    by_courier = client.get(f"/fulfillment/tracking/?courier={sf.pk}").context["page"]
    assert by_courier.paginator.count == 31
    found = client.get("/fulfillment/tracking/?q=ZT2000000042").context["page"]
    assert [p.waybill_no for p in found] == ["ZT2000000042"]
    number = many_parcels[0].orders.get().number
    by_order = client.get(f"/fulfillment/tracking/?q={number}").context["page"]
    assert by_order.paginator.count == 62


def test_ful6_parcel_page_shows_the_timeline_and_records_a_lost_parcel(
        many_parcels, people, client_for, make_user):
    make_user(roles=["cs_supervisor"])
    parcel = many_parcels[4]
    client = client_for(people.packer)
    html = client.get(f"/fulfillment/parcels/{parcel.pk}/tracking/").content.decode()
    assert 'data-testid="tracking-record-form"' in html
    assert "已揽收" in html and "杭州" in html
    response = client.post(f"/fulfillment/parcels/{parcel.pk}/tracking/record/", {
        "status": "lost", "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": "快递员电话告知丢件", "location": "金华"}, follow=True)
    assert "已记录：丢失" in response.content.decode()
    assert parcel.tracking.order_by("-at", "-pk").first().status == "lost"
    assert Deadline.objects.filter(rule="FUL-6").count() == 1
    bad = client.post(f"/fulfillment/parcels/{parcel.pk}/tracking/record/",
                      {"status": "lost", "at": ""}, follow=True)
    assert "请填写时间。" in bad.content.decode()


def test_ful6_parcel_page_is_read_only_without_the_ship_capability(
        many_parcels, people, client_for):
    parcel = many_parcels[4]
    html = client_for(people.reviewer).get(
        f"/fulfillment/parcels/{parcel.pk}/tracking/").content.decode()
    assert 'data-testid="tracking-timeline"' in html
    assert 'data-testid="tracking-record-form"' not in html
    denied = client_for(people.reviewer).post(
        f"/fulfillment/parcels/{parcel.pk}/tracking/record/", {"status": "lost"})
    assert denied.status_code == 403
