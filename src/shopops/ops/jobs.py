"""Scheduled operations work (OPS-1, OPS-2), registered from OpsConfig.ready()."""

import logging

from . import health

log = logging.getLogger("shopops.ops")


def weekly_full_backup():
    from .actions import prune_backups, run_backup

    row = run_backup(actor=None, kind="full", trigger="schedule")
    # Prune even after a failure: old files must not fill the disk that made it fail.
    prune_backups(actor=None)
    if row.status != row.Status.OK:
        # Marks the periodic job failed; the failure is already recorded and notified.
        raise RuntimeError(f"scheduled full backup failed: {row.error}")


def daily_orders_backup():
    """ORD-9: the order data every day at 18:00 (besides the weekly full backup). The
    "orders" kind is still a full dump of the database (see ops/backup.py)."""
    from .actions import run_backup

    row = run_backup(actor=None, kind="orders", trigger="schedule")
    if row.status != row.Status.OK:
        raise RuntimeError(f"scheduled orders backup failed: {row.error}")


def health_check():
    health.check_and_alert()


def register():
    try:
        from shopops.core.periodic import daily_at, every_seconds, register_periodic, weekly_at
    except ImportError:  # the scheduler is not installed: nothing to register with
        log.warning("shopops.core.periodic missing; ops jobs not scheduled")
        return
    register_periodic(
        "ops.weekly_full_backup",
        next_run=weekly_at("ops.full_backup_weekday", "ops.full_backup_time"),
        run=weekly_full_backup,
    )
    register_periodic(
        "ops.daily_orders_backup",
        next_run=daily_at("ops.orders_backup_time"),
        run=daily_orders_backup,
    )
    register_periodic(
        "ops.health_check",
        next_run=every_seconds("ops.health_check_interval_seconds"),
        run=health_check,
    )
