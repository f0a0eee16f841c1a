"""The `shopops` command (OPS-1 backup/restore, OPS-2 health), run in-process."""

import json

import pytest
from django.utils import timezone

from shopops.cli import main
from shopops.core.actions.settings import change_setting
from shopops.core.models import Event, Heartbeat
from shopops.ops.models import Backup


@pytest.fixture(autouse=True)
def backup_dir(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_DIR


@pytest.mark.django_db
def test_ops2_cli_health_json_exit_codes(capsys):
    assert main(["health", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "fail"
    assert {"name": "backup", "label": "最近完整备份", "ok": False, "detail": "尚无备份"} in \
        out["checks"]

    now = timezone.now()
    Heartbeat.objects.create(name="worker:1", role="worker", last_seen=now)
    Heartbeat.objects.create(name="scheduler:1", role="scheduler", last_seen=now)
    change_setting(actor=None, key="ops.disk_min_free_mb", raw_value="0")
    assert main(["backup"]) == 0
    capsys.readouterr()
    assert main(["health", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "ok"
    assert main(["health"]) == 0
    assert "[正常 OK  ] 数据库连接（database）：正常" in capsys.readouterr().out


@pytest.mark.django_db
def test_ops1_cli_backup_creates_a_file(capsys, backup_dir):
    assert main(["backup", "--kind", "orders"]) == 0
    made = Backup.objects.get()
    assert (made.kind, made.trigger, made.status, made.actor) == ("orders", "cli", "ok", None)
    assert [p.name for p in backup_dir.iterdir()] == [made.file_name]
    assert f"备份完成 / backup done: {made.file_name}" in capsys.readouterr().out
    assert Event.objects.get(verb="backup.made").actor_name == "系统"


@pytest.mark.django_db
def test_ops1_cli_restore_asks_first_and_refuses_bad_files(capsys, monkeypatch, backup_dir):
    assert main(["backup"]) == 0
    made = Backup.objects.get()
    Heartbeat.objects.create(name="worker:web1:42", role="worker", last_seen=timezone.now())
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert main(["restore", made.file_name]) == 1
    out = capsys.readouterr()
    assert "已取消 / cancelled" in out.out
    assert "警告：worker:web1:42 仍在运行" in out.err
    with open(backup_dir / made.file_name, "ab") as fh:
        fh.write(b"!")
    assert main(["restore", made.file_name, "--yes"]) == 2
    assert "备份文件校验和不符" in capsys.readouterr().err
    assert not Event.objects.filter(verb="backup.restored").exists()


@pytest.mark.django_db(transaction=True)
def test_ops1_cli_restore_by_file_name(capsys, make_user):
    assert main(["backup"]) == 0
    made = Backup.objects.get()
    make_user(username="after_backup")
    assert main(["restore", made.file_name, "--yes"]) == 0
    assert "已校验" in capsys.readouterr().out
    from shopops.accounts.models import User

    assert not User.objects.filter(username="after_backup").exists()
    event = Event.objects.get(verb="backup.restored")
    assert event.data["checksum_verified"] is True and event.actor_name == "系统"


@pytest.mark.django_db
def test_cli_manage_passes_through(capsys):
    assert main(["manage", "check"]) == 0
    assert "System check identified no issues" in capsys.readouterr().out


def test_cli_serve_starts_worker_and_scheduler_threads_unless_separate(monkeypatch):
    import uvicorn

    from shopops.core import scheduler, worker

    started = []
    monkeypatch.setattr(worker, "start_in_thread", lambda: started.append("worker"))
    monkeypatch.setattr(scheduler, "start_in_thread", lambda: started.append("scheduler"))
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port: started.append((app, host, port)))
    monkeypatch.delenv("SHOPOPS_SEPARATE_WORKERS", raising=False)
    assert main(["serve", "--port", "8123"]) == 0
    assert started == ["worker", "scheduler", ("shopops.asgi:application", "127.0.0.1", 8123)]
    started.clear()
    monkeypatch.setenv("SHOPOPS_SEPARATE_WORKERS", "1")
    assert main(["serve"]) == 0
    assert started == [("shopops.asgi:application", "127.0.0.1", 8000)]


@pytest.mark.django_db
def test_cli_demo_migrates_loads_prints_accounts_then_serves(monkeypatch, capsys):
    import uvicorn

    from shopops.ops import demo

    served = []
    monkeypatch.setattr(demo, "load_demo", lambda: [("manager", "Demo@2026", "部门经理")])
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port: served.append(port))
    monkeypatch.setenv("SHOPOPS_SEPARATE_WORKERS", "1")
    assert main(["demo", "--port", "8124"]) == 0
    out = capsys.readouterr().out
    assert "演示账号 Demo accounts" in out
    assert "manager" in out and "Demo@2026" in out and "部门经理" in out
    assert served == [8124]


def test_role2_createadmin_bootstraps_the_first_administrator_only_once(db, monkeypatch, capsys):
    from shopops.accounts.models import User
    from shopops.cli import main
    from shopops.core.access import user_can

    monkeypatch.setenv("SHOPOPS_ADMIN_PASSWORD", "Admin#2026x")
    assert main(["createadmin", "liming", "--name", "李明"]) == 0
    admin = User.objects.get(username="liming")
    assert admin.access_level == "db" and user_can(admin, "ops.backup")
    assert main(["createadmin", "second", "--name", "王五"]) == 2
    assert "系统管理员已存在" in capsys.readouterr().err
    assert not User.objects.filter(username="second").exists()


def test_role3_createadmin_refuses_a_weak_password(db, monkeypatch, capsys):
    from shopops.accounts.models import User
    from shopops.cli import main

    monkeypatch.setenv("SHOPOPS_ADMIN_PASSWORD", "1weak")
    assert main(["createadmin", "liming", "--name", "李明"]) == 2
    assert "密码" in capsys.readouterr().err
    assert not User.objects.exists()
