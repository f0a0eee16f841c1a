"""Periodic jobs (the weekly full backup, the daily order backup, reports…).

    register_periodic("ops.full_backup",
                      next_run=weekly_at("ops.full_backup_weekday", "ops.full_backup_time"),
                      run=run_full_backup)

Apps register from their AppConfig.ready(). The scheduler calls `run_due_jobs` every
tick. An occurrence is claimed by moving `next_run_at` forward with a conditional UPDATE
(WHERE next_run_at = the value we read), so of several schedulers exactly one runs it.
A job that missed several occurrences (the scheduler was down) runs once, not once per
missed occurrence. A job that crashes the process mid-run is not retried (at most once).
"""

import logging
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from .models import PeriodicJob
from .registry import setting

logger = logging.getLogger("shopops.periodic")


@dataclass(frozen=True)
class Periodic:
    name: str
    next_run: object  # (after: aware datetime) -> aware datetime strictly after it
    run: object  # () -> None


PERIODIC: dict[str, Periodic] = {}


def register_periodic(name: str, *, next_run, run) -> Periodic:
    job = Periodic(name, next_run, run)
    PERIODIC[name] = job
    return job


def _local_at(day, at, tz):
    return timezone.make_aware(datetime.combine(day, at), tz)


def daily_at(time_setting_key: str):
    """Every day at the time in the setting (local time, read at call time)."""

    def next_run(after):
        tz = timezone.get_default_timezone()
        at = setting(time_setting_key)
        day = timezone.localtime(after, tz).date()
        candidate = _local_at(day, at, tz)
        while candidate <= after:
            day += timedelta(days=1)
            candidate = _local_at(day, at, tz)
        return candidate

    next_run.follows_settings = True
    return next_run


def weekly_at(weekday_setting_key: str, time_setting_key: str):
    """Every week on the setting's weekday (1 = Monday … 7 = Sunday) at the setting's time."""

    def next_run(after):
        tz = timezone.get_default_timezone()
        weekday, at = setting(weekday_setting_key), setting(time_setting_key)
        local = timezone.localtime(after, tz).date()
        day = local + timedelta(days=(weekday - local.isoweekday()) % 7)
        candidate = _local_at(day, at, tz)
        while candidate <= after:
            day += timedelta(days=7)
            candidate = _local_at(day, at, tz)
        return candidate

    next_run.follows_settings = True
    return next_run


def every_seconds(seconds_setting_key: str):
    """Every N seconds from the previous run (N from the setting)."""

    def next_run(after):
        return after + timedelta(seconds=setting(seconds_setting_key))

    return next_run


def _ensure_rows(now):
    known = set(PeriodicJob.objects.filter(name__in=list(PERIODIC)).values_list("name", flat=True))
    missing = [PeriodicJob(name=name, next_run_at=job.next_run(now))
               for name, job in PERIODIC.items() if name not in known]
    if missing:
        # Another scheduler may create the same rows at the same moment: keep whichever won.
        PeriodicJob.objects.bulk_create(missing, ignore_conflicts=True)


def _follow_settings(row, job, now):
    """A calendar job whose settings changed (e.g. the backup weekday) moves to the new
    next occurrence; unchanged settings compute the stored value again, so nothing moves."""
    if not getattr(job.next_run, "follows_settings", False):
        return
    wanted = job.next_run(now)
    if wanted != row.next_run_at:
        PeriodicJob.objects.filter(name=row.name, next_run_at=row.next_run_at).update(
            next_run_at=wanted)


def run_due_jobs(*, scheduler_id, now=None) -> list[str]:
    """Run every due job once. Returns the names of the jobs this call ran."""
    now = now or timezone.now()
    _ensure_rows(now)
    ran = []
    for row in PeriodicJob.objects.filter(name__in=list(PERIODIC)).order_by("name"):
        job = PERIODIC[row.name]
        if row.next_run_at > now:
            _follow_settings(row, job, now)
            continue
        claimed = PeriodicJob.objects.filter(name=row.name, next_run_at=row.next_run_at).update(
            next_run_at=job.next_run(now))
        if claimed != 1:
            continue  # another scheduler took this occurrence
        status, error = "ok", ""
        try:
            job.run()
        except Exception:
            status, error = "failed", traceback.format_exc()[-4000:]
            logger.exception("periodic job %s failed (scheduler %s)", row.name, scheduler_id)
        PeriodicJob.objects.filter(name=row.name).update(
            last_run_at=now, last_status=status, last_error=error)
        ran.append(row.name)
    return ran
