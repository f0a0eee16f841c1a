"""FUL-7: daily, weekly and monthly shipping and sales summaries, exact on a small set of
orders around the local day boundary; the scheduler's choice of periods and its jobs."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from shopops.core.models import Event
from shopops.fulfillment.actions.summaries import generate_due_summaries, generate_summary
from shopops.fulfillment.models import Courier, Parcel, ShippingSummary, TrackingEvent
from tests.factories import channel

D = date(2026, 11, 20)  # a Friday


def at(day, hhmm):
    return timezone.make_aware(datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time()))


@pytest.fixture
def week(paid_order, put_in_state, dress, shirt, people, hz):
    """Orders of the week of 2026-11-16 (local times):
    A 天猫 浙江 dress×2 ¥398  created 09:00 paid 10:00 on D, shipped 23:59 D (中通)
    B 京东 上海 shirt×1 ¥129  created/paid 15:00 D, shipped 00:01 D+1 (顺丰)
    C 天猫 浙江 dress+shirt ¥328 created 16:30 paid 17:00 D (after the cutoff), shipped
      10:00 D+1 (中通)
    E 天猫 浙江 dress×1 ¥199  created 23:59 D-1, paid 00:01 D, not shipped
    F 天猫 dress×1 paid 11:00 D, cancelled 12:00 D
    and a parcel of A delayed at 12:00 D, lost at 00:00 D+1."""
    jd = channel("jd")
    nxt = D + timedelta(days=1)

    def order(lines, created, paid, shipped=None, courier="", ch=None, **kw):
        o = paid_order(lines=lines, channel=ch or channel("tmall"), **kw)
        fields = {"created_at": created, "paid_at": paid}
        if shipped:
            put_in_state(o, "shipped", shipped_at=shipped, courier=courier, **fields)
        else:
            put_in_state(o, o.state, **fields)
        return o

    a = order([{"sku": dress, "quantity": 2}], at(D, "09:00"), at(D, "10:00"), at(D, "23:59"),
              "中通快递")
    b = order([{"sku": shirt, "quantity": 1}], at(D, "15:00"), at(D, "15:00"), at(nxt, "00:01"),
              "顺丰速运", ch=jd, province="上海市", city="上海市")
    c = order([{"sku": dress, "quantity": 1}, {"sku": shirt, "quantity": 1}], at(D, "16:30"),
              at(D, "17:00"), at(nxt, "10:00"), "中通快递")
    e = order([{"sku": dress, "quantity": 1}], at(D - timedelta(days=1), "23:59"),
              at(D, "00:01"))
    f = order([{"sku": dress, "quantity": 1}], at(D, "11:00"), at(D, "11:00"))
    # As if cancelled at 12:00 on D (the event log is append-only: add the event as it was).
    put_in_state(f, "cancelled")
    Event.objects.create(at=at(D, "12:00"), verb="order.cancelled", object_type="orders.order",
                         object_id=str(f.pk), object_repr=f.number, summary="客户不要了")
    parcel = Parcel.objects.create(number="PK-S1", courier=Courier.objects.get(code="zto"),
                                   waybill_no="ZT3000000001", warehouse=hz, state="shipped",
                                   shipped_at=at(D, "23:59"))
    parcel.orders.add(a)
    TrackingEvent.objects.create(parcel=parcel, at=at(D, "12:00"), status="delayed")
    TrackingEvent.objects.create(parcel=parcel, at=at(nxt, "00:00"), status="lost")
    return {"a": a, "b": b, "c": c, "e": e, "f": f}


def test_ful7_daily_summary_is_exact_on_the_local_day(week, dress, shirt):
    data = generate_summary(period="day", start=D).data
    assert {k: data[k] for k in (
        "created", "paid", "shipped", "delivered", "cancelled", "sales_fen",
        "average_order_fen", "parcels", "avg_paid_to_ship_hours", "same_day_due",
        "same_day_shipped", "same_day_rate", "exceptions", "exceptions_by_status")} == {
        "created": 4, "paid": 4, "shipped": 1, "delivered": 0, "cancelled": 1,
        "sales_fen": 39800 + 12900 + 32800 + 19900, "average_order_fen": 26350,
        "parcels": 1, "avg_paid_to_ship_hours": 14.0, "same_day_due": 3,
        "same_day_shipped": 1, "same_day_rate": 33.3, "exceptions": 1,
        "exceptions_by_status": {"delayed": 1}}
    assert data["by_courier"] == [{"courier": "中通快递", "orders": 1}]
    assert data["by_channel"] == [
        {"channel": "天猫旗舰店", "orders": 3, "sales_fen": 92500},
        {"channel": "京东自营店", "orders": 1, "sales_fen": 12900}]
    assert data["top_provinces"] == [
        {"province": "浙江省", "orders": 3, "sales_fen": 92500},
        {"province": "上海市", "orders": 1, "sales_fen": 12900}]
    assert data["top_skus"] == [{"sku": dress.code, "title": week["a"].lines.get().title,
                                 "quantity": 2}]
    assert (data["start"], data["end"]) == ("2026-11-20", "2026-11-20")


def test_ful7_an_order_shipped_at_00_01_counts_on_the_next_day(week, dress, shirt):
    data = generate_summary(period="day", start=D + timedelta(days=1)).data
    assert (data["shipped"], data["paid"], data["created"]) == (2, 0, 0)
    assert data["by_courier"] == [{"courier": "中通快递", "orders": 1},
                                  {"courier": "顺丰速运", "orders": 1}]
    assert [(r["sku"], r["quantity"]) for r in data["top_skus"]] == [
        (shirt.code, 2), (dress.code, 1)]
    assert data["avg_paid_to_ship_hours"] == 13.0  # (9 h 01 min + 17 h) / 2
    assert data["exceptions_by_status"] == {"lost": 1}


def test_ful7_weekly_summary_runs_monday_to_sunday(week):
    summary = generate_summary(period="week", start=D)
    assert (summary.start, summary.end) == (date(2026, 11, 16), date(2026, 11, 22))
    data = summary.data
    assert (data["created"], data["paid"], data["shipped"], data["exceptions"]) == (5, 4, 3, 2)
    previous = generate_summary(period="week", start=date(2026, 11, 15))  # a Sunday
    assert (previous.start, previous.data["shipped"], previous.data["created"]) == (
        date(2026, 11, 9), 0, 0)


def test_ful7_monthly_summary_stops_at_local_midnight(paid_order, put_in_state):
    inside = paid_order()
    outside = paid_order()
    put_in_state(inside, "shipped", shipped_at=at(date(2026, 11, 30), "23:59"),
                 courier="中通快递")
    put_in_state(outside, "shipped", shipped_at=at(date(2026, 12, 1), "00:01"),
                 courier="中通快递")
    november = generate_summary(period="month", start=date(2026, 11, 17))
    assert (november.start, november.end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert november.data["shipped"] == 1
    december = generate_summary(period="month", start=date(2026, 12, 1))
    assert (december.end, december.data["shipped"]) == (date(2026, 12, 31), 1)


def test_ful7_generating_again_updates_the_one_summary(week, paid_order, put_in_state):
    first = generate_summary(period="day", start=D)
    late = paid_order()
    put_in_state(late, "shipped", shipped_at=at(D, "20:00"), courier="中通快递")
    again = generate_summary(period="day", start=D)
    assert again.pk == first.pk
    assert ShippingSummary.objects.count() == 1
    assert again.data["shipped"] == 2
    assert Event.objects.filter(verb="summary.generated").count() == 2


def test_ful7_due_summaries_add_last_week_on_monday_and_last_month_on_the_1st(db):
    monday = generate_due_summaries(now=at(date(2026, 11, 23), "18:30"))
    assert [(s.period, s.start) for s in monday] == [
        ("day", date(2026, 11, 22)), ("day", date(2026, 11, 23)),
        ("week", date(2026, 11, 16))]
    first = generate_due_summaries(now=at(date(2026, 12, 1), "18:30"))  # a Tuesday
    assert [(s.period, s.start, s.end) for s in first] == [
        ("day", date(2026, 11, 30), date(2026, 11, 30)),
        ("day", date(2026, 12, 1), date(2026, 12, 1)),
        ("month", date(2026, 11, 1), date(2026, 11, 30))]
    friday = generate_due_summaries(now=at(D, "18:30"))
    assert [s.period for s in friday] == ["day", "day"]


def test_ful7_summary_job_is_registered_at_the_setting_time(db):
    from shopops.core.periodic import PERIODIC

    job = PERIODIC["fulfillment.shipping_summaries"]
    assert job.next_run(at(D, "12:00")) == at(D, "18:30")
    assert job.next_run(at(D, "18:30")) == at(D + timedelta(days=1), "18:30")
    poll = PERIODIC["fulfillment.tracking_poll"]
    assert poll.next_run(at(D, "12:00")) == at(D, "12:15")
    assert PERIODIC["fulfillment.complete_delivered"].next_run(at(D, "12:00")) == at(
        D + timedelta(days=1), "03:00")
