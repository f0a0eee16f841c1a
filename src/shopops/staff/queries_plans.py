"""Targets split over the month's working days and progress read from the real orders and
parcels (HR-7). A bounded number of queries: one grouped query per metric."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from .calendar import working_days
from .models import MonthlyTarget

M = MonthlyTarget.Metric
ALL = "all"


def month_last(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def month_working_days(month: date) -> list[date]:
    first = month.replace(day=1)
    return working_days(first, month_last(first)) or [month_last(first)]


def split(target: int, month: date, days: list[date] | None = None) -> dict:
    """{"days": {day: share}, "weeks": [(monday, share)]}: the target spread evenly over the
    month's working days, the remainder on the first days, so the shares add up exactly."""
    days = days if days is not None else month_working_days(month)
    base, extra = divmod(int(target), len(days))
    per_day = {day: base + (1 if i < extra else 0) for i, day in enumerate(days)}
    weeks: dict[date, int] = {}
    for day, share in per_day.items():
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + share
    return {"days": per_day, "weeks": sorted(weeks.items())}


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@dataclass
class Period:
    name: str
    first: date
    last: date
    target: int = 0
    actual: int = 0

    @property
    def percent(self) -> int | None:
        return None if not self.target else round(self.actual * 100 / self.target)

    @property
    def bar(self) -> int:
        return min(self.percent or 0, 100)


@dataclass
class Progress:
    target: MonthlyTarget
    periods: list[Period] = field(default_factory=list)


def periods_for(month: date, today: date) -> list[tuple[str, date, date]]:
    first, last = month.replace(day=1), month_last(month)
    rows = [("month", first, last)]
    if first <= today <= last:
        monday = today - timedelta(days=today.weekday())
        rows.append(("week", max(monday, first), min(monday + timedelta(days=6), last)))
        rows.append(("today", today, today))
    return rows


def _source(metric):
    """(queryset, datetime field, person field, value aggregate) of one metric."""
    from shopops.fulfillment.models import Parcel
    from shopops.orders.models import Order

    orders = Order.objects.exclude(state=Order.State.CANCELLED)
    if metric == M.SALES_FEN:
        return orders, "paid_at", "created_by", Sum
    if metric == M.ORDERS:
        return orders, "paid_at", "created_by", Count
    if metric == M.REVIEWED:
        return Order.objects.all(), "reviewed_at", "reviewed_by", Count
    return Parcel.objects.all(), "shipped_at", "packed_by", Count


def actuals(metric, ranges: list[tuple[str, date, date]]) -> dict:
    """{(person pk | ALL, period name): value}, ALL = the whole department. One query."""
    queryset, when, who, kind = _source(metric)
    column = "paid_fen" if metric == M.SALES_FEN else "pk"
    aggregates = {}
    for name, first, last in ranges:
        window = Q(**{f"{when}__gte": _start(first), f"{when}__lt": _start(last + timedelta(1))})
        aggregates[name] = kind(column, filter=window)
    overall = min(first for _, first, _ in ranges)
    end = max(last for _, _, last in ranges)
    rows = (queryset.filter(**{f"{when}__gte": _start(overall),
                               f"{when}__lt": _start(end + timedelta(1))})
            .order_by().values(f"{who}_id").annotate(**aggregates))
    result: dict = {}
    for row in rows:
        person = row[f"{who}_id"]
        for name, *_ in ranges:
            value = row[name] or 0
            result[(person, name)] = result.get((person, name), 0) + value
            result[(ALL, name)] = result.get((ALL, name), 0) + value
    return result


def progress(targets: list[MonthlyTarget], today: date | None = None) -> list[Progress]:
    """Progress of targets of ONE month (the team page and a person's page)."""
    if not targets:
        return []
    today = today or timezone.localdate()
    month = targets[0].month
    ranges = periods_for(month, today)
    days = month_working_days(month)  # one calendar read for all the targets
    values = {metric: actuals(metric, ranges) for metric in {t.metric for t in targets}}
    result = []
    for target in targets:
        shares = split(target.target, month, days)["days"]
        periods = []
        for name, first, last in ranges:
            share = sum(v for d, v in shares.items() if first <= d <= last)
            periods.append(Period(name, first, last, share,
                                  values[target.metric].get((target.person_id or ALL, name), 0)))
        result.append(Progress(target, periods))
    return result
