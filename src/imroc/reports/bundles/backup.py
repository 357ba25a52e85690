"""Whole-database backup and restore.

SQLite uses sqlite3's online backup API, which copies a consistent snapshot page by page
while the server keeps running, and restores the same way into the live file. PostgreSQL
uses ``pg_dump -Fc`` and ``pg_restore --clean`` in a single transaction, when the client
tools are installed.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with a message for the person running it."""


def _database(alias: str = "default") -> dict:
    return connections[alias].settings_dict


def engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    return vendor


def _sqlite_path(alias: str = "default") -> Path:
    name = str(_database(alias)["NAME"])
    if name in ("", ":memory:") or name.startswith("file:"):
        raise BackupError("The database is held in memory, so there is nothing to back up.")
    return Path(name)


def _write_private(path: Path) -> None:
    """Backups hold personal data: only the owner may read them."""
    os.chmod(path, 0o600)


def backup(out: Path, alias: str = "default") -> str:
    """Write a backup of the whole database to ``out``. Returns the engine used."""
    out = Path(out)
    if out.exists() and out.is_dir():
        raise BackupError(f"{out} is a folder; give a file name.")
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    vendor = engine(alias)
    if vendor == "sqlite":
        path = _sqlite_path(alias)
        if not path.exists():
            raise BackupError(f"There is no database at {path}. Run 'imroc migrate' first.")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=20)
        try:
            part.unlink(missing_ok=True)
            target = sqlite3.connect(part)
            try:
                source.backup(target)
                # A self-contained file: no write-ahead log beside it.
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        except sqlite3.Error as error:
            part.unlink(missing_ok=True)
            raise BackupError(f"The backup failed: {error}.") from None
        finally:
            source.close()
    else:
        tool = shutil.which("pg_dump")
        if tool is None:
            raise BackupError(
                "pg_dump is not installed, so PostgreSQL cannot be backed up from here. "
                "Install the PostgreSQL client tools (for example 'apt install postgresql-client')."
            )
        args, env = _pg_args(alias)
        result = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings  # nosec
            [tool, "--format=custom", "--no-owner", f"--file={part}", *args],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            part.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    _write_private(part)
    os.replace(part, out)
    return vendor


def _pg_args(alias: str) -> tuple[list[str], dict]:
    db = _database(alias)
    env = dict(os.environ)
    args = []
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args.append(f"--dbname={db['NAME']}")
    return args, env


def kind_of(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError as error:
        raise BackupError(f"Cannot read {path} ({error.strerror}).") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not an imroc backup (neither SQLite nor pg_dump custom format).")


def _check_sqlite_backup(path: Path) -> None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            status = con.execute("PRAGMA quick_check").fetchone()[0]
            has_migrations = con.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'"
            ).fetchone()
        finally:
            con.close()
    except sqlite3.Error as error:
        raise BackupError(f"{path} is damaged: {error}.") from None
    if status != "ok":
        raise BackupError(f"{path} is damaged: {status}.")
    if not has_migrations:
        raise BackupError(f"{path} is an SQLite file but not an imroc database.")


def restore(path: Path, alias: str = "default") -> str:
    """Replace the whole database with the backup at ``path``. Returns the engine used."""
    path = Path(path)
    vendor = engine(alias)
    kind = kind_of(path)
    if kind != vendor:
        raise BackupError(
            f"{path} is a {kind} backup, but this installation uses {vendor}. "
            "Restore it into a matching database."
        )
    if vendor == "sqlite":
        _check_sqlite_backup(path)
        live = _sqlite_path(alias)
        connections[alias].close()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(live, timeout=20)
            try:
                target.execute("PRAGMA busy_timeout=20000")
                # Copies page by page under the database's own locks: other connections see
                # the old database or the restored one, never a mix.
                source.backup(target)
            finally:
                target.close()
        except sqlite3.Error as error:
            raise BackupError(
                f"The restore failed: {error}. The database was not changed."
            ) from None
        finally:
            source.close()
    else:
        tool = shutil.which("pg_restore")
        if tool is None:
            raise BackupError(
                "pg_restore is not installed. Install the PostgreSQL client tools "
                "(for example 'apt install postgresql-client')."
            )
        connections[alias].close()
        args, env = _pg_args(alias)
        result = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings  # nosec
            [
                tool,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(path),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(
                f"pg_restore failed, and the database was left as it was: {result.stderr.strip()}"
            )
    return vendor
