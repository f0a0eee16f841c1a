"""Meetings and trainings (HR-5): scheduling (by person or by whole post), the working-day
morning meetings, taking attendance, minutes and training results. Somebody absent without
approved leave gets a proposed penalty (处罚条例 missed_meeting) for the manager to confirm."""

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from shopops.accounts.models import User
from shopops.core.access import require, user_can
from shopops.core.errors import UserError
from shopops.core.events import record
from shopops.core.registry import setting

from ..calendar import working_days
from ..models import (
    LeaveRequest,
    Meeting,
    MeetingAttendee,
    Offence,
    Penalty,
    RosterEntry,
    TrainingResult,
)
from ..queries_roster import post_members
from .penalties import propose_penalty

A = MeetingAttendee.Status
CAP = "staff.manage_roster"


def _name(user):
    return getattr(user, "display_name", "") or user.get_username()


def _ids(people) -> set[int]:
    return {getattr(p, "pk", p) for p in people or () if getattr(p, "pk", p)}


@transaction.atomic
def schedule_meeting(*, actor, kind, title, starts_at, place="", host=None, people=(),
                     posts=()) -> Meeting:
    """Schedule a meeting or training; invitees are the people given plus everybody holding
    one of `posts` on that day."""
    require(actor, CAP)
    title = (title or "").strip()
    if kind not in Meeting.Kind.values:
        raise UserError("meeting_kind", "未知的会议类型：{kind}", "Unknown meeting kind: {kind}",
                        kind=kind)
    if not title:
        raise UserError("meeting_title", "请填写会议主题。", "Give the meeting a title.")
    if starts_at is None:
        raise UserError("meeting_time", "请填写开始时间。", "Give the start time.")
    day = timezone.localtime(starts_at).date()
    invited = _ids(people)
    for member in post_members(day, posts).values() if posts else ():
        invited |= member["people"]
    if not invited:
        raise UserError("meeting_nobody", "请选择参会人员或岗位。",
                        "Choose the people or posts to invite.")
    meeting = Meeting.objects.create(kind=kind, title=title[:100], starts_at=starts_at,
                                     place=(place or "")[:100], host=host, created_by=actor)
    MeetingAttendee.objects.bulk_create(
        [MeetingAttendee(meeting=meeting, person_id=pk) for pk in sorted(invited)])
    record(actor=actor, verb="staff.meeting_scheduled", obj=meeting,
           summary=f"安排{meeting.get_kind_display()}「{title}」："
                   f"{timezone.localtime(starts_at):%Y-%m-%d %H:%M}，{len(invited)} 人参加",
           data={"kind": kind, "starts_at": starts_at, "people": sorted(invited),
                 "posts": list(posts or ())})
    return meeting


@transaction.atomic
def schedule_morning_meetings(*, actor, first: date, last: date) -> list[Meeting]:
    """The 晨会 of every working day from `first` to `last` for everybody rostered to work
    that day. Running it again adds people rostered since, without duplicating meetings."""
    if actor is not None:
        require(actor, CAP)
    if last < first or (last - first).days > 92:
        raise UserError("meeting_range", "日期范围无效（最多 93 天）。",
                        "Invalid date range (93 days at most).")
    at = setting("staff.morning_meeting_time")
    days = working_days(first, last)
    rostered: dict[date, set[int]] = {}
    for day, person_id in RosterEntry.objects.filter(
            day__in=days, shift__isnull=False, person__is_active=True).values_list(
            "day", "person_id"):
        rostered.setdefault(day, set()).add(person_id)
    tz = timezone.get_current_timezone()
    starts = {day: timezone.make_aware(datetime.combine(day, at), tz) for day in rostered}
    existing = {timezone.localtime(m.starts_at).date(): m for m in Meeting.objects.filter(
        kind=Meeting.Kind.MORNING, starts_at__in=list(starts.values()))}
    created = []
    for day in sorted(rostered):
        meeting = existing.get(day)
        if meeting is None:
            try:
                with transaction.atomic():
                    meeting = Meeting.objects.create(
                        kind=Meeting.Kind.MORNING, title=f"{day:%m-%d} 晨会",
                        starts_at=starts[day], created_by=actor)
            except IntegrityError:  # a concurrent run created it
                meeting = Meeting.objects.get(kind=Meeting.Kind.MORNING, starts_at=starts[day])
            else:
                created.append(meeting)
        if meeting.attendance_taken_at is None:
            MeetingAttendee.objects.bulk_create(
                [MeetingAttendee(meeting=meeting, person_id=pk) for pk in sorted(rostered[day])],
                ignore_conflicts=True)
    record(actor=actor, verb="staff.morning_meetings_scheduled", obj=None,
           object_type="staff.meeting",
           summary=f"安排晨会 {first:%Y-%m-%d}–{last:%Y-%m-%d}：新建 {len(created)} 场",
           data={"first": first, "last": last, "created": [m.pk for m in created]})
    return created


def _on_leave(meeting, person_ids) -> set[int]:
    return set(LeaveRequest.objects.filter(
        person_id__in=person_ids, state=LeaveRequest.State.APPROVED,
        start__lte=meeting.starts_at, end__gt=meeting.starts_at).values_list(
        "person_id", flat=True))


def _source(meeting, person_id):
    return f"meeting:{meeting.pk}:{person_id}"


def _propose_for_absence(meeting, person):
    offence = Offence.objects.filter(code="missed_meeting", active=True).first()
    source = _source(meeting, person.pk)
    if offence is None or Penalty.objects.filter(person=person, offence=offence,
                                                 source=source).exists():
        return None
    local = timezone.localtime(meeting.starts_at)
    evidence = (f"{local:%Y-%m-%d %H:%M} {meeting.get_kind_display()}「{meeting.title}」"
                f"点名缺席，无已批准的请假")
    try:
        with transaction.atomic():
            return propose_penalty(actor=None, person=person, offence=offence,
                                   occurred_on=local.date(), evidence=evidence, source=source)
    except IntegrityError:  # proposed by a concurrent roll call
        return None


def _withdraw_penalties(meeting, person_ids):
    """A corrected roll call: a still-unconfirmed missed-meeting penalty is withdrawn."""
    sources = [_source(meeting, pk) for pk in person_ids]
    if sources:
        Penalty.objects.filter(source__in=sources, state=Penalty.State.PROPOSED).update(
            state=Penalty.State.REJECTED, decided_at=timezone.now(),
            decision_note="点名已更正，不再按缺席处理（系统撤回）")


@transaction.atomic
def take_attendance(*, actor, meeting, present) -> dict[str, int]:
    """Roll call: `present` came; every other invitee is absent, or excused when on approved
    leave at the meeting's time. May be repeated to correct it."""
    require(actor, CAP)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.starts_at > timezone.now():
        raise UserError("meeting_not_started", "会议还没开始，不能点名。",
                        "The meeting has not started yet; attendance cannot be taken.")
    present_ids = _ids(present)
    invited = set(meeting.attendees.values_list("person_id", flat=True))
    extra = present_ids - invited
    if extra:  # came without an invitation
        MeetingAttendee.objects.bulk_create(
            [MeetingAttendee(meeting=meeting, person_id=pk) for pk in sorted(extra)])
    others = invited - present_ids
    excused = _on_leave(meeting, others)
    absent = others - excused
    rows = MeetingAttendee.objects.filter(meeting=meeting)
    for status, ids in ((A.PRESENT, present_ids), (A.EXCUSED, excused), (A.ABSENT, absent)):
        rows.filter(person_id__in=ids).update(status=status, noted_by=actor)
    meeting.attendance_taken_at = timezone.now()
    meeting.save(update_fields=["attendance_taken_at"])
    _withdraw_penalties(meeting, present_ids | excused)
    for person in User.objects.filter(pk__in=absent).order_by("pk"):
        _propose_for_absence(meeting, person)
    counts = {"present": len(present_ids), "excused": len(excused), "absent": len(absent)}
    record(actor=actor, verb="staff.meeting_attendance", obj=meeting,
           summary=f"{meeting.get_kind_display()}「{meeting.title}」点名：出席 {counts['present']} 人，"
                   f"请假 {counts['excused']} 人，缺席 {counts['absent']} 人",
           data={**counts, "absent_ids": sorted(absent), "excused_ids": sorted(excused)})
    return counts


@transaction.atomic
def record_minutes(*, actor, meeting, minutes) -> Meeting:
    """The host or whoever manages rosters writes the minutes (会议纪要)."""
    if not (actor is not None and actor.pk == meeting.host_id):
        require(actor, CAP)
    text = (minutes or "").strip()
    if not text:
        raise UserError("meeting_minutes", "请填写会议纪要。", "Write the minutes.")
    before = meeting.minutes
    Meeting.objects.filter(pk=meeting.pk).update(minutes=text)
    meeting.minutes = text
    record(actor=actor, verb="staff.meeting_minutes", obj=meeting,
           summary=f"记录「{meeting.title}」会议纪要（{len(text)} 字）",
           changes={"minutes": [before[:200], text[:200]]} if before != text else None)
    return meeting


@transaction.atomic
def record_training_results(*, actor, meeting, results) -> list[TrainingResult]:
    """Scores of a training (0–100); passed when at or above staff.training_pass_score.
    `results` is a list of {"person": user or id, "score": int, "note": str}; a person's
    earlier result is replaced."""
    require(actor, CAP)
    if meeting.kind != Meeting.Kind.TRAINING:
        raise UserError("training_only", "只有培训才能登记成绩。",
                        "Results are recorded for trainings only.")
    invited = set(meeting.attendees.values_list("person_id", flat=True))
    pass_score = setting("staff.training_pass_score")
    saved = []
    for row in results:
        person_id = getattr(row["person"], "pk", row["person"])
        try:
            score = int(row["score"])
        except (TypeError, ValueError):
            score = -1
        if not 0 <= score <= 100:
            raise UserError("training_score", "成绩必须是 0–100 的整数。",
                            "A score is a whole number from 0 to 100.")
        if person_id not in invited:
            raise UserError("training_person", "该员工不在本次培训名单中。",
                            "That person is not on this training's list.")
        result, _ = TrainingResult.objects.update_or_create(
            meeting=meeting, person_id=person_id,
            defaults={"score": score, "passed": score >= pass_score,
                      "note": (row.get("note") or "")[:200]})
        saved.append(result)
    if not saved:
        raise UserError("training_empty", "请至少填写一个成绩。", "Enter at least one score.")
    passed = sum(1 for r in saved if r.passed)
    record(actor=actor, verb="staff.training_results", obj=meeting,
           summary=f"登记培训「{meeting.title}」成绩 {len(saved)} 人，合格 {passed} 人",
           data={"results": [{"person": r.person_id, "score": r.score, "passed": r.passed}
                             for r in saved], "pass_score": pass_score})
    return saved


def can_manage(user) -> bool:
    return user_can(user, CAP)
