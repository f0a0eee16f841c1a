"""HR-KPI measures beside the points: task completion (deadlines met on time) and error
rate (deductions and confirmed penalties per 100 operations), for every post."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from shopops.core.models import Deadline, Event
from shopops.staff.metrics import month_measures
from shopops.staff.models import Offence, Penalty, ScoreEntry

OCT = date(2026, 10, 1)


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=hour)


def _deadline(owner, due, state):
    return Deadline.objects.create(title="审单", subject_type="orders.order", subject_id="1",
                                   owner=owner, due_at=due, action="notify", state=state)


def test_hrkpi_task_completion_and_error_rate(people, client_for, make_user,
                                              django_assert_max_num_queries):
    reviewer = people.reviewer
    _deadline(reviewer, _at(date(2026, 10, 3)), "met")
    _deadline(reviewer, _at(date(2026, 10, 9)), "met")
    _deadline(reviewer, _at(date(2026, 10, 20)), "fired")
    _deadline(reviewer, _at(date(2026, 10, 21)), "cancelled")  # not counted
    _deadline(reviewer, _at(date(2026, 11, 2)), "fired")  # another month
    # The event log is append-only: past events are written with their time directly.
    for n in range(4):
        Event.objects.create(at=_at(date(2026, 10, 5 + n)), actor=reviewer, actor_name="赵敏",
                             verb="order.reviewed", object_type="orders.order",
                             object_id=str(n))
    Event.objects.create(at=_at(date(2026, 10, 5)), actor=reviewer, actor_name="赵敏",
                         verb="deadline.met", object_type="orders.order", object_id="9")
    ScoreEntry.objects.create(person=reviewer, month=OCT, rule="FUL-1.same_day", points=-5,
                              note="x")
    ScoreEntry.objects.create(person=reviewer, month=OCT, rule="FUL-1.reward",
                              reward_fen=10000, note="y")  # a reward is no error
    late = Offence.objects.get(code="late_early")
    Penalty.objects.create(person=reviewer, offence=late, amount_fen=1000,
                           occurred_on=date(2026, 10, 3), evidence="迟到", state="confirmed")
    Penalty.objects.create(person=reviewer, offence=late, amount_fen=1000,
                           occurred_on=date(2026, 10, 4), evidence="待定")  # only proposed

    m = month_measures([reviewer.pk, people.packer.pk], OCT)
    r = m[reviewer.pk]
    assert (r.tasks_met, r.tasks_overdue, r.completion_rate) == (2, 1, Decimal("0.6667"))
    assert (r.errors, r.operations, r.error_rate) == (2, 4, Decimal("0.5"))
    p = m[people.packer.pk]
    assert (p.completion_rate, p.error_rate) == (None, None)  # nothing to measure

    for n in range(10):  # more people, the same number of queries
        make_user(roles=["picker"], username=f"extra{n}")
    with django_assert_max_num_queries(28):
        html = client_for(people.wh_boss).get("/staff/scores/metrics/?month=2026-10"
                                              ).content.decode()
    row = html.split('data-person="zhaomin"')[1].split("</tr>")[0]
    assert "66.7%" in row and "2/3" in row and "50.0%" in row and "2/4" in row
    assert client_for(people.picker).get("/staff/scores/metrics/").status_code == 403
