"""The scheduler: every `ops.scheduler_tick_seconds` it writes its heartbeat, fires due
deadlines (APR-3) and runs due periodic jobs (OPS-1 backups, reports).

Any number of schedulers may run (one per web process, or a separate `shopops
scheduler`): deadlines and job occurrences are claimed with conditional UPDATEs, so each
fires exactly once.
"""

import logging
import os
import signal
import socket
import threading

from django.db import close_old_connections, connection
from django.utils import timezone

from .actions.deadlines import fire_due_deadlines
from .models import Heartbeat
from .periodic import run_due_jobs
from .registry import setting

logger = logging.getLogger("shopops.scheduler")


def process_name(role: str) -> str:
    return f"{role}:{socket.gethostname()}:{os.getpid()}"[:120]


def beat(name: str, role: str, **info):
    """Record a sign of life (OPS-2 health reads Heartbeat.last_seen)."""
    info.setdefault("pid", os.getpid())
    Heartbeat.objects.update_or_create(
        name=name, defaults={"role": role, "last_seen": timezone.now(), "info": info})


def install_stop_signals(stop_event: threading.Event) -> bool:
    """SIGINT/SIGTERM set `stop_event` (the current task or tick finishes first); a second
    one interrupts at once. Only possible from the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return False

    def stop(signum, frame):
        if stop_event.is_set():
            raise KeyboardInterrupt
        logger.warning("received %s, stopping (again to interrupt)", signal.strsignal(signum))
        stop_event.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    return True


def tick(scheduler_id: str | None = None, now=None) -> dict:
    """One round. A failing part is logged and does not stop the others."""
    scheduler_id = scheduler_id or process_name("scheduler")
    summary = {"fired": 0, "jobs": []}
    try:
        summary["fired"] = len(fire_due_deadlines(scheduler_id=scheduler_id, now=now))
    except Exception:
        logger.exception("firing deadlines failed")
    try:
        summary["jobs"] = run_due_jobs(scheduler_id=scheduler_id, now=now)
    except Exception:
        logger.exception("running periodic jobs failed")
    try:
        # Last, so the heartbeat also says the round completed.
        beat(scheduler_id, "scheduler", **summary)
    except Exception:
        logger.exception("scheduler heartbeat failed")
    return summary


def run_scheduler_forever(stop_event: threading.Event | None = None):
    """Tick until `stop_event` is set (or SIGINT/SIGTERM when run in the main thread)."""
    stop_event = stop_event or threading.Event()
    install_stop_signals(stop_event)
    scheduler_id = process_name("scheduler")
    logger.info("scheduler %s started", scheduler_id)
    try:
        while not stop_event.is_set():
            close_old_connections()
            tick(scheduler_id)
            close_old_connections()
            try:
                seconds = setting("ops.scheduler_tick_seconds")
            except Exception:
                seconds = 15  # the database is away; keep trying at the default pace
            stop_event.wait(seconds)
    finally:
        connection.close()
        logger.info("scheduler %s stopped", scheduler_id)


def start_in_thread() -> threading.Thread:
    """Run the scheduler in a daemon thread of this process (the embedded `shopops demo`
    setup). `thread.stop_event.set()` stops it."""
    stop_event = threading.Event()
    thread = threading.Thread(target=run_scheduler_forever, args=(stop_event,),
                              name="shopops-scheduler", daemon=True)
    thread.stop_event = stop_event
    thread.start()
    return thread
