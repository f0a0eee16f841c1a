"""HR-5 meetings and trainings: morning meetings on working days, roll call with the
missed-meeting penalty, leave excuses, minutes, training results, the pages."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from shopops.core.actions.settings import change_setting
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.models import Event
from shopops.staff.actions import meetings as actions
from shopops.staff.models import (
    LeaveRequest,
    Meeting,
    MeetingAttendee,
    Penalty,
    RosterEntry,
    TrainingResult,
)

A = MeetingAttendee.Status


def at(day, hh, mm):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hh, mm))


def days(first, last):
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.fixture
def past_meeting(people):
    start = timezone.now() - timedelta(hours=2)
    return actions.schedule_meeting(
        actor=people.wh_boss, kind="weekly", title="仓库周会", starts_at=start, place="二楼会议室",
        people=[people.picker, people.packer, people.verifier])


def test_hr5_morning_meetings_only_on_working_days(people, shifts):
    # 2026 国庆: 10-01…10-07 off, Saturday 10-10 is a make-up working day (调休上班).
    for day in days(date(2026, 9, 28), date(2026, 10, 11)):
        RosterEntry.objects.create(person=people.picker, day=day, shift=shifts["office"])
        RosterEntry.objects.create(person=people.packer, day=day, shift=None)  # rest
    RosterEntry.objects.create(person=people.cs, day=date(2026, 9, 29), shift=shifts["cs_early"])
    created = actions.schedule_morning_meetings(actor=people.wh_boss, first=date(2026, 9, 28),
                                                last=date(2026, 10, 11))
    starts = [timezone.localtime(m.starts_at) for m in created]
    assert [s.date() for s in starts] == [date(2026, 9, 28), date(2026, 9, 29),
                                          date(2026, 9, 30), date(2026, 10, 8),
                                          date(2026, 10, 9), date(2026, 10, 10)]
    assert {(s.hour, s.minute) for s in starts} == {(8, 15)}
    assert {m.kind for m in created} == {Meeting.Kind.MORNING}
    invited = {timezone.localtime(m.starts_at).date(): sorted(
        m.attendees.values_list("person__username", flat=True)) for m in created}
    assert invited[date(2026, 9, 29)] == ["liuyang", "zhouqiang"]
    assert invited[date(2026, 9, 28)] == ["zhouqiang"]  # the packer rests; not invited


def test_hr5_morning_meetings_twice_adds_new_people_without_duplicates(people, shifts):
    day = date(2026, 11, 17)  # a Tuesday
    RosterEntry.objects.create(person=people.picker, day=day, shift=shifts["office"])
    first = actions.schedule_morning_meetings(actor=None, first=day, last=day)
    RosterEntry.objects.create(person=people.packer, day=day, shift=shifts["office"])
    again = actions.schedule_morning_meetings(actor=None, first=day, last=day)
    assert len(first) == 1 and again == []
    assert Meeting.objects.filter(kind="morning").count() == 1
    assert sorted(first[0].attendees.values_list("person__username", flat=True)) == [
        "fengtao", "zhouqiang"]


def test_hr5_morning_meeting_time_is_a_setting(people, shifts):
    day = date(2026, 11, 18)
    RosterEntry.objects.create(person=people.picker, day=day, shift=shifts["office"])
    change_setting(actor=people.admin, key="staff.morning_meeting_time", raw_value="08:45")
    created = actions.schedule_morning_meetings(actor=None, first=day, last=day)
    assert timezone.localtime(created[0].starts_at).strftime("%H:%M") == "08:45"


def test_hr5_schedule_by_post_invites_the_whole_post(people, make_user):
    second_picker = make_user(roles=["picker"], username="picker2", display_name="吴刚")
    meeting = actions.schedule_meeting(
        actor=people.boss, kind="training", title="新品验货培训",
        starts_at=timezone.now() + timedelta(days=1), posts=["picker", "verifier"],
        people=[people.packer])
    assert sorted(meeting.attendees.values_list("person__username", flat=True)) == [
        "fengtao", second_picker.username, "zhengjie", "zhouqiang"]
    assert set(meeting.attendees.values_list("status", flat=True)) == {A.EXPECTED}
    event = Event.objects.get(verb="staff.meeting_scheduled", object_id=str(meeting.pk))
    assert "安排培训「新品验货培训」" in event.summary and "4 人参加" in event.summary


def test_hr5_schedule_needs_title_and_invitees(people):
    with pytest.raises(UserError) as exc:
        actions.schedule_meeting(actor=people.boss, kind="weekly", title="周会",
                                 starts_at=timezone.now(), people=[])
    assert exc.value.code == "meeting_nobody"
    with pytest.raises(UserError) as exc:
        actions.schedule_meeting(actor=people.boss, kind="weekly", title=" ",
                                 starts_at=timezone.now(), people=[people.cs])
    assert exc.value.code == "meeting_title"
    assert not Meeting.objects.exists()


def test_hr5_only_roster_managers_schedule_and_take_attendance(people, past_meeting):
    with pytest.raises(PermissionDeniedError):
        actions.schedule_meeting(actor=people.picker, kind="weekly", title="周会",
                                 starts_at=timezone.now(), people=[people.cs])
    with pytest.raises(PermissionDeniedError):
        actions.take_attendance(actor=people.picker, meeting=past_meeting,
                                present=[people.picker])
    with pytest.raises(PermissionDeniedError):
        actions.schedule_morning_meetings(actor=people.cs, first=date(2026, 11, 16),
                                          last=date(2026, 11, 16))
    assert Meeting.objects.count() == 1
    assert set(past_meeting.attendees.values_list("status", flat=True)) == {A.EXPECTED}


def test_hr5_absent_gets_a_proposed_penalty(people, past_meeting):
    counts = actions.take_attendance(actor=people.wh_boss, meeting=past_meeting,
                                     present=[people.picker, people.verifier])
    assert counts == {"present": 2, "excused": 0, "absent": 1}
    status = dict(past_meeting.attendees.values_list("person__username", "status"))
    assert status == {"zhouqiang": A.PRESENT, "zhengjie": A.PRESENT, "fengtao": A.ABSENT}
    penalty = Penalty.objects.get()
    assert (penalty.person, penalty.offence.code, penalty.state, penalty.amount_fen) == (
        people.packer, "missed_meeting", Penalty.State.PROPOSED, 3000)
    assert penalty.source == f"meeting:{past_meeting.pk}:{people.packer.pk}"
    assert "周会「仓库周会」点名缺席" in penalty.evidence
    assert penalty.proposed_by is None
    assert penalty.occurred_on == timezone.localtime(past_meeting.starts_at).date()


def test_hr5_roll_call_again_neither_duplicates_nor_keeps_a_wrong_penalty(people, past_meeting):
    actions.take_attendance(actor=people.wh_boss, meeting=past_meeting, present=[people.picker])
    actions.take_attendance(actor=people.wh_boss, meeting=past_meeting, present=[people.picker])
    assert Penalty.objects.filter(state="proposed").count() == 2
    actions.take_attendance(actor=people.wh_boss, meeting=past_meeting,
                            present=[people.picker, people.packer])
    assert dict(Penalty.objects.values_list("person__username", "state")) == {
        "fengtao": Penalty.State.REJECTED, "zhengjie": Penalty.State.PROPOSED}


def test_hr5_excused_by_approved_leave_has_no_penalty(people, past_meeting):
    start = past_meeting.starts_at
    LeaveRequest.objects.create(person=people.packer, start=start - timedelta(hours=1),
                                end=start + timedelta(hours=3), hours=4, reason="看病",
                                kind="sick", state=LeaveRequest.State.APPROVED)
    LeaveRequest.objects.create(person=people.verifier, start=start - timedelta(hours=1),
                                end=start + timedelta(hours=3), hours=4, reason="私事",
                                state=LeaveRequest.State.PENDING)
    counts = actions.take_attendance(actor=people.wh_boss, meeting=past_meeting,
                                     present=[people.picker])
    assert counts == {"present": 1, "excused": 1, "absent": 1}
    status = dict(past_meeting.attendees.values_list("person__username", "status"))
    assert status["fengtao"] == A.EXCUSED
    assert status["zhengjie"] == A.ABSENT  # leave still pending is no excuse
    assert list(Penalty.objects.values_list("person__username", flat=True)) == ["zhengjie"]


def test_hr5_no_roll_call_before_the_meeting(people):
    meeting = actions.schedule_meeting(actor=people.boss, kind="other", title="年会筹备",
                                       starts_at=timezone.now() + timedelta(hours=1),
                                       people=[people.cs])
    with pytest.raises(UserError) as exc:
        actions.take_attendance(actor=people.boss, meeting=meeting, present=[])
    assert exc.value.code == "meeting_not_started"
    assert not Penalty.objects.exists()


def test_hr5_training_results_pass_by_the_setting(people):
    training = actions.schedule_meeting(
        actor=people.wh_boss, kind="training", title="扫码枪使用培训",
        starts_at=timezone.now() - timedelta(days=1), people=[people.picker, people.verifier])
    saved = actions.record_training_results(actor=people.wh_boss, meeting=training, results=[
        {"person": people.picker, "score": 85, "note": "熟练"},
        {"person": people.verifier.pk, "score": "59"}])
    assert [(r.person_id, r.score, r.passed) for r in saved] == [
        (people.picker.pk, 85, True), (people.verifier.pk, 59, False)]
    actions.record_training_results(actor=people.wh_boss, meeting=training,
                                    results=[{"person": people.verifier, "score": 60}])
    assert TrainingResult.objects.get(person=people.verifier).passed is True
    assert TrainingResult.objects.count() == 2
    event = Event.objects.filter(verb="staff.training_results").first()
    assert event.summary == "登记培训「扫码枪使用培训」成绩 1 人，合格 1 人"


@pytest.mark.parametrize("score", [101, -1, "八十", ""])
def test_hr5_training_score_out_of_range_is_refused(people, score):
    training = actions.schedule_meeting(
        actor=people.wh_boss, kind="training", title="打包培训",
        starts_at=timezone.now() - timedelta(days=1), people=[people.packer])
    with pytest.raises(UserError) as exc:
        actions.record_training_results(actor=people.wh_boss, meeting=training,
                                        results=[{"person": people.packer, "score": score}])
    assert exc.value.code == "training_score"
    assert not TrainingResult.objects.exists()


def test_hr5_results_only_for_trainings_and_invitees(people, past_meeting):
    with pytest.raises(UserError) as exc:
        actions.record_training_results(actor=people.wh_boss, meeting=past_meeting,
                                        results=[{"person": people.picker, "score": 90}])
    assert exc.value.code == "training_only"
    training = actions.schedule_meeting(
        actor=people.wh_boss, kind="training", title="打包培训",
        starts_at=timezone.now() - timedelta(days=1), people=[people.packer])
    with pytest.raises(UserError) as exc:
        actions.record_training_results(actor=people.wh_boss, meeting=training,
                                        results=[{"person": people.cs, "score": 90}])
    assert exc.value.code == "training_person"


def test_hr5_minutes_by_host_or_manager(people):
    meeting = actions.schedule_meeting(
        actor=people.boss, kind="weekly", title="客服周会", host=people.cs_boss,
        starts_at=timezone.now() - timedelta(hours=1), people=[people.cs, people.cs2])
    actions.record_minutes(actor=people.cs_boss, meeting=meeting, minutes="  本周差评 3 条  ")
    meeting.refresh_from_db()
    assert meeting.minutes == "本周差评 3 条"
    with pytest.raises(PermissionDeniedError):
        actions.record_minutes(actor=people.cs, meeting=meeting, minutes="改掉")
    with pytest.raises(UserError) as exc:
        actions.record_minutes(actor=people.boss, meeting=meeting, minutes=" ")
    assert exc.value.code == "meeting_minutes"
    meeting.refresh_from_db()
    assert meeting.minutes == "本周差评 3 条"


def test_hr5_morning_meetings_of_the_coming_week_are_scheduled_by_the_daily_job(people, shifts):
    from shopops.core.periodic import PERIODIC
    from shopops.staff.jobs_meetings import JOB

    monday = date(2026, 11, 16)
    for day in days(monday, monday + timedelta(days=9)):
        RosterEntry.objects.create(person=people.picker, day=day, shift=shifts["office"])
    now = at(monday, 6, 0)
    created = PERIODIC[JOB].run(now)
    # Monday…Friday of that week; the weekend is not a working day; the next Monday is
    # beyond the 7 days ahead (setting) and comes with a later run.
    assert [timezone.localtime(m.starts_at).date() for m in created] == days(
        monday, monday + timedelta(days=4))
    assert PERIODIC[JOB].run(now) == []  # the next run adds nothing twice
    later = PERIODIC[JOB].run(at(monday + timedelta(days=1), 6, 0))
    assert [timezone.localtime(m.starts_at).date() for m in later] == [monday + timedelta(days=7)]
    first_run = PERIODIC[JOB].next_run(at(monday, 5, 0))
    assert timezone.localtime(first_run) == at(monday, 6, 0)
