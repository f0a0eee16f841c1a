"""HR-1, HR-2: shifts, filling rosters, the CS rest rota, coverage gaps, duty rotas."""

from datetime import date, time, timedelta

import pytest

from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event
from shopops.staff import calendar
from shopops.staff.actions.calendar import save_shift
from shopops.staff.actions.roster import (
    assign_duty,
    clear_duty,
    fill_roster,
    rota_rest,
    rotate_duty,
    set_shift,
)
from shopops.staff.models import DutyAssignment, RosterEntry, Shift
from shopops.staff.queries_roster import coverage, month_grid

OCT1, OCT31 = date(2026, 10, 1), date(2026, 10, 31)


def test_hr1_default_shifts_are_seeded(shifts):
    assert (shifts["office"].start, shifts["office"].end) == (time(8, 0), time(17, 0))
    assert (shifts["cs_early"].start, shifts["cs_early"].end) == (time(8, 30), time(18, 30))
    assert (shifts["cs_late"].start, shifts["cs_late"].end) == (time(13, 30), time(23, 30))
    assert shifts["night"].overnight and shifts["night"].break_minutes == 60


def test_hr2_set_shift_upserts_one_entry_per_day(people, shifts):
    day = date(2026, 11, 24)
    set_shift(actor=people.wh_boss, person=people.packer, day=day, shift=shifts["day"])
    entry = set_shift(actor=people.wh_boss, person=people.packer, day=day, shift=None)
    assert RosterEntry.objects.filter(person=people.packer, day=day).count() == 1
    assert entry.shift is None and entry.updated_by == people.wh_boss
    assert list(Event.objects.filter(verb="staff.roster_set").values_list(
        "summary", flat=True).order_by("pk")) == [
        "冯涛 2026-11-24 排班：白班", "冯涛 2026-11-24 排班：休息"]


def test_hr2_packer_may_not_set_shifts(people, shifts, client_for):
    with pytest.raises(PermissionDeniedError):
        set_shift(actor=people.packer, person=people.packer, day=date(2026, 11, 24),
                  shift=shifts["day"])
    response = client_for(people.packer).post("/staff/roster/set/", {
        "person": people.packer.pk, "day": "2026-11-24", "shift": "day"})
    assert response.status_code == 403
    assert not RosterEntry.objects.exists()


def test_hr2_set_shift_from_the_grid_with_htmx(people, shifts, client_for):
    response = client_for(people.wh_boss).post(
        "/staff/roster/set/", {"person": people.picker.pk, "day": "2026-11-25",
                               "shift": "night"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<td class="roster-cell"')
    assert '<option value="night" selected title="夜班 17:00–01:00">夜班</option>' in html
    assert RosterEntry.objects.get(person=people.picker, day=date(2026, 11, 25)).shift.code == \
        "night"


def test_hr2_fill_roster_over_national_day(people, shifts):
    team = [people.picker, people.packer]
    count = fill_roster(actor=people.wh_boss, people=team, first=OCT1, last=OCT31,
                        shift=shifts["day"])
    assert count == 62
    worked = set(RosterEntry.objects.filter(person=people.picker, shift__isnull=False)
                 .values_list("day", flat=True))
    assert worked == set(calendar.working_days(OCT1, OCT31))
    assert len(worked) == 18
    assert date(2026, 10, 10) in worked  # 调休 Saturday works
    assert not worked & {OCT1 + timedelta(days=i) for i in range(7)}  # the holiday week rests
    assert RosterEntry.objects.filter(shift__isnull=True).count() == 2 * (31 - 18)
    event = Event.objects.get(verb="staff.roster_filled")
    assert event.data["working_days"] == 18
    assert "每人上班 18 天" in event.summary


def test_hr2_fill_roster_without_calendar_follows_weekdays_only(people, shifts):
    fill_roster(actor=people.boss, people=[people.reviewer], first=OCT1, last=OCT31,
                shift=shifts["office"], rest_weekdays=(6,), follow_calendar=False)
    worked = RosterEntry.objects.filter(person=people.reviewer, shift__isnull=False)
    assert worked.count() == 31 - 4  # four Sundays in October 2026
    assert worked.filter(day=OCT1).exists()


def test_hr2_cs_rest_rota_leaves_no_day_without_cs(people, shifts, make_user):
    team = [people.cs, people.cs2, make_user(roles=["presale_cs"])]
    rota_rest(actor=people.cs_boss, people=team, first=OCT1, last=OCT31,
              shift=shifts["cs_early"], rest_per_week=2)
    for person in team:
        rests = RosterEntry.objects.filter(person=person, shift__isnull=True, day__lte=date(
            2026, 10, 28))
        assert rests.count() == 8  # two a week over four weeks
    cover = coverage(OCT1, OCT31, posts=["presale_cs"])
    assert min(cover["posts"][0]["counts"]) >= 1
    assert cover["gaps"] == []
    assert Event.objects.get(verb="staff.rest_rotated").data["rest_per_week"] == 2


def test_hr2_rest_rota_needs_two_people(people, shifts):
    with pytest.raises(UserError) as exc:
        rota_rest(actor=people.cs_boss, people=[people.cs], first=OCT1, last=OCT31,
                  shift=shifts["cs_early"])
    assert exc.value.code == "rota_needs_two"
    assert not RosterEntry.objects.exists()


def test_hr2_coverage_finds_a_post_left_empty(people, shifts):
    fill_roster(actor=people.wh_boss, people=[people.picker], first=OCT1, last=OCT31,
                shift=shifts["day"])
    set_shift(actor=people.wh_boss, person=people.picker, day=date(2026, 10, 12), shift=None)
    cover = coverage(date(2026, 10, 12), date(2026, 10, 13), posts=["picker", "packer"])
    assert cover["gaps"] == [(date(2026, 10, 12), "picker", "备货员"),
                             (date(2026, 10, 12), "packer", "打包员"),
                             (date(2026, 10, 13), "packer", "打包员")]
    picker = next(p for p in cover["posts"] if p["code"] == "picker")
    assert picker["counts"] == [0, 1]


def test_hr2_no_gap_on_a_holiday(people, shifts):
    cover = coverage(OCT1, OCT1, posts=["packer"])
    assert cover["posts"][0]["counts"] == [0]
    assert cover["gaps"] == []


def test_hr2_roster_page_shows_gaps_and_holidays(people, shifts, client_for):
    fill_roster(actor=people.wh_boss, people=[people.picker], first=OCT1, last=OCT31,
                shift=shifts["day"])
    page = client_for(people.wh_boss).get("/staff/roster/?month=2026-10&post=picker")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="roster-day" data-kind="holiday"') == 7
    assert html.count('data-testid="roster-day" data-kind="makeup_workday"') == 1
    assert 'data-testid="coverage-gap"' not in html
    assert html.count('<option value="day" selected title="白班 08:30–17:30">白班</option>') == 18
    page = client_for(people.wh_boss).get("/staff/roster/?month=2026-10&post=packer")
    assert page.content.decode().count('data-testid="coverage-gap"') == 18
    assert "有 18 个岗位日无人在岗" in page.content.decode()


def test_hr2_roster_page_is_read_only_for_viewers(people, shifts, client_for):
    fill_roster(actor=people.wh_boss, people=[people.picker], first=OCT1, last=OCT31,
                shift=shifts["day"])
    html = client_for(people.finance).get("/staff/roster/?month=2026-10").content.decode()
    assert "<select name=\"shift\"" not in html
    assert html.count('<span title="白班 08:30–17:30">白班</span>') == 18
    assert 'data-testid="roster-fill"' not in html
    assert client_for(people.packer).get("/staff/roster/").status_code == 403


def test_hr2_fill_month_from_the_page(people, shifts, client_for):
    client = client_for(people.cs_boss)
    response = client.post("/staff/roster/fill/", {"month": "2026-10", "post": "presale_cs",
                                                   "shift": "cs_early", "mode": "rota",
                                                   "rest_per_week": "2"}, follow=True)
    assert "已为 2 人排好 2026-10 的班。" in response.content.decode()
    assert RosterEntry.objects.filter(person__in=[people.cs, people.cs2]).count() == 62
    response = client.post("/staff/roster/fill/", {"month": "2026-10", "post": "presale_cs",
                                                   "shift": "nope"}, follow=True)
    assert "请选择班次" in response.content.decode()


def test_hr2_roster_page_queries_are_bounded(people, shifts, make_user, client_for,
                                             django_assert_max_num_queries):
    team = [make_user(roles=["picker"]) for _ in range(60)]
    fill_roster(actor=people.wh_boss, people=team, first=OCT1, last=OCT31,
                shift=shifts["day"])
    for i in range(10):
        assign_duty(actor=people.wh_boss, day=OCT1 + timedelta(days=i), kind="duty",
                    person=team[i])
    client = client_for(people.wh_boss)
    with django_assert_max_num_queries(17):  # 16 + the late/early marks
        page = client.get("/staff/roster/?month=2026-10")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="roster-row"') == 50


def test_hr2_month_grid_rows(people, shifts):
    set_shift(actor=None, person=people.packer, day=date(2026, 10, 9), shift=shifts["day"])
    grid = month_grid(date(2026, 10, 15), [people.packer])
    assert (grid["first"], grid["last"]) == (OCT1, OCT31)
    cells = grid["rows"][0]["cells"]
    assert len(cells) == 31 and grid["rows"][0]["working"] == 1
    assert cells[8]["shift"] == shifts["day"] and cells[7]["entry"] is None


def test_hr2_duty_and_cleaning_rota(people, shifts, client_for):
    team = [people.picker, people.packer, people.verifier]
    assert rotate_duty(actor=people.wh_boss, kind="cleaning", people=team, first=OCT1,
                       last=OCT31) == 18
    days = list(DutyAssignment.objects.filter(kind="cleaning").order_by("day")
                .values_list("day", "person_id"))
    assert days[0] == (date(2026, 10, 8), people.picker.pk)
    assert days[1] == (date(2026, 10, 9), people.packer.pk)
    assert days[2] == (date(2026, 10, 10), people.verifier.pk)
    assign_duty(actor=people.wh_boss, day=OCT1, kind="duty", person=people.wh_boss)
    assign_duty(actor=people.wh_boss, day=OCT1, kind="duty", person=people.wh_boss)
    assert DutyAssignment.objects.filter(kind="duty").count() == 1
    html = client_for(people.boss).get("/staff/roster/?month=2026-10").content.decode()
    assert "陈伟" in html and "10-01" in html
    assert clear_duty(actor=people.wh_boss, day=OCT1, kind="duty", person=people.wh_boss)
    assert not DutyAssignment.objects.filter(kind="duty").exists()
    with pytest.raises(UserError):
        assign_duty(actor=people.wh_boss, day=OCT1, kind="party", person=people.picker)


def test_hr1_shift_editing(people, client_for):
    with pytest.raises(PermissionDeniedError):
        save_shift(actor=people.wh_boss, code="day", name="白班", start=time(9),
                   end=time(18), break_minutes=60)
    shift = save_shift(actor=people.boss, code="day", name="白班", start=time(9, 0),
                       end=time(18, 0), break_minutes=45, posts=["picker", "packer"])
    assert (shift.start, shift.break_minutes, shift.posts) == (time(9), 45, ["packer", "picker"])
    event = Event.objects.get(verb="staff.shift_saved")
    assert event.changes["start"] == ["08:30:00", "09:00:00"]

    client = client_for(people.admin)
    response = client.post("/staff/shifts/save/", {
        "code": "weekend", "name": "周末班", "start": "09:00", "end": "15:00",
        "break_minutes": "30", "posts": ["presale_cs"], "active": "on"}, follow=True)
    assert "已保存班次 周末班。" in response.content.decode()
    assert Shift.objects.get(code="weekend").posts == ["presale_cs"]
    response = client.post("/staff/shifts/save/", {
        "code": "bad", "name": "坏班", "start": "09:00", "end": "10:00",
        "break_minutes": "60"}, follow=True)
    assert "休息时间应短于班次时长（60 分钟）" in response.content.decode()
    assert not Shift.objects.filter(code="bad").exists()
    page = client_for(people.packer).get("/staff/shifts/")
    assert page.status_code == 200 and "周末班" in page.content.decode()
    assert 'data-testid="shift-form"' not in page.content.decode()
    assert client_for(people.packer).post("/staff/shifts/save/", {}).status_code == 403


def test_hr2_refused_cell_change_keeps_the_cell(people, shifts, client_for):
    set_shift(actor=None, person=people.picker, day=date(2026, 11, 25), shift=shifts["day"])
    Shift.objects.filter(code="night").update(active=False)
    response = client_for(people.wh_boss).post(
        "/staff/roster/set/", {"person": people.picker.pk, "day": "2026-11-25",
                               "shift": "night"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'title="班次「夜班」已停用' in html
    assert '<option value="day" selected title="白班 08:30–17:30">白班</option>' in html
    assert RosterEntry.objects.get(person=people.picker, day=date(2026, 11, 25)).shift.code == \
        "day"
