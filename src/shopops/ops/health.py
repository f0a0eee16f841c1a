"""The system's own health (OPS-2): each check says ok or not and why, in Chinese.

check_all() only reads. check_and_alert() also tells the system administrators about
each failing check, at most once per ops.health_alert_interval_minutes; it runs on a
schedule and whenever someone (or a monitor polling /ops/healthz) looks, so a dead
scheduler is still reported."""

import shutil
import sqlite3
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from shopops.core.registry import define, setting

G_OPS = "运维 Operations"
define("ops.health_alert_interval_minutes", 60, type="int", unit="分钟", min=1, max=10080,
       label="健康告警间隔", group=G_OPS,
       description="同一项健康检查持续异常时，每隔多久再提醒系统管理员一次。")
define("ops.health_check_interval_seconds", 300, type="int", unit="秒", min=30, max=86400,
       label="健康检查间隔", group=G_OPS, description="调度器每隔多久自动做一次健康检查并告警。")


def _check(name, label, ok, detail):
    return {"name": name, "label": label, "ok": bool(ok), "detail": detail}


def _age_text(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} 秒前"
    if seconds < 7200:
        return f"{seconds // 60} 分钟前"
    if seconds < 172800:
        return f"{seconds // 3600} 小时前"
    return f"{seconds // 86400} 天前"


def check_database():
    label = "数据库连接"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # the point of the check is to survive any failure
        return _check("database", label, False, f"无法连接数据库：{exc}")
    if connection.vendor == "postgresql":
        major, rest = divmod(connection.pg_version, 10000)
        version = f"PostgreSQL {major}.{rest}"
    else:
        version = f"SQLite {sqlite3.sqlite_version}"
    return _check("database", label, True, f"正常（{version}）")


def _heartbeat(role, name, label, what):
    from shopops.core.models import Heartbeat

    max_age = setting("ops.heartbeat_max_age_seconds")
    beat = Heartbeat.objects.filter(role=role).order_by("-last_seen").first()
    if beat is None:
        return _check(name, label, False, f"未发现{what}心跳（{what}未启动？）")
    age = (timezone.now() - beat.last_seen).total_seconds()
    detail = f"最后心跳 {_age_text(age)}（{beat.name}）"
    if age > max_age:
        return _check(name, label, False, f"{what}已停止：{detail}，超过 {max_age} 秒")
    return _check(name, label, True, detail)


def running_processes() -> list[str]:
    """Workers and schedulers that sent a heartbeat recently (e.g. before a restore)."""
    from shopops.core.models import Heartbeat

    since = timezone.now() - timedelta(seconds=setting("ops.heartbeat_max_age_seconds"))
    return list(Heartbeat.objects.filter(last_seen__gte=since).order_by("name")
                .values_list("name", flat=True))


def check_worker():
    return _heartbeat("worker", "worker", "后台任务执行器", "任务执行器")


def check_scheduler():
    return _heartbeat("scheduler", "scheduler", "定时调度器", "调度器")


def check_task_queue():
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    count = ready.count()
    # A task that could have run for longer than a worker may stay silent means no
    # worker is taking work, even if one still sends heartbeats.
    late_before = now - timedelta(seconds=setting("ops.heartbeat_max_age_seconds"))
    late = ready.filter(run_after__lte=late_before, enqueued_at__lte=late_before).count()
    if late:
        return _check("tasks", "待执行后台任务", False,
                      f"{count} 个待执行，其中 {late} 个已等待过久未被执行")
    return _check("tasks", "待执行后台任务", True, f"{count} 个待执行")


def check_disk():
    min_free = setting("ops.disk_min_free_mb")
    usage = shutil.disk_usage(settings.VAR_DIR)
    free_mb = usage.free // (1024 * 1024)
    detail = f"剩余 {free_mb} MB（共 {usage.total // (1024 * 1024)} MB，下限 {min_free} MB）"
    return _check("disk", "磁盘空间", free_mb >= min_free, detail)


def check_backup():
    from .models import Backup

    label = "最近完整备份"
    last = (Backup.objects.filter(kind=Backup.Kind.FULL, status=Backup.Status.OK)
            .order_by("-started_at").first())
    if last is None:
        return _check("backup", label, False, "尚无备份")
    max_hours = setting("ops.backup_max_age_hours")
    age = (timezone.now() - last.started_at).total_seconds()
    detail = f"{timezone.localtime(last.started_at):%Y-%m-%d %H:%M}（{_age_text(age)}）"
    if age > max_hours * 3600:
        return _check("backup", label, False, f"备份过旧：{detail}，超过 {max_hours} 小时")
    return _check("backup", label, True, detail)


def check_deadlines():
    from shopops.core.models import Deadline

    now = timezone.now()
    fired = Deadline.objects.filter(state=Deadline.State.FIRED).count()
    # A pending deadline well past due means the scheduler is not firing deadlines;
    # fired ones are overdue business items, shown in their owners' queues.
    grace = now - timedelta(seconds=setting("ops.heartbeat_max_age_seconds"))
    unfired = Deadline.objects.filter(state=Deadline.State.PENDING, due_at__lte=grace).count()
    pending_due = Deadline.objects.filter(state=Deadline.State.PENDING, due_at__lte=now).count()
    detail = f"已超时 {fired + pending_due} 项（已触发 {fired}，到期待触发 {pending_due}）"
    if unfired:
        return _check("deadlines", "超时事项", False,
                      f"{detail}；{unfired} 项到期后未被触发，调度器可能未运行")
    return _check("deadlines", "超时事项", True, detail)


CHECKS = [check_database, check_worker, check_scheduler, check_task_queue, check_disk,
          check_backup, check_deadlines]


def check_all() -> list[dict]:
    results = []
    for check in CHECKS:
        try:
            results.append(check())
        except Exception as exc:  # one broken check must not hide the others
            name = check.__name__.removeprefix("check_")
            results.append(_check(name, name, False, f"检查出错：{exc}"))
    return results


def all_ok(checks) -> bool:
    return all(c["ok"] for c in checks)


def alert(checks) -> list[str]:
    """Notify the system administrators of failing checks not reported recently.
    Returns the names of the checks alerted about."""
    from shopops.accounts.queries import users_with_roles
    from shopops.core.models import Notification
    from shopops.core.notify import notify

    bad = [c for c in checks if not c["ok"]]
    if not bad:
        return []
    since = timezone.now() - timedelta(minutes=setting("ops.health_alert_interval_minutes"))
    recent = set(
        Notification.objects.filter(
            Q(category__in=[f"health:{c['name']}" for c in bad]), created_at__gte=since
        ).values_list("category", flat=True)
    )
    due = [c for c in bad if f"health:{c['name']}" not in recent]
    if not due:
        return []
    admins = users_with_roles(["sysadmin"])
    if not admins:
        return []
    link = reverse("ops:health")
    for c in due:
        notify(admins, title=f"系统健康告警：{c['label']}", body=c["detail"], link=link,
               category=f"health:{c['name']}")
    return [c["name"] for c in due]


def check_and_alert() -> list[dict]:
    checks = check_all()
    try:
        alert(checks)
    except Exception:  # the database itself may be the failing check
        pass
    return checks


def as_text(checks) -> str:
    lines = []
    for c in checks:
        mark = "正常 OK  " if c["ok"] else "异常 FAIL"
        lines.append(f"[{mark}] {c['label']}（{c['name']}）：{c['detail']}")
    return "\n".join(lines)
