"""The scorecards' measures beside the points (HR-KPI): task completion, error rate and,
for customer service, consultations, conversion, quality score and response time — all
computed from what happened in the month, never typed in. A few aggregate queries for
everybody at once, whatever the number of rows.

- 任务完成率: of the person's deadlines (时限, APR-3) that came due in the month and were
  settled, the share met on time (met / (met + overdue)). Cancelled ones do not count.
- 差错率: the month's errors — deductions on the scorecard (ScoreEntry with points < 0)
  and confirmed penalties (处罚) — per 100 operations the person recorded in the event
  log that month (their own business actions; deadline bookkeeping and reveals aside).
- Customer service: service.reports.agents_month_stats (CS-3, CS-7).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from shopops.core.models import Deadline, Event

from .models import Penalty, ScoreEntry
from .scoring import first_of, month_bounds, next_month

# Event verbs that are not a person's work: the deadline engine's bookkeeping, reading data.
NOT_WORK = ("deadline.", "pii.", "scores.", "sheet.")


@dataclass
class Measures:
    person_id: int
    tasks_met: int = 0
    tasks_overdue: int = 0
    operations: int = 0
    errors: int = 0
    service: dict = field(default_factory=dict)

    @property
    def tasks(self) -> int:
        return self.tasks_met + self.tasks_overdue

    @property
    def completion_rate(self) -> Decimal | None:
        return _ratio(self.tasks_met, self.tasks)

    @property
    def error_rate(self) -> Decimal | None:
        """Errors per 100 operations (a percentage)."""
        return _ratio(self.errors, self.operations)


def _ratio(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def month_measures(person_ids, month: date) -> dict[int, Measures]:
    month = first_of(month)
    start, end = month_bounds(month)
    ids = list(person_ids)
    out = {pk: Measures(pk) for pk in ids}
    for row in (Deadline.objects.filter(owner_id__in=ids, due_at__gte=start, due_at__lt=end,
                                        state__in=[Deadline.State.MET, Deadline.State.FIRED])
                .values("owner_id").annotate(met=Count("pk", filter=Q(state="met")),
                                             overdue=Count("pk", filter=Q(state="fired")))):
        out[row["owner_id"]].tasks_met, out[row["owner_id"]].tasks_overdue = (
            row["met"], row["overdue"])
    work = Event.objects.filter(actor_id__in=ids, at__gte=start, at__lt=end)
    for prefix in NOT_WORK:
        work = work.exclude(verb__startswith=prefix)
    for row in work.values("actor_id").annotate(n=Count("pk")):
        out[row["actor_id"]].operations = row["n"]
    for row in (ScoreEntry.objects.filter(person_id__in=ids, month=month, points__lt=0)
                .values("person_id").annotate(n=Count("pk"))):
        out[row["person_id"]].errors += row["n"]
    for row in (Penalty.objects.filter(person_id__in=ids, state=Penalty.State.CONFIRMED,
                                       occurred_on__gte=month, occurred_on__lt=next_month(month))
                .values("person_id").annotate(n=Count("pk"))):
        out[row["person_id"]].errors += row["n"]
    from shopops.service.reports import agents_month_stats

    for pk, stats in agents_month_stats(month.year, month.month).items():
        if pk in out:
            out[pk].service = stats
    return out
