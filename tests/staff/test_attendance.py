"""HR-3 attendance: clocking in and out, lateness, early leaving, overnight shifts, the
monthly sheet and the device API; 出门证 by the hour."""

import json
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event
from shopops.staff.actions import attendance as actions
from shopops.staff.models import Absence, Attendance, OutPass, Penalty, RosterEntry

DAY = date(2026, 11, 16)  # a Monday


def at(day, hh, mm, ss=0):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hh, mm, ss))


def roster(person, day, shift):
    return RosterEntry.objects.create(person=person, day=day, shift=shift)


def test_hr3_late_by_one_minute_proposes_a_penalty(people, shifts):
    roster(people.cs, DAY, shifts["cs_early"])  # 08:30
    row = actions.clock_in(actor=people.cs, at=at(DAY, 8, 31, 20))
    assert (row.day, row.shift.code, row.late_minutes) == (DAY, "cs_early", 1)
    penalty = Penalty.objects.get(person=people.cs)
    assert penalty.state == Penalty.State.PROPOSED
    assert penalty.offence.code == "late_early"
    assert penalty.amount_fen == 1000
    assert penalty.source == f"attendance:{row.pk}:late"
    assert penalty.evidence == "上班打卡 08:31，班次 08:30 开始，迟到 1 分钟"
    assert Event.objects.filter(verb="staff.late", object_id=str(row.pk)).count() == 1


def test_hr3_on_time_has_no_penalty(people, shifts):
    roster(people.cs, DAY, shifts["cs_early"])
    row = actions.clock_in(actor=people.cs, at=at(DAY, 8, 30, 59))
    assert row.late_minutes == 0
    assert not Penalty.objects.exists()
    assert not Event.objects.filter(verb="staff.late").exists()


def test_hr3_grace_minutes_setting(people, shifts, settings):
    from shopops.core.models import SettingValue

    SettingValue.objects.create(key="staff.late_grace_minutes", value=5)
    from shopops.core.registry import clear_cache

    clear_cache()
    roster(people.cs, DAY, shifts["cs_early"])
    assert actions.clock_in(actor=people.cs, at=at(DAY, 8, 35)).late_minutes == 0
    roster(people.cs2, DAY, shifts["cs_early"])
    assert actions.clock_in(actor=people.cs2, at=at(DAY, 8, 36)).late_minutes == 6


def test_hr3_no_roster_uses_the_office_shift(people, shifts):
    row = actions.clock_in(actor=people.reviewer, at=at(DAY, 8, 7))
    assert row.shift.code == "office"
    assert row.late_minutes == 7
    assert Penalty.objects.get().evidence == "上班打卡 08:07，班次 08:00 开始，迟到 7 分钟"


def test_hr3_rest_day_on_roster_is_never_late(people, shifts):
    RosterEntry.objects.create(person=people.cs, day=DAY, shift=None)
    row = actions.clock_in(actor=people.cs, at=at(DAY, 11, 0))
    assert (row.shift, row.late_minutes) == (None, 0)


def test_hr3_double_clock_in_is_refused_and_the_first_stands(people, shifts):
    roster(people.cs, DAY, shifts["cs_early"])
    actions.clock_in(actor=people.cs, at=at(DAY, 8, 20))
    with pytest.raises(UserError) as exc:
        actions.clock_in(actor=people.cs, at=at(DAY, 8, 45))
    assert exc.value.code == "already_clocked_in"
    assert "08:20" in str(exc.value)
    row = Attendance.objects.get(person=people.cs)
    assert (timezone.localtime(row.clock_in).minute, row.late_minutes) == (20, 0)
    assert not Penalty.objects.exists()


def test_hr3_clock_out_before_clock_in_is_refused(people, shifts):
    with pytest.raises(UserError) as exc:
        actions.clock_out(actor=people.cs, at=at(DAY, 18, 0))
    assert exc.value.code == "not_clocked_in"
    assert not Attendance.objects.exists()


def test_hr3_early_leaving_and_the_last_clock_out_stands(people, shifts):
    roster(people.cs, DAY, shifts["cs_early"])  # ends 18:30
    actions.clock_in(actor=people.cs, at=at(DAY, 8, 25))
    row = actions.clock_out(actor=people.cs, at=at(DAY, 18, 10))
    assert row.early_minutes == 20
    penalty = Penalty.objects.get(source=f"attendance:{row.pk}:early")
    assert penalty.evidence == "下班打卡 18:10，班次 18:30 结束，早退 20 分钟"
    assert Event.objects.filter(verb="staff.early").count() == 1
    # went back to work and clocked out again at the end of the shift
    row = actions.clock_out(actor=people.cs, at=at(DAY, 18, 31))
    assert row.early_minutes == 0
    penalty.refresh_from_db()
    assert penalty.state == Penalty.State.REJECTED
    assert "系统撤回" in penalty.decision_note


def test_hr3_overnight_shift_clock_out_after_midnight_belongs_to_the_start_day(people, shifts):
    roster(people.packer, DAY, shifts["night"])  # 17:00–01:00
    actions.clock_in(actor=people.packer, at=at(DAY, 16, 58))
    row = actions.clock_out(actor=people.packer, at=at(DAY + timedelta(days=1), 0, 40))
    assert row.day == DAY
    assert row.early_minutes == 20
    assert Attendance.objects.count() == 1
    row = actions.clock_out(actor=people.packer, at=at(DAY + timedelta(days=1), 1, 2))
    assert (row.day, row.early_minutes) == (DAY, 0)


def test_hr3_overnight_late_arrival_after_midnight(people, shifts):
    roster(people.packer, DAY, shifts["night"])
    row = actions.clock_in(actor=people.packer, at=at(DAY + timedelta(days=1), 0, 10))
    assert row.day == DAY
    assert row.late_minutes == 430


def test_hr3_correct_attendance_needs_the_capability_and_a_reason(people, shifts):
    roster(people.cs, DAY, shifts["cs_early"])
    Absence.objects.create(person=people.cs, day=DAY, deduction_fen=15000)
    with pytest.raises(PermissionDeniedError):
        actions.correct_attendance(actor=people.cs2, person=people.cs, day=DAY,
                                   clock_in=at(DAY, 8, 30), clock_out=None, reason="忘记打卡")
    with pytest.raises(UserError) as exc:
        actions.correct_attendance(actor=people.boss, person=people.cs, day=DAY,
                                   clock_in=at(DAY, 8, 30), clock_out=None, reason=" ")
    assert exc.value.code == "reason_required"
    row = actions.correct_attendance(actor=people.boss, person=people.cs, day=DAY,
                                     clock_in=at(DAY, 8, 40), clock_out=at(DAY, 18, 30),
                                     reason="考勤机故障")
    assert (row.source, row.late_minutes, row.early_minutes) == ("manual", 10, 0)
    assert Absence.objects.get().excused is True
    event = Event.objects.get(verb="staff.attendance_corrected")
    assert "考勤机故障" in event.summary
    assert Penalty.objects.get().evidence == "上班打卡 08:40，班次 08:30 开始，迟到 10 分钟"


def test_hr4_out_pass_counts_by_started_hour(people):
    start = at(DAY, 14, 0)
    out_pass = actions.open_out_pass(actor=people.cs, person=people.cs, reason="去银行",
                                     start=start)
    with pytest.raises(UserError) as exc:
        actions.open_out_pass(actor=people.cs, person=people.cs, reason="再出去")
    assert exc.value.code == "pass_open"
    out_pass = actions.close_out_pass(actor=people.cs, out_pass=out_pass,
                                      end=start + timedelta(minutes=61))
    assert actions.out_pass_hours(out_pass) == 2
    assert Event.objects.get(verb="staff.out_pass_closed").data["hours"] == 2
    with pytest.raises(UserError):
        actions.close_out_pass(actor=people.cs, out_pass=out_pass)
    with pytest.raises(PermissionDeniedError):
        actions.open_out_pass(actor=people.cs2, person=people.cs, reason="代登记")
    by_boss = actions.open_out_pass(actor=people.boss, person=people.cs, reason="送货")
    assert OutPass.objects.get(pk=by_boss.pk).approved_by == people.boss


def test_hr3_my_attendance_page_clock_in(people, shifts, client_for):
    client = client_for(people.cs)
    assert client.get("/staff/my-attendance/").status_code == 200
    response = client.post("/staff/my-attendance/", {"action": "in"}, follow=True)
    row = Attendance.objects.get(person=people.cs)
    text = response.content.decode()
    assert f"上班打卡 {timezone.localtime(row.clock_in):%H:%M}" in text
    response = client.post("/staff/my-attendance/", {"action": "in"}, follow=True)
    assert "不能重复打卡" in response.content.decode()


def test_hr3_attendance_sheet_shows_late_and_proposed_penalty(people, shifts, client_for,
                                                             django_assert_max_num_queries,
                                                             make_user):
    month = DAY.replace(day=1)
    for n in range(30):
        person = make_user(roles=["presale_cs"], username=f"cs{n:02d}")
        for d in range(3):
            day = month + timedelta(days=d)
            actions.clock_in(actor=person, at=at(day, 8, 5))
    roster(people.cs, DAY, shifts["cs_early"])
    actions.clock_in(actor=people.cs, at=at(DAY, 8, 37))
    client = client_for(people.boss)
    with django_assert_max_num_queries(15):
        response = client.get(f"/staff/attendance-sheet/?month={DAY:%Y-%m}&post=presale_cs")
    assert response.status_code == 200
    text = response.content.decode()
    assert "迟到 1 次 / 7 分钟" in text
    assert "待确认 1 笔" in text
    assert "迟到 3 次 / 15 分钟" in text
    assert client_for(people.cs).get("/staff/attendance-sheet/").status_code == 403


def test_hr3_device_api_clocks_the_person(people, shifts, client_for):
    roster(people.cs, DAY, shifts["cs_early"])
    device = client_for(people.admin)
    body = {"username": "liuyang", "action": "in", "at": at(DAY, 8, 33).isoformat()}
    response = device.post("/api/v1/staff/clock", json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["late_minutes"] == 3
    assert Attendance.objects.get(person=people.cs).source == "device"
    again = device.post("/api/v1/staff/clock", json.dumps(body), content_type="application/json")
    assert again.status_code == 400
    assert again.json()["code"] == "already_clocked_in"
    assert again.json()["message"] == "今天已于 08:33 上班打卡，不能重复打卡。"
    denied = client_for(people.cs2).post("/api/v1/staff/clock", json.dumps(body),
                                         content_type="application/json")
    assert denied.status_code == 403


def test_hr3_person_page_correction_by_the_manager(people, shifts, client_for):
    roster(people.packer, DAY, shifts["night"])
    url = f"/staff/attendance/{people.packer.pk}/?month={DAY:%Y-%m}"
    body = {"day": DAY.isoformat(), "clock_in": "17:05", "clock_out": "01:00",
            "reason": "考勤机断电"}
    assert client_for(people.finance).post(url, body).status_code == 403
    assert not Attendance.objects.exists()
    response = client_for(people.boss).post(url, body, follow=True)
    assert f"已补录 冯涛 {DAY} 的考勤。" in response.content.decode()
    row = Attendance.objects.get(person=people.packer)
    assert (row.late_minutes, row.early_minutes, row.source) == (5, 0, "manual")
    assert row.clock_out == at(DAY + timedelta(days=1), 1, 0)
    page = client_for(people.finance).get(url).content.decode()
    assert "迟到 5 分钟" in page and 'data-testid="correct-form"' not in page


def test_hr4_team_leave_list_query_count(people, client_for, django_assert_max_num_queries):
    from shopops.staff.models import LeaveRequest

    start = at(DAY, 9, 0)
    LeaveRequest.objects.bulk_create([
        LeaveRequest(person=people.cs if n % 2 else people.cs2, start=start, end=start,
                     hours=1, reason=f"事由{n}") for n in range(60)])
    client = client_for(people.boss)
    with django_assert_max_num_queries(14):
        response = client.get("/staff/leave-list/")
    text = response.content.decode()
    assert "事由59" in text and "第 1 / 2 页" in text


def test_hr4_out_pass_from_my_page(people, client_for, django_assert_max_num_queries):
    client = client_for(people.cs)
    response = client.post("/staff/my-attendance/", {"action": "pass_open", "reason": ""},
                           follow=True)
    assert "请填写外出事由。" in response.content.decode()
    client.post("/staff/my-attendance/", {"action": "pass_open", "reason": "去邮局"})
    out_pass = OutPass.objects.get(person=people.cs)
    other = client_for(people.cs2).post("/staff/my-attendance/",
                                        {"action": "pass_close", "pass": out_pass.pk})
    assert other.status_code == 404
    response = client.post("/staff/my-attendance/", {"action": "pass_close", "pass": out_pass.pk},
                           follow=True)
    assert "已登记返回，计 1 小时。" in response.content.decode()
    for n in range(25):
        actions.clock_in(actor=people.cs, at=at(DAY, 8, 0) - timedelta(days=n))
    with django_assert_max_num_queries(14):
        page = client.get("/staff/my-attendance/").content.decode()
    assert "去邮局" in page
