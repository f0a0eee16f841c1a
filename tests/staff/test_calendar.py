"""HR-2: the working calendar — the `holidays` package's China data plus overrides."""

from datetime import date, timedelta

import holidays

from shopops.core.models import Event
from shopops.staff import calendar
from shopops.staff.actions.calendar import delete_override, save_override
from shopops.staff.models import CalendarOverride


def test_hr2_national_day_2026_is_a_week_off(db):
    kinds = calendar.kinds_between(date(2026, 10, 1), date(2026, 10, 7))
    assert [k for k, _ in kinds.values()] == ["holiday"] * 7
    assert kinds[date(2026, 10, 1)] == ("holiday", "国庆节")
    assert kinds[date(2026, 10, 4)] == ("holiday", "国庆节")  # a Sunday inside the block
    assert calendar.is_working_day(date(2026, 10, 8))


def test_hr2_make_up_working_days_2026_come_from_the_package(db):
    package = sorted(d for d in holidays.China(years=2026).weekend_workdays if d.year == 2026)
    assert date(2026, 10, 10) in package  # 国务院办公厅 2026 notice: Saturday 10-10 works
    assert package  # the source itself is not empty
    for day in package:
        assert day.weekday() >= 5
        assert calendar.day_kind(day) == ("makeup_workday", "调休上班")
        assert calendar.is_working_day(day)
    specials = {d: k for d, k, _, _ in calendar.year_specials(2026)}
    assert sorted(d for d, k in specials.items() if k == "makeup_workday") == package


def test_hr2_ordinary_days(db):
    assert calendar.day_kind(date(2026, 11, 23)) == ("workday", "")  # Monday
    assert calendar.day_kind(date(2026, 11, 22)) == ("weekend", "")  # Sunday
    assert calendar.working_days(date(2026, 11, 16), date(2026, 11, 22)) == [
        date(2026, 11, 16) + timedelta(days=i) for i in range(5)]


def test_hr2_working_days_in_october_2026(db):
    days = calendar.working_days(date(2026, 10, 1), date(2026, 10, 31))
    # 22 weekdays minus 5 weekday holidays (10-01, 02, 05, 06, 07) plus Saturday 10-10.
    assert len(days) == 18
    assert date(2026, 10, 10) in days and date(2026, 10, 5) not in days


def test_hr2_overrides_win_over_the_package(people):
    save_override(actor=people.boss, day=date(2026, 10, 8), kind="holiday", name="公司假")
    save_override(actor=people.boss, day=date(2026, 10, 10), kind="holiday", name="不补班")
    save_override(actor=people.boss, day=date(2026, 10, 1), kind="workday", name="值守")
    assert calendar.day_kind(date(2026, 10, 8)) == ("holiday", "公司假")
    assert not calendar.is_working_day(date(2026, 10, 10))
    assert calendar.day_kind(date(2026, 10, 1)) == ("workday", "值守")
    save_override(actor=people.boss, day=date(2026, 11, 21), kind="workday", name="")
    assert calendar.day_kind(date(2026, 11, 21)) == ("makeup_workday", "调休上班")
    assert Event.objects.filter(verb="staff.calendar_override_saved").count() == 4

    assert delete_override(actor=people.boss, day=date(2026, 10, 8)) is True
    assert calendar.is_working_day(date(2026, 10, 8))
    assert Event.objects.filter(verb="staff.calendar_override_deleted").count() == 1


def test_hr2_uncovered_year_warns_and_override_fills_it(people, client_for):
    assert calendar.covered(2026) is True
    assert calendar.covered(2099) is False
    client = client_for(people.boss)
    page = client.get("/staff/calendar/?year=2099")
    assert page.status_code == 200
    assert "2099 年的放假安排尚未收录" in page.content.decode()
    assert 'data-testid="calendar-warning"' not in client.get(
        "/staff/calendar/?year=2026").content.decode()

    client.post("/staff/calendar/override/", {"day": "2099-02-02", "kind": "holiday",
                                              "name": "春节"})
    assert CalendarOverride.objects.get(day=date(2099, 2, 2)).created_by == people.boss
    assert calendar.day_kind(date(2099, 2, 2)) == ("holiday", "春节")
    assert "春节" in client.get("/staff/calendar/?year=2099").content.decode()


def test_hr2_only_calendar_managers_may_override(people, client_for):
    response = client_for(people.packer).post(
        "/staff/calendar/override/", {"day": "2026-12-01", "kind": "holiday"})
    assert response.status_code == 403
    assert not CalendarOverride.objects.exists()
    page = client_for(people.packer).get("/staff/calendar/?year=2026")
    assert page.status_code == 200
    assert 'data-testid="override-form"' not in page.content.decode()
    assert "国庆节" in page.content.decode()
