"""HR-4 旷工: detected from the roster, excused by leave, flagged at 3 in a row or 5 a month."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from shopops.core.models import Event
from shopops.staff.actions.absence import detect_absences
from shopops.staff.actions.attendance import clock_in
from shopops.staff.models import Absence, LeaveRequest, RosterEntry

MON = date(2026, 11, 2)


def _rota(person, shift, days):
    for day in days:
        RosterEntry.objects.create(person=person, day=day, shift=shift)


def _flags(person):
    return Event.objects.filter(verb="staff.dismissal_flag", object_id=str(person.pk))


def test_hr4_absence_deducts_the_days_pay(people, shifts):
    _rota(people.cs, shifts["cs_early"], [MON])
    _rota(people.cs2, shifts["cs_early"], [MON])
    RosterEntry.objects.create(person=people.picker, day=MON, shift=None)  # rest day
    clock_in(actor=people.cs2, at=timezone.make_aware(datetime(2026, 11, 2, 8, 20)))
    assert detect_absences(day=MON) == 1
    absence = Absence.objects.get()
    assert (absence.person, absence.deduction_fen, absence.excused) == (people.cs, 15000, False)
    assert detect_absences(day=MON) == 0  # run twice, recorded once
    assert Event.objects.filter(verb="staff.absent").count() == 1


def test_hr4_leave_prevents_the_absence(people, shifts):
    _rota(people.cs, shifts["cs_early"], [MON])
    _rota(people.cs2, shifts["cs_early"], [MON])
    start = timezone.make_aware(datetime(2026, 11, 2))
    LeaveRequest.objects.create(person=people.cs, start=start, end=start + timedelta(days=1),
                                hours=8, reason="年假", state=LeaveRequest.State.APPROVED)
    LeaveRequest.objects.create(person=people.cs2, start=start, end=start + timedelta(days=1),
                                hours=8, reason="急病", emergency=True)  # pending emergency
    assert detect_absences(day=MON) == 0
    assert not Absence.objects.exists()


def test_hr4_pending_ordinary_leave_does_not_excuse(people, shifts):
    _rota(people.cs, shifts["cs_early"], [MON])
    start = timezone.make_aware(datetime(2026, 11, 2))
    LeaveRequest.objects.create(person=people.cs, start=start, end=start + timedelta(days=1),
                                hours=8, reason="私事")
    assert detect_absences(day=MON) == 1


def test_hr4_third_consecutive_absence_flags_the_person(people, shifts):
    # Thu, Fri, (weekend rest), Mon: rest days do not break the run
    days = [MON - timedelta(days=4), MON - timedelta(days=3), MON]
    _rota(people.cs, shifts["cs_early"], days)
    RosterEntry.objects.create(person=people.cs, day=MON - timedelta(days=2), shift=None)
    detect_absences(day=days[0])
    detect_absences(day=days[1])
    assert not _flags(people.cs).exists()  # the second does not
    detect_absences(day=days[2])
    flag = _flags(people.cs).get()
    assert flag.summary == "刘洋 连续旷工 3 天，按规定作自动离职处理，请处理"
    assert people.boss.notifications.filter(title=flag.summary).count() == 1
    # a fourth day does not flag again the same month
    _rota(people.cs, shifts["cs_early"], [MON + timedelta(days=1)])
    detect_absences(day=MON + timedelta(days=1))
    assert _flags(people.cs).count() == 1


def test_hr4_a_day_at_work_breaks_the_run(people, shifts):
    days = [MON, MON + timedelta(days=1), MON + timedelta(days=2)]
    _rota(people.cs, shifts["cs_early"], days)
    detect_absences(day=days[0])
    clock_in(actor=people.cs, at=timezone.make_aware(datetime(2026, 11, 3, 8, 25)))
    detect_absences(day=days[1])
    detect_absences(day=days[2])
    assert Absence.objects.count() == 2
    assert not _flags(people.cs).exists()


def test_hr4_five_absences_in_a_month_flag(people, shifts):
    # absent every other rostered day: never 3 in a row, the fifth flags
    days = [MON + timedelta(days=n) for n in range(10)]
    _rota(people.cs, shifts["cs_early"], days)
    for n, day in enumerate(days[:9]):
        if n % 2:
            clock_in(actor=people.cs, at=timezone.make_aware(
                datetime(day.year, day.month, day.day, 8, 20)))
        detect_absences(day=day)
        if n == 6:
            assert not _flags(people.cs).exists()  # four so far
    flag = _flags(people.cs).get()
    assert flag.summary == "刘洋 本月旷工 5 天，按规定作自动离职处理，请处理"
    assert flag.data["in_month"] == 5


def test_hr4_excused_absence_does_not_count(people, shifts):
    days = [MON, MON + timedelta(days=1), MON + timedelta(days=2)]
    _rota(people.cs, shifts["cs_early"], days)
    detect_absences(day=days[0])
    Absence.objects.filter(day=days[0]).update(excused=True)
    detect_absences(day=days[1])
    detect_absences(day=days[2])
    assert not _flags(people.cs).exists()


def test_hr4_job_checks_yesterday(people, shifts):
    from shopops.core.periodic import PERIODIC

    yesterday = timezone.localdate() - timedelta(days=1)
    _rota(people.cs, shifts["cs_early"], [yesterday])
    PERIODIC["staff.absence_check"].run()
    assert Absence.objects.get().day == yesterday
