"""Quality results per agent (CS-3): averages, counts per rule, by day/week/month and the
weekly trend. One query per call: the checks of the range are read as plain rows and added
up here (the findings are a JSON list, which SQL cannot count portably)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from .models import QualityCheck
from .quality import RULES

PERIODS = ("day", "week", "month")


@dataclass
class Tally:
    key: object = None
    count: int = 0
    total: int = 0
    reviewed: int = 0
    clean: int = 0
    response_total: int = 0
    response_count: int = 0
    rules: dict = field(default_factory=lambda: dict.fromkeys(RULES, 0))

    def add(self, row):
        score = row["score"] if row["final_score"] is None else row["final_score"]
        self.count += 1
        self.total += score
        self.reviewed += row["state"] == QualityCheck.State.REVIEWED
        self.clean += not row["findings"]
        if row["first_response_seconds"] is not None:
            self.response_total += row["first_response_seconds"]
            self.response_count += 1
        for finding in row["findings"]:
            if finding.get("rule") in self.rules:
                self.rules[finding["rule"]] += 1

    def merge(self, other):
        for name in ("count", "total", "reviewed", "clean", "response_total", "response_count"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, n in other.rules.items():
            self.rules[code] += n

    @property
    def average(self):
        """Average effective score, one decimal (None without checks)."""
        return round(self.total / self.count, 1) if self.count else None

    @property
    def first_response_average(self):
        return round(self.response_total / self.response_count) if self.response_count else None

    @property
    def rule_counts(self):
        return [(code, RULES[code][0], self.rules[code]) for code in RULES]


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) local time."""
    tz = timezone.get_default_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def _rows(start: date, end: date, agent_ids=None):
    lo, hi = bounds(start, end)
    rows = QualityCheck.objects.filter(closed_at__gte=lo, closed_at__lt=hi)
    if agent_ids is not None:
        rows = rows.filter(agent_id__in=list(agent_ids))
    return rows.values("agent_id", "score", "final_score", "state", "findings",
                       "first_response_seconds", "closed_at")


def per_agent(start: date, end: date, agent_ids=None) -> dict:
    """{agent_id: Tally} over the days [start, end]."""
    out = {}
    for row in _rows(start, end, agent_ids):
        out.setdefault(row["agent_id"], Tally(key=row["agent_id"])).add(row)
    return out


def period_start(day: date, by: str) -> date:
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def per_period(agent_id, start: date, end: date, by: str = "day") -> list[Tally]:
    """One agent's results by day, week (Monday) or month, oldest first; empty periods
    included so a chart has no gaps."""
    tallies = {}
    key = period_start(start, by)
    while key <= end:
        tallies[key] = Tally(key=key)
        key = _next(key, by)
    for row in _rows(start, end, [agent_id]):
        day = timezone.localdate(row["closed_at"])
        tallies.setdefault(period_start(day, by), Tally(key=period_start(day, by))).add(row)
    return [tallies[k] for k in sorted(tallies)]


def _next(key: date, by: str) -> date:
    if by == "week":
        return key + timedelta(days=7)
    if by == "month":
        return (key + timedelta(days=32)).replace(day=1)
    return key + timedelta(days=1)


def weekly_trend(agent_ids, weeks: int = 8, today: date | None = None) -> tuple[list, dict]:
    """The last `weeks` weeks (Mondays) and {agent_id: [Tally per week]}."""
    today = today or timezone.localdate()
    last = period_start(today, "week")
    mondays = [last - timedelta(days=7 * n) for n in range(weeks - 1, -1, -1)]
    out = {pk: {m: Tally(key=m) for m in mondays} for pk in agent_ids}
    for row in _rows(mondays[0], today, agent_ids):
        week = period_start(timezone.localdate(row["closed_at"]), "week")
        if row["agent_id"] in out and week in out[row["agent_id"]]:
            out[row["agent_id"]][week].add(row)
    return mondays, {pk: [weeks_[m] for m in mondays] for pk, weeks_ in out.items()}
