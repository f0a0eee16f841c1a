"""APR-3 / OPS-1 / OPS-2: the scheduler fires each deadline exactly once (threads on any
database, two real processes on PostgreSQL), runs periodic jobs once per occurrence on
the schedule the settings say, and the scheduler and worker report heartbeats."""

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.tasks import task
from django.utils import timezone

from shopops.core import events, registry
from shopops.core.actions.deadlines import open_deadline
from shopops.core.models import Deadline, Event, Heartbeat, PeriodicJob, SettingValue
from shopops.core.periodic import (
    PERIODIC,
    daily_at,
    register_periodic,
    run_due_jobs,
    weekly_at,
)
from shopops.core.scheduler import tick

SH = ZoneInfo("Asia/Shanghai")
REPO = Path(__file__).resolve().parents[2]


def at(*args):
    return datetime(*args, tzinfo=SH)


def side_effect(*, deadline):
    """The service of the concurrency tests: one event per firing."""
    events.record(actor=None, verb="test.fired_once", object_type="test",
                  object_id=str(deadline.pk), data={"pid": os.getpid()})


def _set(key, value):
    definition = registry.REGISTRY[key]
    SettingValue.objects.update_or_create(key=key, defaults={"value": definition.to_json(value)})
    registry.clear_cache()


@pytest.fixture(autouse=True)
def _only_test_jobs():
    """Other apps' jobs (backups, health checks) must not run inside these tests."""
    saved = dict(PERIODIC)
    PERIODIC.clear()
    yield
    PERIODIC.clear()
    PERIODIC.update(saved)


@pytest.fixture
def job_runs():
    """A registered test job (unregistered again by _only_test_jobs)."""
    runs = []
    register_periodic("test.weekly", next_run=weekly_at("ops.full_backup_weekday",
                                                        "ops.full_backup_time"),
                      run=lambda: runs.append(1))
    return runs


# -- periodic jobs ---------------------------------------------------------------------


def test_ops1_weekly_next_run_follows_the_settings(db):
    next_run = weekly_at("ops.full_backup_weekday", "ops.full_backup_time")
    monday = at(2026, 6, 1, 10, 0)  # a Monday

    assert next_run(monday) == at(2026, 6, 6, 18, 0)  # default: Saturday (6) 18:00
    assert next_run(at(2026, 6, 6, 18, 0)) == at(2026, 6, 13, 18, 0)  # strictly after
    assert next_run(at(2026, 6, 6, 17, 59)) == at(2026, 6, 6, 18, 0)

    _set("ops.full_backup_weekday", 3)
    assert next_run(monday) == at(2026, 6, 3, 18, 0)  # Wednesday
    _set("ops.full_backup_time", clock_time(9, 30))
    assert next_run(monday) == at(2026, 6, 3, 9, 30)
    _set("ops.full_backup_weekday", 1)
    assert next_run(monday) == at(2026, 6, 8, 9, 30)  # Monday 09:30 has passed: next week


def test_ops1_daily_next_run_is_strictly_after(db):
    next_run = daily_at("ops.full_backup_time")
    assert next_run(at(2026, 6, 1, 17, 0)) == at(2026, 6, 1, 18, 0)
    assert next_run(at(2026, 6, 1, 18, 0)) == at(2026, 6, 2, 18, 0)
    # An instant in another zone is still read as Shanghai time.
    assert next_run(datetime(2026, 6, 1, 9, 59, tzinfo=ZoneInfo("UTC"))) == at(2026, 6, 1, 18, 0)


def test_ops1_periodic_job_runs_once_per_occurrence(db, job_runs):
    assert run_due_jobs(scheduler_id="a", now=at(2026, 6, 1, 10, 0)) == []
    job = PeriodicJob.objects.get(name="test.weekly")
    assert job.next_run_at == at(2026, 6, 6, 18, 0)

    assert run_due_jobs(scheduler_id="a", now=at(2026, 6, 6, 17, 59)) == []
    assert job_runs == []

    due = at(2026, 6, 6, 18, 0, 10)
    assert run_due_jobs(scheduler_id="a", now=due) == ["test.weekly"]
    assert run_due_jobs(scheduler_id="b", now=due) == []
    assert run_due_jobs(scheduler_id="b", now=due + timedelta(hours=3)) == []
    assert job_runs == [1]
    job.refresh_from_db()
    assert (job.next_run_at, job.last_run_at, job.last_status) == (
        at(2026, 6, 13, 18, 0), due, "ok")

    # Down for three weeks: the missed occurrences collapse into one run.
    assert run_due_jobs(scheduler_id="a", now=at(2026, 7, 4, 12, 0)) == ["test.weekly"]
    assert job_runs == [1, 1]
    job.refresh_from_db()
    assert job.next_run_at == at(2026, 7, 4, 18, 0)


def test_ops1_stored_next_run_moves_when_the_setting_changes(db, job_runs):
    run_due_jobs(scheduler_id="a", now=at(2026, 6, 1, 10, 0))
    _set("ops.full_backup_weekday", 2)

    assert run_due_jobs(scheduler_id="a", now=at(2026, 6, 1, 10, 1)) == []
    assert PeriodicJob.objects.get(name="test.weekly").next_run_at == at(2026, 6, 2, 18, 0)
    assert run_due_jobs(scheduler_id="a", now=at(2026, 6, 2, 18, 1)) == ["test.weekly"]
    assert job_runs == [1]


def test_ops1_claim_of_a_stale_occurrence_fails(db, job_runs):
    """Scheduler b read the row before scheduler a advanced it: b's conditional UPDATE
    matches nothing, so the occurrence runs once."""
    run_due_jobs(scheduler_id="a", now=at(2026, 6, 1, 10, 0))
    stale = PeriodicJob.objects.get(name="test.weekly")
    run_due_jobs(scheduler_id="a", now=at(2026, 6, 6, 18, 1))
    claimed = PeriodicJob.objects.filter(name=stale.name, next_run_at=stale.next_run_at).update(
        next_run_at=at(2026, 6, 13, 18, 0))
    assert claimed == 0
    assert job_runs == [1]


def test_ops1_failing_job_is_recorded_and_rescheduled(db):
    def broken():
        raise OSError("disk full")

    register_periodic("test.broken", next_run=daily_at("ops.full_backup_time"), run=broken)
    run_due_jobs(scheduler_id="a", now=at(2026, 6, 1, 10, 0))
    assert run_due_jobs(scheduler_id="a", now=at(2026, 6, 1, 18, 0, 5)) == ["test.broken"]
    job = PeriodicJob.objects.get(name="test.broken")
    assert job.last_status == "failed" and "OSError: disk full" in job.last_error
    assert job.next_run_at == at(2026, 6, 2, 18, 0)


# -- tick ------------------------------------------------------------------------------


def test_ops2_tick_beats_fires_deadlines_and_runs_jobs(make_user, job_runs):
    owner = make_user()
    open_deadline(actor=None, subject=owner, owner=owner, action="notify", title="到期事项",
                  due_at=timezone.now() - timedelta(seconds=1))
    run_due_jobs(scheduler_id="x", now=at(2026, 6, 1, 10, 0))

    summary = tick("scheduler:test:1", now=at(2030, 1, 1))

    assert summary == {"fired": 1, "jobs": ["test.weekly"]}
    beat = Heartbeat.objects.get(name="scheduler:test:1")
    assert beat.role == "scheduler" and beat.info["fired"] == 1
    assert timezone.now() - beat.last_seen < timedelta(seconds=30)  # real time, not `now`

    tick()  # the default id names the host and process
    name = f"scheduler:{socket.gethostname()}:{os.getpid()}"
    assert Heartbeat.objects.filter(name=name, role="scheduler").exists()


def _due_deadlines(n):
    from shopops.accounts.models import User

    owner = User.objects.create(username="owner", display_name="负责人")
    past = timezone.now() - timedelta(minutes=1)
    Deadline.objects.bulk_create([
        Deadline(title=f"事项{i}", subject_type="test.thing", subject_id=str(i), owner=owner,
                 due_at=past, action="service", service="tests.core.test_scheduler.side_effect")
        for i in range(n)
    ])


def _assert_each_fired_once(n):
    fired = Event.objects.filter(verb="test.fired_once")
    assert fired.count() == n
    assert len(set(fired.values_list("object_id", flat=True))) == n
    assert Deadline.objects.filter(state="fired").count() == n
    assert Event.objects.filter(verb="deadline.fired").count() == n


@pytest.mark.django_db(transaction=True)
def test_apr3_exactly_once_with_concurrent_scheduler_threads():
    n, threads = 120, 4
    _due_deadlines(n)
    start = threading.Barrier(threads)
    errors = []

    def run(k):
        try:
            start.wait()
            for _ in range(20):
                tick(f"scheduler:thread:{k}")
                if not Deadline.objects.filter(state="pending").exists():
                    break
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert errors == []
    _assert_each_fired_once(n)
    assert Heartbeat.objects.filter(role="scheduler").count() == threads


SCHEDULER_SCRIPT = textwrap.dedent("""
    import os, sys, time
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "shopops.settings"
    django.setup()
    from shopops.core.models import Deadline
    from shopops.core.periodic import PERIODIC
    from shopops.core.scheduler import tick
    PERIODIC.clear()  # only deadlines here, no backups or health checks
    go = sys.argv[1]
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.01)
    stop = time.monotonic() + 90
    while time.monotonic() < stop:
        tick()
        if not Deadline.objects.filter(state="pending").exists():
            break
    print("done", flush=True)
""")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_apr3_exactly_once_with_two_scheduler_processes_on_postgresql(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two processes share one server")
    n = 200
    _due_deadlines(n)
    db = connection.settings_dict
    url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
           f"{db['PORT'] or 5432}/{db['NAME']}")
    env = dict(os.environ, DATABASE_URL=url,
               PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]))
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", SCHEDULER_SCRIPT, str(go)], env=env,
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    try:
        for proc in procs:  # both loaded Django: start them together
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        go.touch()
        outputs = [proc.communicate(timeout=120) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "done" in out

    _assert_each_fired_once(n)
    by_process = {}
    for pid in Event.objects.filter(verb="test.fired_once").values_list("data__pid", flat=True):
        by_process[pid] = by_process.get(pid, 0) + 1
    assert set(by_process) == {proc.pid for proc in procs}, by_process  # both did some
    assert sum(by_process.values()) == n
    fired_by = set(Deadline.objects.values_list("fired_by", flat=True))
    assert fired_by == {f"scheduler:{socket.gethostname()}:{proc.pid}" for proc in procs}
    assert Heartbeat.objects.filter(role="scheduler").count() == 2


# -- running for real: scheduler and worker threads -------------------------------------


def _wait_for(predicate, seconds=20):
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_ops2_scheduler_thread_fires_deadlines_and_stops():
    from shopops.core import scheduler

    _due_deadlines(3)
    thread = scheduler.start_in_thread()
    try:
        assert thread.daemon
        assert _wait_for(lambda: Event.objects.filter(verb="test.fired_once").count() == 3)
        assert _wait_for(lambda: Heartbeat.objects.filter(role="scheduler").exists())
    finally:
        thread.stop_event.set()
        thread.join(10)
    assert not thread.is_alive()


@task()
def record_ping(note):
    events.record(actor=None, verb="test.worker_ran", object_type="test", object_id=note)
    return "pong"


@pytest.mark.django_db(transaction=True)
def test_ops2_worker_thread_runs_tasks_and_beats():
    from django_tasks_db.models import DBTaskResult

    from shopops.core import worker

    result = record_ping.enqueue("甲")
    thread = worker.start_in_thread()
    try:
        assert thread.daemon
        assert _wait_for(lambda: Event.objects.filter(verb="test.worker_ran", object_id="甲")
                         .exists())
        assert _wait_for(lambda: DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL")
        beat = Heartbeat.objects.get(role="worker")
        assert beat.name == f"worker:{socket.gethostname()}:{os.getpid()}"
    finally:
        thread.stop_event.set()
        thread.join(10)
    assert not thread.is_alive()
    assert DBTaskResult.objects.get(id=result.id).return_value == "pong"
