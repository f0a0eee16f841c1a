"""The working calendar (HR-2): China's legal holidays and make-up working days (调休) as
the `holidays` package knows them, corrected by CalendarOverride rows (an override wins).

The package only knows a year once the State Council has announced it and the package was
updated; for other years `covered()` is False and the calendar page asks for overrides."""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from holidays.countries.china import ChinaStaticHolidays

WORKDAY, WEEKEND, HOLIDAY, MAKEUP = "workday", "weekend", "holiday", "makeup_workday"
WORKING_KINDS = {WORKDAY, MAKEUP}
KIND_LABELS = {WORKDAY: "工作日", WEEKEND: "周末", HOLIDAY: "法定节假日", MAKEUP: "调休上班"}


@lru_cache(maxsize=32)
def _package_year(year: int) -> dict[date, tuple[str, str]]:
    """Holidays and make-up days of one year from the package; cached per process because
    building the table walks the lunar calendar."""
    table = holidays.China(years=year)
    days = {day: (HOLIDAY, str(name)) for day, name in table.items() if day.year == year}
    for day in table.weekend_workdays:
        if day.year == year:
            days[day] = (MAKEUP, "调休上班")
    # A weekend inside a holiday block (e.g. 10-04 within 国庆 10-01..10-07) is part of it.
    for day in _year_days(year):
        if day.weekday() >= 5 and day not in days:
            before, after = _neighbour(days, day, -1), _neighbour(days, day, 1)
            if before and after and before[0] == HOLIDAY and after[0] == HOLIDAY:
                days[day] = (HOLIDAY, _base_name(before[1]))
    return days


def _year_days(year):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def _neighbour(days, day, step):
    """The nearest day in `step` direction that is not a plain weekend day."""
    for _ in range(3):
        day += timedelta(days=step)
        if day in days:
            return days[day]
        if day.weekday() < 5:
            return None
    return None


def _base_name(name: str) -> str:
    return name.split("（")[0] if not name.startswith("休息日") else "法定节假日"


def covered(year: int) -> bool:
    """Whether the package carries the State Council's announcement for `year`."""
    known = ChinaStaticHolidays.special_public_holidays
    return 2001 <= year <= max(known)


def _overrides(first: date, last: date) -> dict[date, tuple[str, str]]:
    from .models import CalendarOverride

    kinds = {CalendarOverride.Kind.HOLIDAY: HOLIDAY, CalendarOverride.Kind.WORKDAY: MAKEUP}
    return {o.day: (kinds[o.kind], o.name or KIND_LABELS[kinds[o.kind]])
            for o in CalendarOverride.objects.filter(day__range=(first, last))}


def _plain(day: date) -> tuple[str, str]:
    return (WEEKEND, "") if day.weekday() >= 5 else (WORKDAY, "")


def _with_override(day, override):
    """An override of a weekday to 'workday' is just a workday, not a make-up day."""
    if override is None:
        return _package_year(day.year).get(day) or _plain(day)
    kind, name = override
    if kind == MAKEUP and day.weekday() < 5:
        return (WORKDAY, name)
    return override


def day_kind(day: date) -> tuple[str, str]:
    """(kind, name): kind is workday | weekend | holiday | makeup_workday."""
    return _with_override(day, _overrides(day, day).get(day))


def kinds_between(first: date, last: date) -> dict[date, tuple[str, str]]:
    """day_kind for every day of a range with one query (month grids, roster filling)."""
    overrides = _overrides(first, last)
    result, day = {}, first
    while day <= last:
        result[day] = _with_override(day, overrides.get(day))
        day += timedelta(days=1)
    return result


def is_working_day(day: date) -> bool:
    return day_kind(day)[0] in WORKING_KINDS


def working_days(first: date, last: date) -> list[date]:
    return [day for day, (kind, _) in kinds_between(first, last).items()
            if kind in WORKING_KINDS]


def year_specials(year: int) -> list[tuple[date, str, str, bool]]:
    """The holidays and make-up days of a year, (day, kind, name, overridden), by day."""
    overrides = _overrides(date(year, 1, 1), date(year, 12, 31))
    days = set(_package_year(year)) | set(overrides)
    rows = []
    for day in sorted(days):
        kind, name = _with_override(day, overrides.get(day))
        if kind in (HOLIDAY, MAKEUP) or day in overrides:
            rows.append((day, kind, name, day in overrides))
    return rows
