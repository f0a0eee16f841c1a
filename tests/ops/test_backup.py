"""OPS-1: backups, restore (proved by comparing every table), retention, the weekly job."""

import gzip
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from shopops.core.actions.settings import change_setting
from shopops.core.errors import PermissionDeniedError, UserError
from shopops.core.events import record
from shopops.core.models import Deadline, Event, Heartbeat, Notification, Proposal, ProposalAction
from shopops.core.notify import notify
from shopops.ops import actions, backup
from shopops.ops.models import Backup


@pytest.fixture(autouse=True)
def backup_dir(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_DIR


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            pk = connection.introspection.get_primary_key_columns(cursor, table) or []
            quoted = connection.ops.quote_name(table)
            order = ", ".join(connection.ops.quote_name(c) for c in pk) or "1"
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY {order}")
            out[table] = [tuple(row) for row in cursor.fetchall()]
    return out


def make_business_data(make_user):
    from shopops.accounts.models import Role, RoleAssignment

    admin = make_user(roles=["sysadmin"], level="db", username="admin1",
                      display_name="王管理")
    editor = make_user(roles=["editor", "planner"], username="editor1", display_name="李编辑")
    role = Role.objects.create(code="night_shift", name="夜班", capabilities=["core.view_events"])
    RoleAssignment.objects.create(user=editor, role=role, acting=True, note="代理夜班")
    proposal = Proposal.objects.create(kind="price_change", title="调价 ¥99→¥89", proposer=editor,
                                       payload={"sku": "A-1", "price_fen": 8900},
                                       state=Proposal.State.PENDING)
    ProposalAction.objects.create(proposal=proposal, verb="submit", actor=editor, comment="请批")
    record(actor=editor, verb="proposal.submitted", obj=proposal, summary="提交调价",
           changes={"state": ["draft", "pending"]})
    notify([admin, editor], title="测试通知", body="正文", category="test")
    change_setting(actor=None, key="ops.backup_retention_days", raw_value="45")
    Deadline.objects.create(title="审单", subject_type="core.proposal", subject_id=str(proposal.pk),
                            owner=admin, due_at=timezone.now() + timedelta(hours=1),
                            action=Deadline.Action.NOTIFY)
    Heartbeat.objects.create(name="worker:test", role="worker")
    return admin, editor


def assert_same_except_restore(before, after, *, backup_rows):
    assert set(before) == set(after)
    for table in before:
        if table in ("core_event", "ops_backup"):
            continue
        assert after[table] == before[table], f"table {table} differs after restore"
    # The event log is the restored one plus the event saying the restore happened.
    assert after["core_event"][:-1] == before["core_event"]
    assert Event.objects.order_by("-pk").first().verb == "backup.restored"
    assert len(after["ops_backup"]) == backup_rows


@pytest.mark.django_db(transaction=True)
def test_ops1_backup_wipe_restore_gives_back_every_row_of_every_table(make_user):
    admin, _ = make_business_data(make_user)
    before = snapshot()
    assert len(before["accounts_user"]) == 2 and len(before["core_proposal"]) == 1

    made = actions.run_backup(actor=admin, kind="full")
    assert made.status == Backup.Status.OK, made.error
    path = actions.backup_path(made)
    assert path.is_file() and backup.sha256_of(path) == made.sha256

    call_command("flush", interactive=False, verbosity=0)  # the disaster
    assert not Proposal.objects.exists() and not Event.objects.exists()

    result = actions.restore_backup(actor=None, path=path)

    # The catalogue went with the wipe, so the file could not be checked against it.
    assert result == {"file": path.name, "sha256": made.sha256, "checksum_verified": False}
    assert_same_except_restore(before, snapshot(), backup_rows=1)
    # The row copied while the backup was running now tells the truth about the file.
    row = Backup.objects.get()
    assert (row.file_name, row.status, row.sha256) == (path.name, "ok", made.sha256)
    assert row.size_bytes == path.stat().st_size
    event = Event.objects.order_by("-pk").first()
    assert event.summary == f"数据库已从备份恢复：{path.name}"
    assert event.actor is None and event.data["checksum_verified"] is False


@pytest.mark.django_db(transaction=True)
def test_ops1_restore_undoes_later_changes_and_keeps_the_backup_catalogue(make_user):
    admin, editor = make_business_data(make_user)
    before = snapshot()
    made = actions.run_backup(actor=admin, kind="full")
    assert made.status == "ok", made.error

    # Later changes, all of which the restore must undo.
    make_user(username="later")
    Notification.objects.filter(recipient=editor).delete()
    change_setting(actor=None, key="ops.backup_retention_days", raw_value="90")
    Proposal.objects.update(title="改过的标题")
    second = actions.run_backup(actor=admin, kind="orders")
    assert second.status == "ok", second.error

    result = actions.restore_backup(actor=admin, path=actions.backup_path(made))

    assert result["checksum_verified"] is True
    assert_same_except_restore(before, snapshot(), backup_rows=2)
    # Both backup files are still listed as they were before the restore.
    assert list(Backup.objects.order_by("pk").values_list("file_name", "status", "sha256")) == [
        (made.file_name, "ok", made.sha256), (second.file_name, "ok", second.sha256)]
    event = Event.objects.order_by("-pk").first()
    assert (event.verb, event.actor, event.object_id) == ("backup.restored", admin, str(made.pk))
    from shopops.core.registry import setting

    assert setting("ops.backup_retention_days") == 45
    # New rows after the restore get fresh ids (sequences follow the restored data).
    third = actions.run_backup(actor=admin)
    assert third.pk > second.pk and third.status == "ok"


@pytest.mark.django_db
def test_ops1_backup_file_name_size_checksum_and_event(make_user):
    admin = make_user(roles=["sysadmin"], level="db")
    made = actions.run_backup(actor=admin, kind="orders")
    engine = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    ext = "dump" if engine == "postgresql" else "sqlite3.gz"
    stamp = timezone.localtime(made.started_at).strftime("%Y%m%d-%H%M%S")
    assert made.file_name == f"shopops-orders-{stamp}-{engine}.{ext}"
    assert (made.status, made.engine, made.trigger, made.actor) == ("ok", engine, "manual", admin)
    path = actions.backup_path(made)
    assert made.size_bytes == path.stat().st_size > 0
    assert made.sha256 == backup.sha256_of(path)
    if engine == "sqlite":
        assert gzip.open(path).read(16) == b"SQLite format 3\x00"
    event = Event.objects.get(verb="backup.made")
    assert (event.actor, event.object_id, event.data["sha256"]) == (admin, str(made.pk), made.sha256)
    # Two backups within one second get distinct files.
    again = actions.run_backup(actor=admin, kind="orders")
    assert again.status == "ok" and again.file_name != made.file_name


@pytest.mark.django_db
def test_ops1_backup_needs_the_backup_capability(make_user):
    manager = make_user(roles=["manager"])
    sysadmin_at_write_level = make_user(roles=["sysadmin"], level="write")
    for person in (manager, sysadmin_at_write_level):
        with pytest.raises(PermissionDeniedError):
            actions.run_backup(actor=person)
    assert not Backup.objects.exists()


@pytest.mark.django_db
def test_ops1_failed_backup_is_recorded_and_the_administrator_told(make_user, monkeypatch,
                                                                   backup_dir):
    admin = make_user(roles=["sysadmin"], level="db")

    def broken(path):
        path.write_bytes(b"partial")
        raise backup.BackupToolError("pg_dump: error: connection refused")

    monkeypatch.setattr(backup, "dump", broken)
    made = actions.run_backup(actor=None, trigger="schedule")
    assert (made.status, made.error) == ("failed", "pg_dump: error: connection refused")
    assert list(backup_dir.iterdir()) == []  # no half-written file left behind
    assert Event.objects.get(verb="backup.failed").object_id == str(made.pk)
    note = Notification.objects.get(recipient=admin)
    assert note.title == f"数据库备份失败：{made.file_name}" and note.category == "backup:failed"


@pytest.mark.django_db
def test_ops1_checksum_mismatch_refuses_restore(make_user):
    admin = make_user(roles=["sysadmin"], level="db")
    made = actions.run_backup(actor=admin)
    path = actions.backup_path(made)
    with open(path, "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(UserError) as err:
        actions.restore_backup(actor=admin, path=path)
    assert err.value.code == "backup_checksum_mismatch"
    assert str(err.value) == (f"备份文件校验和不符（可能已损坏或被篡改），拒绝恢复：{path.name} "
                              f"(Backup checksum mismatch (damaged or altered file); restore "
                              f"refused: {path.name})")
    assert not Event.objects.filter(verb="backup.restored").exists()
    assert Backup.objects.get().pk == made.pk  # database untouched


@pytest.mark.django_db
def test_ops1_damaged_unknown_or_foreign_files_are_refused(make_user, backup_dir):
    admin = make_user(roles=["sysadmin"], level="db")
    backup_dir.mkdir(parents=True, exist_ok=True)
    ext = "dump" if connection.vendor == "postgresql" else "sqlite3.gz"
    other = "sqlite3.gz" if ext == "dump" else "dump"
    garbage = backup_dir / f"shopops-full-20260101-000000-x.{ext}"
    garbage.write_bytes(b"not a backup at all")
    foreign = backup_dir / f"shopops-full-20260101-000000-x.{other}"
    foreign.write_bytes(b"whatever")
    cases = [(garbage, "backup_unreadable"), (foreign, "backup_wrong_engine"),
             (backup_dir / "missing.dump", "backup_file_missing")]
    for path, code in cases:
        with pytest.raises(UserError) as err:
            actions.restore_backup(actor=admin, path=path)
        assert err.value.code == code
    assert admin.__class__.objects.filter(pk=admin.pk).exists()
    with pytest.raises(PermissionDeniedError):
        actions.restore_backup(actor=make_user(roles=["manager"]), path=garbage)


def _fake_backup(backup_dir, *, days_old, kind="full", status="ok"):
    started = timezone.now() - timedelta(days=days_old)
    name = f"shopops-{kind}-{days_old:04d}-sqlite.sqlite3.gz"
    backup_dir.mkdir(parents=True, exist_ok=True)
    (backup_dir / name).write_bytes(b"x")
    return Backup.objects.create(kind=kind, status=status, started_at=started, file_name=name,
                                 engine="sqlite", size_bytes=1, sha256="0" * 64)


@pytest.mark.django_db
def test_ops1_retention_prunes_old_backups_but_keeps_the_newest_full_ones(
        make_user, backup_dir, django_capture_on_commit_callbacks):
    admin = make_user(roles=["sysadmin"], level="db")
    change_setting(actor=None, key="ops.backup_retention_days", raw_value="30")
    change_setting(actor=None, key="ops.backup_retention_min_count", raw_value="2")
    full_1 = _fake_backup(backup_dir, days_old=1)
    full_40 = _fake_backup(backup_dir, days_old=40)
    full_50 = _fake_backup(backup_dir, days_old=50)
    full_70 = _fake_backup(backup_dir, days_old=70)
    orders_2 = _fake_backup(backup_dir, days_old=2, kind="orders")
    orders_45 = _fake_backup(backup_dir, days_old=45, kind="orders")
    failed_80 = _fake_backup(backup_dir, days_old=80, status="failed")

    with django_capture_on_commit_callbacks(execute=True):
        pruned = actions.prune_backups(actor=admin)

    assert {b.pk for b in pruned} == {full_50.pk, full_70.pk, orders_45.pk}
    status = dict(Backup.objects.values_list("pk", "status"))
    assert status == {full_1.pk: "ok", full_40.pk: "ok", full_50.pk: "deleted",
                      full_70.pk: "deleted", orders_2.pk: "ok", orders_45.pk: "deleted",
                      failed_80.pk: "failed"}
    left = sorted(p.name for p in backup_dir.iterdir())
    assert left == sorted(b.file_name for b in (full_1, full_40, orders_2, failed_80))
    assert Event.objects.filter(verb="backup.pruned", actor=admin).count() == 3
    # Nothing more to do the second time.
    assert actions.prune_backups(actor=None) == []


@pytest.mark.django_db
def test_ops1_retention_always_keeps_min_count_full_backups(backup_dir,
                                                            django_capture_on_commit_callbacks):
    change_setting(actor=None, key="ops.backup_retention_min_count", raw_value="2")
    old = [_fake_backup(backup_dir, days_old=d) for d in (100, 200, 300)]
    with django_capture_on_commit_callbacks(execute=True):
        pruned = actions.prune_backups(actor=None)
    assert [b.pk for b in pruned] == [old[2].pk]
    assert sorted(p.name for p in backup_dir.iterdir()) == sorted(b.file_name for b in old[:2])


@pytest.mark.django_db
def test_ops1_weekly_full_backup_is_scheduled_on_the_configured_day_and_time():
    from shopops.core.periodic import PERIODIC

    job = PERIODIC["ops.weekly_full_backup"]
    tz = timezone.get_default_timezone()
    monday = timezone.make_aware(datetime(2026, 11, 23, 9, 0), tz)
    # Defaults: weekday 6 (Saturday), 18:00 Beijing time.
    assert job.next_run(monday) == timezone.make_aware(datetime(2026, 11, 28, 18, 0), tz)
    change_setting(actor=None, key="ops.full_backup_weekday", raw_value="3")
    change_setting(actor=None, key="ops.full_backup_time", raw_value="09:30")
    assert job.next_run(monday) == timezone.make_aware(datetime(2026, 11, 25, 9, 30), tz)
    assert "ops.health_check" in PERIODIC


@pytest.mark.django_db
def test_ord9_order_data_is_backed_up_every_day_at_18(backup_dir,
                                                      django_capture_on_commit_callbacks):
    """ORD-9: the order data every day at 18:00, besides the weekly full backup."""
    from shopops.core.models import PeriodicJob
    from shopops.core.periodic import PERIODIC, run_due_jobs

    job = PERIODIC["ops.daily_orders_backup"]
    tz = timezone.get_default_timezone()
    monday = timezone.make_aware(datetime(2026, 11, 23, 9, 0), tz)
    assert job.next_run(monday) == timezone.make_aware(datetime(2026, 11, 23, 18, 0), tz)
    evening = timezone.make_aware(datetime(2026, 11, 23, 18, 0), tz)
    assert job.next_run(evening) == timezone.make_aware(datetime(2026, 11, 24, 18, 0), tz)
    PeriodicJob.objects.create(name="ops.daily_orders_backup",
                               next_run_at=timezone.now() - timedelta(minutes=1))
    PeriodicJob.objects.create(name="ops.health_check",
                               next_run_at=timezone.now() + timedelta(days=1))
    PeriodicJob.objects.create(name="ops.weekly_full_backup",
                               next_run_at=timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        ran = run_due_jobs(scheduler_id="test")
    assert "ops.daily_orders_backup" in ran
    made = Backup.objects.get(trigger="schedule")
    assert (made.status, made.kind, made.actor) == ("ok", "orders", None), made.error


@pytest.mark.django_db
def test_ops1_scheduled_backup_runs_as_the_system_and_prunes(backup_dir,
                                                            django_capture_on_commit_callbacks):
    from shopops.core.models import PeriodicJob
    from shopops.core.periodic import run_due_jobs

    change_setting(actor=None, key="ops.backup_retention_min_count", raw_value="1")
    ancient = _fake_backup(backup_dir, days_old=400)
    PeriodicJob.objects.create(name="ops.weekly_full_backup",
                               next_run_at=timezone.now() - timedelta(minutes=1))
    PeriodicJob.objects.create(name="ops.health_check",
                               next_run_at=timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        ran = run_due_jobs(scheduler_id="test")
    assert "ops.weekly_full_backup" in ran
    made = Backup.objects.get(trigger="schedule")
    assert (made.status, made.kind, made.actor) == ("ok", "full", None), made.error
    assert Backup.objects.get(pk=ancient.pk).status == "deleted"
    assert PeriodicJob.objects.get(name="ops.weekly_full_backup").last_status == "ok"


@pytest.mark.django_db
def test_ops1_restore_refuses_to_run_inside_a_transaction(make_user):
    admin = make_user(roles=["sysadmin"], level="db")
    made = actions.run_backup(actor=admin)
    with pytest.raises(RuntimeError, match="restore must not run inside a transaction"):
        actions.restore_backup(actor=admin, path=actions.backup_path(made))
    assert Backup.objects.get().status == "ok"  # connection still usable, nothing changed
