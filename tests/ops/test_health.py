"""OPS-2: health checks, alerts to the administrator, the health/backup pages and API."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from shopops.core.actions.settings import change_setting
from shopops.core.models import Deadline, Event, Heartbeat, Notification
from shopops.ops import actions, health
from shopops.ops.models import Backup


@pytest.fixture(autouse=True)
def backup_dir(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_DIR


def by_name(checks):
    return {c["name"]: c for c in checks}


def make_healthy():
    """Everything a healthy installation has: live processes, a recent backup, room."""
    now = timezone.now()
    Heartbeat.objects.create(name="worker:h:1", role="worker", last_seen=now)
    Heartbeat.objects.create(name="scheduler:h:1", role="scheduler", last_seen=now)
    Backup.objects.create(kind="full", status="ok", started_at=now - timedelta(hours=3),
                          file_name="x.sqlite3.gz")
    change_setting(actor=None, key="ops.disk_min_free_mb", raw_value="0")


@pytest.mark.django_db
def test_ops2_all_checks_ok_on_a_healthy_system():
    make_healthy()
    checks = health.check_all()
    assert [c["name"] for c in checks] == ["database", "worker", "scheduler", "tasks", "disk",
                                          "backup", "deadlines"]
    assert all(c["ok"] for c in checks), checks
    db = by_name(checks)["database"]
    assert db["label"] == "数据库连接"
    assert db["detail"].startswith("正常（PostgreSQL " if connection.vendor == "postgresql"
                                   else "正常（SQLite ")
    assert by_name(checks)["worker"]["detail"] == "最后心跳 0 秒前（worker:h:1）"


@pytest.mark.django_db
def test_ops2_nothing_running_and_no_backup_is_reported():
    checks = by_name(health.check_all())
    assert checks["worker"]["ok"] is False
    assert checks["worker"]["detail"] == "未发现任务执行器心跳（任务执行器未启动？）"
    assert checks["scheduler"]["ok"] is False
    assert (checks["backup"]["ok"], checks["backup"]["detail"]) == (False, "尚无备份")


@pytest.mark.django_db
def test_ops2_stale_heartbeat_is_bad_fresh_one_is_ok():
    change_setting(actor=None, key="ops.heartbeat_max_age_seconds", raw_value="60")
    beat = Heartbeat.objects.create(name="worker:h:1", role="worker",
                                    last_seen=timezone.now() - timedelta(seconds=90))
    Heartbeat.objects.create(name="scheduler:h:1", role="scheduler",
                             last_seen=timezone.now() - timedelta(seconds=30))
    checks = by_name(health.check_all())
    assert checks["worker"]["ok"] is False
    assert checks["worker"]["detail"].startswith("任务执行器已停止：最后心跳 9")
    assert checks["worker"]["detail"].endswith("超过 60 秒")
    assert checks["scheduler"]["ok"] is True
    beat.last_seen = timezone.now()
    beat.save()
    assert by_name(health.check_all())["worker"]["ok"] is True


@pytest.mark.django_db
def test_ops2_old_backup_failed_backup_and_low_disk_are_bad():
    Backup.objects.create(kind="full", status="ok", file_name="old",
                          started_at=timezone.now() - timedelta(hours=200))
    Backup.objects.create(kind="full", status="failed", file_name="new",
                          started_at=timezone.now())
    change_setting(actor=None, key="ops.disk_min_free_mb", raw_value="999999999")
    checks = by_name(health.check_all())
    assert checks["backup"]["ok"] is False
    assert checks["backup"]["detail"].startswith("备份过旧：")
    assert checks["backup"]["detail"].endswith("超过 192 小时")
    assert checks["disk"]["ok"] is False
    assert "下限 999999999 MB" in checks["disk"]["detail"]


@pytest.mark.django_db
def test_ops2_deadlines_the_scheduler_did_not_fire_are_bad(make_user):
    owner = make_user()
    common = {"title": "审单", "subject_type": "x", "subject_id": "1", "owner": owner,
              "action": Deadline.Action.NOTIFY}
    Deadline.objects.create(due_at=timezone.now() - timedelta(hours=2), state="fired", **common)
    assert by_name(health.check_all())["deadlines"] == {
        "name": "deadlines", "label": "超时事项", "ok": True,
        "detail": "已超时 1 项（已触发 1，到期待触发 0）"}
    Deadline.objects.create(due_at=timezone.now() - timedelta(hours=1), **common)
    check = by_name(health.check_all())["deadlines"]
    assert check["ok"] is False
    assert check["detail"] == ("已超时 2 项（已触发 1，到期待触发 1）；"
                               "1 项到期后未被触发，调度器可能未运行")


@pytest.mark.django_db
def test_ops2_tasks_waiting_too_long_are_bad():
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    old = timezone.now() - timedelta(hours=1)
    task = DBTaskResult.objects.create(status=TaskResultStatus.READY, args_kwargs={},
                                       task_path="x.y", backend_name="default", run_after=old)
    assert by_name(health.check_all())["tasks"]["ok"] is True  # just enqueued
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=old)
    check = by_name(health.check_all())["tasks"]
    assert (check["ok"], check["detail"]) == (False, "1 个待执行，其中 1 个已等待过久未被执行")


@pytest.mark.django_db
def test_ops2_administrators_alerted_once_per_failing_check(make_user):
    admin = make_user(roles=["sysadmin"], level="db")
    editor = make_user(roles=["editor"])
    make_healthy()
    Heartbeat.objects.filter(role="worker").update(last_seen=timezone.now() - timedelta(hours=1))

    health.check_and_alert()
    health.check_and_alert()  # still bad: no second message within the hour

    notes = Notification.objects.filter(recipient=admin)
    assert [(n.category, n.title, n.link) for n in notes] == [
        ("health:worker", "系统健康告警：后台任务执行器", "/ops/health/")]
    assert notes[0].body.startswith("任务执行器已停止")
    assert not Notification.objects.filter(recipient=editor).exists()

    notes.update(created_at=timezone.now() - timedelta(minutes=61))
    assert health.alert(health.check_all()) == ["worker"]
    assert Notification.objects.filter(recipient=admin, category="health:worker").count() == 2


# --- pages and API -----------------------------------------------------------------------

@pytest.mark.django_db
def test_ops2_health_page_shows_each_check_to_those_allowed(client, client_for, make_user):
    admin = make_user(roles=["sysadmin"], level="db")
    assert client.get("/ops/health/").status_code == 302
    assert client_for(make_user(roles=["picker"])).get("/ops/health/").status_code == 403

    response = client_for(make_user(roles=["manager"])).get("/ops/health/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "存在异常" in html and "尚无备份" in html
    assert '<span class="tag bad">异常</span>' in html
    for label in ("数据库连接", "后台任务执行器", "定时调度器", "磁盘空间", "最近完整备份"):
        assert label in html
    assert Notification.objects.filter(recipient=admin, category="health:backup").exists()

    make_healthy()
    html = client_for(admin).get("/ops/health/").content.decode()
    assert "全部正常" in html and '<span class="tag bad">' not in html


@pytest.mark.django_db
def test_ops2_healthz_is_public_and_says_only_ok_or_fail(client):
    response = client.get("/ops/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "fail"}
    make_healthy()
    response = client.get("/ops/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


@pytest.mark.django_db
def test_ops2_health_api(client, client_for, make_user):
    assert client.get("/api/v1/ops/health").status_code == 401
    denied = client_for(make_user(roles=["picker"])).get("/api/v1/ops/health")
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    make_healthy()
    body = client_for(make_user(roles=["manager"])).get("/api/v1/ops/health").json()
    assert body["status"] == "ok"
    assert [c["name"] for c in body["checks"]][:3] == ["database", "worker", "scheduler"]
    assert set(body["checks"][0]) == {"name", "label", "ok", "detail"}


@pytest.mark.django_db
def test_ops1_backup_page_lists_backups_and_needs_the_backup_capability(
        client_for, make_user, django_assert_max_num_queries):
    admin = make_user(roles=["sysadmin"], level="db")
    assert client_for(make_user(roles=["manager"])).get("/ops/backups/").status_code == 403
    for i in range(30):
        Backup.objects.create(kind="full", status="ok", file_name=f"f{i}.sqlite3.gz",
                              size_bytes=3 * 1048576 + i, actor=make_user() if i < 3 else None)
    Backup.objects.create(kind="full", status="failed", file_name="bad", error="磁盘已满")
    client = client_for(admin)
    with django_assert_max_num_queries(12):
        response = client.get("/ops/backups/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "立即备份" in html and "3.00 MB" in html and "磁盘已满" in html
    assert "shopops restore" in html  # restore is explained as command-line only
    assert html.count("下载</a>") == 30


@pytest.mark.django_db
def test_ops1_backup_now_button_and_download(client_for, make_user):
    admin = make_user(roles=["sysadmin"], level="db")
    client = client_for(admin)
    assert client.get("/ops/backups/run/").status_code == 405
    response = client.post("/ops/backups/run/", {"kind": "full"}, follow=True)
    made = Backup.objects.get()
    assert (made.status, made.trigger, made.actor) == ("ok", "manual", admin), made.error
    assert f"备份完成：{made.file_name}" in response.content.decode()

    assert client_for(make_user(roles=["manager"])).get(
        f"/ops/backups/{made.pk}/download/").status_code == 403
    response = client.get(f"/ops/backups/{made.pk}/download/")
    assert response.status_code == 200
    assert made.file_name in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == actions.backup_path(made).read_bytes()
    event = Event.objects.get(verb="backup.downloaded")
    assert (event.actor, event.object_id) == (admin, str(made.pk))

    Backup.objects.filter(pk=made.pk).update(status="deleted")
    response = client.get(f"/ops/backups/{made.pk}/download/", follow=True)
    assert "备份文件不存在或已删除" in response.content.decode()
