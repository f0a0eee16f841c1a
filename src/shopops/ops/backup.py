"""Database dump and restore for both engines (OPS-1). Files only — the Backup rows,
permissions and events live in ops.actions.

SQLite: the sqlite3 online backup API copies a consistent snapshot while the system
keeps running (WAL readers never block), then the copy is gzipped.
PostgreSQL: pg_dump --format=custom / pg_restore --clean into the same database.
"""

import gzip
import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections

from shopops.core.errors import UserError

EXTENSIONS = {"sqlite": "sqlite3.gz", "postgresql": "dump"}
PG_TIMEOUT_SECONDS = 6 * 3600


class BackupToolError(RuntimeError):
    """pg_dump/pg_restore or sqlite3 failed; the message is what the tool said."""


def db_settings() -> dict:
    # connections[...] rather than settings.DATABASES: the test runner renames the
    # database on the connection, and that is the one the system is really using.
    return connections["default"].settings_dict


def engine() -> str:
    return "postgresql" if "postgresql" in db_settings()["ENGINE"] else "sqlite"


def backup_dir() -> Path:
    path = Path(settings.BACKUP_DIR)
    path.mkdir(parents=True, exist_ok=True)
    try:
        # Backups hold every customer's data: only the service account may read them.
        path.chmod(0o700)
    except OSError:  # a mounted directory we do not own; its owner decides
        pass
    return path


def file_name(kind: str, when, eng: str, attempt: int = 1) -> str:
    stamp = when.strftime("%Y%m%d-%H%M%S")
    if attempt > 1:  # two backups in the same second
        stamp += f"-{attempt}"
    return f"shopops-{kind}-{stamp}-{eng}.{EXTENSIONS[eng]}"


def engine_of_file(path: Path) -> str | None:
    for eng, ext in EXTENSIONS.items():
        if path.name.endswith("." + ext):
            return eng
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def dump(path: Path) -> None:
    """Write a backup of the live database to `path` (replacing the empty placeholder
    that reserved the name)."""
    if engine() == "postgresql":
        _pg_dump(path)
    else:
        _sqlite_dump(path)
    path.chmod(0o600)


def restore(path: Path) -> None:
    """Replace the live database's contents with the backup at `path`."""
    check_restorable(path)
    if engine() == "postgresql":
        _pg_restore(path)
    else:
        _sqlite_restore(path)


def check_restorable(path: Path) -> None:
    eng = engine()
    if not path.is_file():
        raise UserError("backup_file_missing", "备份文件不存在：{path}",
                        "Backup file not found: {path}", path=str(path))
    if engine_of_file(path) != eng:
        raise UserError(
            "backup_wrong_engine",
            "该文件不是当前数据库（{engine}）的备份：{name}",
            "This file is not a backup of the current database ({engine}): {name}",
            engine=eng, name=path.name,
        )


def _close_connections() -> None:
    if connections["default"].in_atomic_block:
        # Closing would silently break the caller's transaction: restore runs on its own.
        raise RuntimeError("restore must not run inside a transaction")
    connections.close_all()


# --- SQLite ----------------------------------------------------------------------------

def _sqlite_dump(path: Path) -> None:
    source_name = str(db_settings()["NAME"])
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        src = sqlite3.connect(source_name, timeout=30)
        dst = sqlite3.connect(copy)
        try:
            src.backup(dst)
            _check_sqlite(dst)
        finally:
            dst.close()
            src.close()
        with open(copy, "rb") as fin, gzip.open(path, "wb") as fout:
            shutil.copyfileobj(fin, fout, 1024 * 1024)


def _check_sqlite(conn) -> None:
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise BackupToolError(f"SQLite quick_check: {result}")


def _sqlite_restore(path: Path) -> None:
    target = str(db_settings()["NAME"])
    with tempfile.TemporaryDirectory(dir=backup_dir()) as tmp:
        copy = Path(tmp) / "restore.sqlite3"
        src = None
        try:
            with gzip.open(path, "rb") as fin, open(copy, "wb") as fout:
                shutil.copyfileobj(fin, fout, 1024 * 1024)
            src = sqlite3.connect(copy)
            _check_sqlite(src)
        except (OSError, EOFError, sqlite3.DatabaseError, BackupToolError) as exc:
            if src is not None:
                src.close()
            raise UserError("backup_unreadable", "备份文件已损坏，无法恢复：{error}",
                            "The backup file is damaged and cannot be restored: {error}",
                            error=str(exc)) from None
        # Our own connections hold no locks once closed; the backup API then replaces the
        # live file page by page inside one write transaction, so other processes see
        # either the old or the new database, never a half-copied file.
        _close_connections()
        dst = sqlite3.connect(target, timeout=60)
        try:
            src.backup(dst)
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dst.close()
            src.close()


# --- PostgreSQL ------------------------------------------------------------------------

def _pg_args_env() -> tuple[list[str], dict]:
    db = db_settings()
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--dbname", str(db["NAME"]), "--no-password"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupToolError(f"找不到 {name}（请安装 PostgreSQL 客户端） / {name} not found")
    return found


def _run(cmd: list[str], env: dict) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True,
                          timeout=PG_TIMEOUT_SECONDS, check=False)
    if proc.returncode != 0:
        raise BackupToolError(proc.stderr.strip() or f"{cmd[0]} exited {proc.returncode}")


def _pg_dump(path: Path) -> None:
    args, env = _pg_args_env()
    _run([_tool("pg_dump"), "--format=custom", "--file", str(path), *args], env)


def _pg_restore(path: Path) -> None:
    args, env = _pg_args_env()
    pg_restore = _tool("pg_restore")
    # Read the archive's table of contents first: a damaged file is refused before
    # anything in the live database is dropped.
    proc = subprocess.run([pg_restore, "--list", str(path)], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise UserError("backup_unreadable", "备份文件已损坏，无法恢复：{error}",
                        "The backup file is damaged and cannot be restored: {error}",
                        error=proc.stderr.strip())
    # An open transaction of ours would block the DROPs.
    _close_connections()
    _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
          *args, str(path)], env)
