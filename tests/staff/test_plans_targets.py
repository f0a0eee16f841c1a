"""HR-7: monthly targets split into weeks and days, progress from the real orders."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from shopops.core.models import Event
from shopops.fulfillment.models import Courier, Parcel
from shopops.orders.models import Order
from shopops.staff.actions.plans import set_target
from shopops.staff.models import MonthlyTarget
from shopops.staff.queries_plans import progress, split
from tests.factories import channel, make_warehouse

MARCH = date(2026, 3, 1)
TODAY = date(2026, 3, 18)  # a Wednesday; its week is 03-16 … 03-22
M = MonthlyTarget.Metric


def at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def make_order(db):
    shop, warehouse = channel("tmall"), make_warehouse(code="hz-m2", name="杭州主仓")
    counter = iter(range(1, 10_000))

    def make(**fields):
        return Order.objects.create(
            number=f"M2-{next(counter)}", channel=shop, warehouse=warehouse,
            customer_name="张三", customer_phone="13800001234", province="浙江省",
            city="杭州市", address_detail="文三路 1 号", state=Order.State.PAID, **fields)

    return make


def by_name(row):
    return {p.name: (p.target, p.actual, p.percent) for p in row.periods}


def test_hr7_split_sums_back_to_target_by_day_and_week(db):
    parts = split(1000, MARCH)
    assert len(parts["days"]) == 22  # March 2026: 22 weekdays, no holiday
    assert parts["days"][date(2026, 3, 2)] == 46 and parts["days"][date(2026, 3, 31)] == 45
    assert parts["weeks"] == [(date(2026, 3, 2), 230), (date(2026, 3, 9), 230),
                              (date(2026, 3, 16), 225), (date(2026, 3, 23), 225),
                              (date(2026, 3, 30), 90)]
    for target, month in [(1_234_567, date(2026, 10, 1)), (7, date(2026, 2, 1)),
                          (0, MARCH)]:
        parts = split(target, month)
        assert sum(parts["days"].values()) == target
        assert sum(share for _, share in parts["weeks"]) == target
    # 国庆: 10-01…10-07 are holidays, so none of the October target falls on them.
    october = split(1000, date(2026, 10, 1))["days"]
    assert date(2026, 10, 5) not in october and date(2026, 10, 12) in october


def test_hr7_sales_and_orders_progress_from_real_orders(people, make_order):
    cs, cs2 = people.cs, people.cs2
    make_order(created_by=cs, paid_at=at(TODAY), paid_fen=19900)
    make_order(created_by=cs, paid_at=at(date(2026, 3, 16)), paid_fen=5000)
    make_order(created_by=cs, paid_at=at(date(2026, 3, 2)), paid_fen=1000)
    make_order(created_by=cs2, paid_at=at(TODAY), paid_fen=700)
    make_order(created_by=None, paid_at=at(TODAY, 9), paid_fen=300)  # a platform order
    cancelled = make_order(created_by=cs, paid_at=at(TODAY), paid_fen=99900)
    Order.objects.filter(pk=cancelled.pk).update(state=Order.State.CANCELLED)
    make_order(created_by=cs, paid_at=at(date(2026, 4, 1)), paid_fen=88800)  # next month
    make_order(created_by=cs, paid_at=None, paid_fen=0)  # not paid yet

    sales = set_target(actor=people.boss, person=cs, month=MARCH, metric=M.SALES_FEN,
                       target=1_000_000)
    count = set_target(actor=people.boss, person=cs, month=MARCH, metric=M.ORDERS, target=22)
    dept = set_target(actor=people.boss, person=None, month=date(2026, 3, 9),
                      metric=M.SALES_FEN, target=2_200_000)
    assert dept.month == MARCH
    rows = {row.target.pk: row for row in progress([sales, count, dept], today=TODAY)}

    assert by_name(rows[sales.pk]) == {"month": (1_000_000, 25900, 3),
                                       "week": (227_272, 24900, 11),
                                       "today": (45_454, 19900, 44)}
    assert by_name(rows[count.pk]) == {"month": (22, 3, 14), "week": (5, 2, 40),
                                       "today": (1, 1, 100)}
    assert by_name(rows[dept.pk])["month"] == (2_200_000, 26900, 1)
    assert by_name(rows[dept.pk])["today"] == (100_000, 20900, 21)


def test_hr7_reviewed_and_shipped_progress(people, make_order):
    for hour in (9, 10, 11):
        make_order(reviewed_by=people.reviewer, reviewed_at=at(TODAY, hour))
    make_order(reviewed_by=people.reviewer, reviewed_at=at(date(2026, 2, 27)))
    zto, warehouse = Courier.objects.get(code="zto"), make_warehouse(code="hz-p2", name="二仓")
    for i, shipped in enumerate([at(TODAY), at(date(2026, 3, 3)), None]):
        Parcel.objects.create(number=f"PK-M2{i}", courier=zto, waybill_no=f"ZT-M2{i}",
                              warehouse=warehouse, packed_by=people.packer, shipped_at=shipped)
    reviewed = set_target(actor=people.wh_boss, person=people.reviewer, month=MARCH,
                          metric=M.REVIEWED, target=440)
    shipped = set_target(actor=people.wh_boss, person=people.packer, month=MARCH,
                         metric=M.SHIPPED, target=220)
    rows = progress([reviewed, shipped], today=TODAY)
    assert by_name(rows[0]) == {"month": (440, 3, 1), "week": (100, 3, 3),
                                "today": (20, 3, 15)}
    assert by_name(rows[1])["month"] == (220, 2, 1)
    assert by_name(rows[1])["today"] == (10, 1, 10)


def test_hr7_set_target_records_event_and_replaces_old_value(people):
    set_target(actor=people.boss, person=people.cs, month=MARCH, metric=M.ORDERS, target=10)
    row = set_target(actor=people.boss, person=people.cs, month=MARCH, metric=M.ORDERS,
                     target=30, note="大促月")
    assert MonthlyTarget.objects.filter(person=people.cs).count() == 1
    assert (row.target, row.note, row.set_by) == (30, "大促月", people.boss)
    event = Event.objects.filter(verb="staff.target_set").latest("pk")
    assert event.summary == "设置 刘洋 2026-03 订单数 目标 30"


def test_hr7_team_page_sets_target_in_yuan_and_shows_progress(people, client_for,
                                                                make_order):
    month = timezone.localdate().replace(day=1)
    make_order(created_by=people.cs, paid_at=timezone.now(), paid_fen=12345)
    url = reverse("staff:target_team") + f"?month={month:%Y-%m}"
    response = client_for(people.cs_boss).post(url, {
        "month": f"{month:%Y-%m}", "person": people.cs.pk, "metric": "sales_fen",
        "target": "1,000", "note": ""}, follow=True)
    assert "目标已保存。" in response.content.decode()
    target = MonthlyTarget.objects.get(person=people.cs, month=month)
    assert target.target == 100_000
    mine = client_for(people.cs).get(reverse("staff:my_targets")).content.decode()
    assert "¥123.45 / ¥1,000.00" in mine
    assert 'data-testid="progress-today"' in mine


def test_hr7_only_target_setters_may_post(people, client_for):
    url = reverse("staff:target_team")
    assert client_for(people.cs).get(url).status_code == 403
    assert client_for(people.finance).post(url, {
        "metric": "orders", "target": "5"}).status_code == 403
    assert not MonthlyTarget.objects.exists()
    response = client_for(people.boss).post(url, {"metric": "orders", "target": "-5"},
                                            follow=True)
    assert "目标值不能为负数。" in response.content.decode()
    person_page = reverse("staff:target_person", args=[people.cs.pk])
    assert client_for(people.cs2).get(person_page).status_code == 403
    assert client_for(people.cs_boss).get(person_page).status_code == 200


def test_hr7_team_page_queries_bounded(people, make_user, client_for,
                                       django_assert_max_num_queries):
    month = timezone.localdate().replace(day=1)
    for _ in range(15):
        person = make_user(roles=["presale_cs"])
        for metric in M.values:
            MonthlyTarget.objects.create(person=person, month=month, metric=metric, target=100)
    client = client_for(people.boss)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("staff:target_team"))
    assert response.content.decode().count('data-testid="target-row"') == 50
    page2 = client.get(reverse("staff:target_team") + "?page=2").content.decode()
    assert page2.count('data-testid="target-row"') == 10
