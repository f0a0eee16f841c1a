"""Backup, restore and retention (OPS-1). The web page, the CLI and the weekly job call
these; file work is in ops.backup.

actor=None means the system: the scheduler, or someone at the server's shell (`shopops`
CLI), who already has the database files in reach."""

import getpass
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.core.management.color import no_style
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from shopops.accounts.models import User
from shopops.accounts.queries import users_with_roles
from shopops.core import registry
from shopops.core.access import require
from shopops.core.errors import NotFoundError, UserError
from shopops.core.events import record
from shopops.core.notify import notify
from shopops.core.registry import setting

from . import backup as files
from .models import Backup

log = logging.getLogger("shopops.ops")
S = Backup.Status
TRIGGERS = ("manual", "schedule", "cli")


def _require(actor):
    if actor is not None:
        require(actor, "ops.backup")


def backup_path(row: Backup) -> Path:
    return files.backup_dir() / row.file_name


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.2f}"


def run_backup(*, actor, kind: str = "full", trigger: str = "manual") -> Backup:
    """Back up the database into BACKUP_DIR. Returns the Backup row, status ok or failed
    (a failure is recorded and the system administrators are told, not raised)."""
    _require(actor)
    if kind not in Backup.Kind.values:
        raise UserError("backup_kind_invalid", "未知的备份类型：{kind}", "Unknown backup kind: {kind}",
                        kind=kind)
    if trigger not in TRIGGERS:
        raise UserError("backup_trigger_invalid", "未知的触发方式：{trigger}",
                        "Unknown trigger: {trigger}", trigger=trigger)
    # kind "orders" is, for now, a complete dump under another name; ORD-9 will narrow it
    # to the order tables.
    eng, directory, started = files.engine(), files.backup_dir(), timezone.localtime()
    attempt = 1
    while True:
        name = files.file_name(kind, started, eng, attempt)
        try:
            # Creating the file exclusively reserves the name against a concurrent backup.
            (directory / name).open("x").close()
            break
        except FileExistsError:
            attempt += 1
    # The row is committed as "running" before the dump (which may take minutes) so the
    # backup page shows it; the dump itself runs outside any transaction.
    row = Backup.objects.create(kind=kind, status=S.RUNNING, started_at=started, file_name=name,
                                engine=eng, trigger=trigger, actor=actor)
    path = directory / name
    try:
        files.dump(path)
    except Exception as exc:  # any failure must end as a failed row, never a stuck one
        log.exception("backup %s failed", name)
        path.unlink(missing_ok=True)
        return _finish_failed(row, actor, exc)
    return _finish_ok(row, actor, path)


@transaction.atomic
def _finish_ok(row: Backup, actor, path: Path) -> Backup:
    row.status = S.OK
    row.finished_at = timezone.now()
    row.size_bytes = path.stat().st_size
    row.sha256 = files.sha256_of(path)
    row.save(update_fields=["status", "finished_at", "size_bytes", "sha256"])
    record(actor=actor, verb="backup.made", obj=row,
           summary=f"{row.get_kind_display()}完成：{row.file_name}（{_mb(row.size_bytes)} MB）",
           data={"file": row.file_name, "sha256": row.sha256, "size_bytes": row.size_bytes,
                 "kind": row.kind, "trigger": row.trigger, "engine": row.engine})
    return row


@transaction.atomic
def _finish_failed(row: Backup, actor, exc: Exception) -> Backup:
    row.status = S.FAILED
    row.finished_at = timezone.now()
    row.error = str(exc)[:4000] or type(exc).__name__
    row.save(update_fields=["status", "finished_at", "error"])
    record(actor=actor, verb="backup.failed", obj=row,
           summary=f"{row.get_kind_display()}失败：{row.error[:200]}",
           data={"file": row.file_name, "kind": row.kind, "trigger": row.trigger})
    notify(users_with_roles(["sysadmin"]), title=f"数据库备份失败：{row.file_name}",
           body=row.error, link=reverse("ops:backups"), category="backup:failed")
    return row


def resolve_backup_file(path) -> Path:
    """A path as typed at the shell, or just a file name from the backup list."""
    candidate = Path(path).expanduser()
    if not candidate.exists() and candidate.name == str(path):
        candidate = files.backup_dir() / candidate.name
    return candidate.resolve()


def restore_backup(*, actor, path) -> dict:
    """Replace the whole database with the backup file at `path`.

    Refused (nothing changed) when the file is missing, for the other engine, damaged, or
    known to us with a different checksum. The backup catalogue (ops_backup) describes
    files on disk rather than business data, so it is carried over the restore; the event
    saying the restore happened is written afterwards, into the restored log."""
    _require(actor)
    path = resolve_backup_file(path)
    files.check_restorable(path)
    digest = files.sha256_of(path)
    known = Backup.objects.filter(file_name=path.name).exclude(sha256="").order_by("-pk").first()
    if known is not None and known.sha256 != digest:
        raise UserError(
            "backup_checksum_mismatch",
            "备份文件校验和不符（可能已损坏或被篡改），拒绝恢复：{name}",
            "Backup checksum mismatch (damaged or altered file); restore refused: {name}",
            name=path.name,
        )
    catalogue = list(Backup.objects.values())
    actor_pk, actor_name = (actor.pk, str(actor)) if actor is not None else (None, "系统")

    files.restore(path)

    registry.clear_cache()  # settings now come from the restored table
    with transaction.atomic():
        _carry_over_catalogue(catalogue, path, digest)
        restored_actor = User.objects.filter(pk=actor_pk).first() if actor_pk else None
        record(actor=restored_actor, verb="backup.restored",
               object_type="ops.backup", object_id=str(known.pk) if known else "",
               object_repr=path.name,
               summary=f"数据库已从备份恢复：{path.name}",
               data={"file": path.name, "sha256": digest, "checksum_verified": known is not None,
                     "by": actor_name, "os_user": _os_user(), "engine": files.engine()})
    return {"file": path.name, "sha256": digest, "checksum_verified": known is not None}


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _carry_over_catalogue(rows: list[dict], path: Path, digest: str) -> None:
    user_ids = {r["actor_id"] for r in rows if r["actor_id"]}
    present = set(User.objects.filter(pk__in=user_ids).values_list("pk", flat=True))
    Backup.objects.filter(pk__in=[r["id"] for r in rows]).delete()
    Backup.objects.bulk_create(
        Backup(**{**r, "actor_id": r["actor_id"] if r["actor_id"] in present else None})
        for r in rows
    )
    # The file's own row was copied while that backup was still running; when the
    # catalogue was lost (a wiped database) that is the row we are left with.
    stat = path.stat()
    Backup.objects.filter(file_name=path.name, status=S.RUNNING).update(
        status=S.OK, size_bytes=stat.st_size, sha256=digest,
        finished_at=datetime.fromtimestamp(stat.st_mtime, tz=UTC),
    )
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Backup]):
            cursor.execute(sql)


def prune_backups(*, actor) -> list[Backup]:
    """Delete backups older than ops.backup_retention_days, always keeping the newest
    ops.backup_retention_min_count successful full backups. Files go after commit."""
    _require(actor)
    keep = setting("ops.backup_retention_min_count")
    cutoff = timezone.now() - timedelta(days=setting("ops.backup_retention_days"))
    protected = list(
        Backup.objects.filter(kind=Backup.Kind.FULL, status=S.OK)
        .order_by("-started_at", "-pk").values_list("pk", flat=True)[:keep]
    )
    doomed = Backup.objects.filter(status=S.OK, started_at__lt=cutoff).exclude(pk__in=protected)
    pruned = []
    with transaction.atomic():
        for row in doomed:
            if not Backup.objects.filter(pk=row.pk, status=S.OK).update(status=S.DELETED):
                continue  # pruned concurrently
            row.status = S.DELETED
            record(actor=actor, verb="backup.pruned", obj=row,
                   summary=f"按保留策略删除备份：{row.file_name}",
                   data={"file": row.file_name, "retention_days":
                         setting("ops.backup_retention_days"), "min_count": keep})
            pruned.append(row)
        paths = [backup_path(row) for row in pruned]
        transaction.on_commit(lambda: [p.unlink(missing_ok=True) for p in paths])
    return pruned


def download_backup(*, actor, backup_id: int) -> Path:
    """The file of one successful backup, for an administrator to keep off-site. Records
    who took a copy of the whole database."""
    require(actor, "ops.backup")
    row = Backup.objects.filter(pk=backup_id, status=S.OK).first()
    path = backup_path(row) if row is not None else None
    if path is None or not path.is_file():
        raise NotFoundError("backup_not_found", "备份文件不存在或已删除",
                            "Backup file not found or deleted")
    with transaction.atomic():
        record(actor=actor, verb="backup.downloaded", obj=row,
               summary=f"下载备份文件：{row.file_name}",
               data={"file": row.file_name, "sha256": row.sha256})
    return path
