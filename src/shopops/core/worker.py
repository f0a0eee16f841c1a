"""The background task worker: django-tasks-db's Worker (the loop of `manage.py
db_worker`), plus a heartbeat for health monitoring (OPS-2) and a stop event so it can run
in a thread of the web process as well as on its own.
"""

import logging
import threading

from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker

from .registry import setting
from .scheduler import beat, install_stop_signals, process_name

logger = logging.getLogger("shopops.worker")

POLL_SECONDS = 1.0


def _heartbeat_seconds() -> float:
    # Several beats fit into the health check's window, so one slow beat is no alarm.
    return max(1.0, setting("ops.heartbeat_max_age_seconds") / 4)


def _keep_beating(worker: Worker, name: str, stop_event: threading.Event):
    """Beat until stopped; on stop tell the worker loop to finish after its current task."""
    try:
        while True:
            try:
                beat(name, "worker", tasks_run=worker._run_tasks, busy=worker.running_task)
                wait = _heartbeat_seconds()
            except Exception:
                logger.exception("worker heartbeat failed")
                wait = 15.0
            if stop_event.wait(wait):
                break
    finally:
        worker.running = False
        connection.close()


def run_worker_forever(stop_event: threading.Event | None = None, *, queue_names=("*",),
                       interval: float = POLL_SECONDS):
    """Run queued tasks until `stop_event` is set (or SIGINT/SIGTERM in the main thread)."""
    stop_event = stop_event or threading.Event()
    install_stop_signals(stop_event)
    name = process_name("worker")
    worker = Worker(
        queue_names=list(queue_names), interval=interval, batch=False, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id=name[-64:], excluded_queue_names=[],
    )
    beater = threading.Thread(target=_keep_beating, args=(worker, name, stop_event),
                              name="shopops-worker-heartbeat", daemon=True)
    beater.start()
    logger.info("worker %s started", name)
    try:
        while not stop_event.is_set():
            try:
                worker.run()
            except Exception:
                # e.g. the database went away: keep the worker alive and try again
                logger.exception("worker loop failed; restarting in 5 s")
                stop_event.wait(5)
    finally:
        stop_event.set()
        beater.join(timeout=5)
        connection.close()
        logger.info("worker %s stopped", name)


def start_in_thread() -> threading.Thread:
    """Run the worker in a daemon thread; `thread.stop_event.set()` stops it."""
    stop_event = threading.Event()
    thread = threading.Thread(target=run_worker_forever, args=(stop_event,),
                              name="shopops-worker", daemon=True)
    thread.stop_event = stop_event
    thread.start()
    return thread
