"""HR-4 leave: notice, reason, approval through the manager, rejection, withdrawal."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from shopops.core.actions.approvals import approve_proposal, reject_proposal
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event, Proposal
from shopops.staff.actions.leave import request_leave, withdraw_leave
from shopops.staff.calendar import working_days
from shopops.staff.models import Absence, LeaveRequest, RosterEntry


def _next_working_day(after_days):
    day = timezone.localdate() + timedelta(days=after_days)
    return working_days(day, day + timedelta(days=14))[0]


def test_hr4_leave_by_day_goes_to_the_manager(people):
    day = _next_working_day(2)
    leave = request_leave(actor=people.cs, kind="personal", start=day, end=day, reason="家里有事")
    assert leave.state == LeaveRequest.State.PENDING
    assert leave.hours == 8
    assert leave.person == people.cs
    assert timezone.localtime(leave.start).date() == day
    proposal = leave.proposal
    assert proposal.kind == "staff_leave"
    assert proposal.state == Proposal.State.PENDING
    assert proposal.current_step["roles"] == ["manager"]
    with pytest.raises(PermissionDeniedError):
        approve_proposal(actor=people.cs_boss, proposal=proposal)
    approve_proposal(actor=people.boss, proposal=proposal)
    leave.refresh_from_db()
    assert leave.state == LeaveRequest.State.APPROVED
    assert Event.objects.filter(verb="staff.leave_approved", object_id=str(leave.pk)).exists()


def test_hr4_leave_less_than_a_day_ahead_is_refused_unless_emergency(people):
    today = timezone.localdate()
    # A whole day needs today to be a working day (a Sunday run would fail for that reason
    # instead); by the hour the notice rule is the first thing the request meets.
    start = timezone.make_aware(datetime.combine(today, time(9, 0)))
    with pytest.raises(UserError) as exc:
        request_leave(actor=people.cs, kind="personal", start=start,
                      end=start + timedelta(hours=2), reason="看病")
    assert exc.value.code == "too_late"
    assert "至少提前 1 天" in str(exc.value)
    assert not LeaveRequest.objects.exists()
    tomorrow = _next_working_day(0)
    if tomorrow == today:  # a working day: the whole day is refused too
        with pytest.raises(UserError) as exc:
            request_leave(actor=people.cs, kind="personal", start=today, end=today,
                          reason="看病")
        assert exc.value.code == "too_late"
    leave = request_leave(actor=people.cs, kind="sick", start=start,
                          end=start + timedelta(hours=2, minutes=10), reason="急诊",
                          emergency=True)
    assert (leave.emergency, leave.hours) == (True, 2.5)


def test_hr4_reason_is_required(people):
    day = _next_working_day(2)
    with pytest.raises(UserError) as exc:
        request_leave(actor=people.cs, kind="personal", start=day, end=day, reason="  ")
    assert exc.value.code == "reason_required"
    assert not LeaveRequest.objects.exists()
    assert not Proposal.objects.exists()


def test_hr4_overlapping_request_refused(people):
    day = _next_working_day(2)
    request_leave(actor=people.cs, kind="personal", start=day, end=day, reason="家里有事")
    with pytest.raises(UserError) as exc:
        request_leave(actor=people.cs, kind="annual", start=day, end=day, reason="再请一次")
    assert exc.value.code == "overlap"


def test_hr4_rejection_and_withdrawal(people):
    day = _next_working_day(2)
    leave = request_leave(actor=people.cs, kind="personal", start=day, end=day, reason="私事")
    reject_proposal(actor=people.boss, proposal=leave.proposal, comment="旺季不批")
    leave.refresh_from_db()
    assert leave.state == LeaveRequest.State.REJECTED
    other = request_leave(actor=people.cs, kind="personal", start=day, end=day, reason="私事")
    with pytest.raises(PermissionDeniedError):
        withdraw_leave(actor=people.cs2, leave=other)
    other = withdraw_leave(actor=people.cs, leave=other)
    assert other.state == LeaveRequest.State.WITHDRAWN
    assert other.proposal.state == Proposal.State.WITHDRAWN
    with pytest.raises(UserError):
        withdraw_leave(actor=people.cs, leave=other)


def test_hr4_approved_emergency_leave_excuses_the_absence(people, shifts):
    yesterday = timezone.localdate() - timedelta(days=1)
    RosterEntry.objects.create(person=people.cs, day=yesterday, shift=shifts["cs_early"])
    Absence.objects.create(person=people.cs, day=yesterday, deduction_fen=15000)
    leave = request_leave(actor=people.cs, kind="sick", start=yesterday, end=yesterday,
                          reason="发烧，昨天已电话请假", emergency=True)
    approve_proposal(actor=people.boss, proposal=leave.proposal)
    assert Absence.objects.get().excused is True
    assert Event.objects.get(verb="staff.leave_approved").data["excused_absences"] == 1


def test_hr4_leave_page_form_and_team_list(people, client_for):
    day = _next_working_day(2)
    client = client_for(people.cs)
    assert client.get("/staff/leave-list/").status_code == 200
    response = client.post("/staff/leave-list/", {"kind": "personal", "mode": "day",
                                                  "start_date": day.isoformat(), "reason": ""})
    assert response.status_code == 400
    assert "请填写请假事由" in response.content.decode()
    response = client.post("/staff/leave-list/", {
        "kind": "personal", "mode": "hour", "start_date": day.isoformat(),
        "start_time": "14:00", "end_time": "16:00", "reason": "办证"}, follow=True)
    assert "请假申请已提交，等待部门经理审批。" in response.content.decode()
    assert LeaveRequest.objects.get().hours == 2
    boss_page = client_for(people.boss).get("/staff/leave-list/").content.decode()
    assert 'data-testid="team-leaves"' in boss_page and "办证" in boss_page
    assert 'data-testid="team-leaves"' not in client.get("/staff/leave-list/").content.decode()


def test_hr4_leave_days_follow_the_roster_then_the_calendar(people, shifts):
    first = _next_working_day(3)
    while first.weekday() != 0:  # from a Monday: Mon–Sun = 5 calendar working days…
        first += timedelta(days=1)
    last = first + timedelta(days=6)
    expected = len(working_days(first, last))
    RosterEntry.objects.create(person=people.cs, day=first, shift=None)  # …minus a rota rest
    for weekend in (last - timedelta(days=1), last):  # …plus the weekend rota
        RosterEntry.objects.create(person=people.cs, day=weekend, shift=shifts["cs_early"])
    leave = request_leave(actor=people.cs, kind="annual", start=first, end=last, reason="探亲")
    assert leave.hours == (expected - 1 + 2) * 8
