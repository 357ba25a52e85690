"""imroc backup and imroc restore: a round trip on a scratch database, never the test one.

SQLite: the scratch database starts as a copy of the migrated test database. PostgreSQL
(only when DATABASE_URL points at one): a scratch database created and dropped here.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from imroc.reports.bundles import backup as backup_module

IMROC = [sys.executable, "-m", "imroc.cli"]
ADD_PROGRAMME = (
    "import datetime; from imroc.programme.models import Programme; "
    "Programme.objects.create(name='Kept safe', slug='kept-safe', "
    "start_date=datetime.date(2011, 4, 1))"
)


def run(env, *args, ok=True):
    result = subprocess.run([*IMROC, *args], env=env, capture_output=True, text=True, timeout=600)
    if ok:
        assert result.returncode == 0, result.stderr + result.stdout
    return result


def base_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST")
    }
    env.update(DEBUG="1", IMROC_TESTING="0", **extra)
    return env


def sqlite_rows(path: Path, sql: str):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite round trip")
@pytest.mark.django_db
def test_sqlite_backup_and_restore_round_trip(tmp_path):
    folder = tmp_path / "instance"
    folder.mkdir()
    live = folder / "imroc.sqlite3"
    # A migrated database to work on: a copy of the test database's schema.
    source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    target = sqlite3.connect(live)
    source.backup(target)
    source.close(), target.close()
    env = base_env(IMROC_DATA_DIR=str(folder))

    run(env, "shell", "-c", ADD_PROGRAMME)
    out = tmp_path / "backups" / "imroc.backup"
    result = run(env, "backup", "--out", str(out))
    assert "Backed up the sqlite database" in result.stdout
    assert out.read_bytes().startswith(b"SQLite format 3\x00")
    assert out.stat().st_mode & 0o777 == 0o600

    # Lose the data, then get it back.
    con = sqlite3.connect(live)
    con.execute("DELETE FROM programme_programme WHERE slug = 'kept-safe'")
    con.commit()
    con.close()
    assert sqlite_rows(live, "SELECT count(*) FROM programme_programme WHERE slug='kept-safe'") == [
        (0,)
    ]

    refused = run(env, "restore", str(out), ok=False)
    assert refused.returncode == 2
    assert "Add --yes" in refused.stderr

    result = run(env, "restore", str(out), "--yes")
    assert "Restored the sqlite database" in result.stdout
    assert sqlite_rows(live, "SELECT count(*) FROM programme_programme WHERE slug='kept-safe'") == [
        (1,)
    ]
    assert sqlite_rows(live, "PRAGMA integrity_check") == [("ok",)]


@pytest.mark.django_db
def test_backup_command_while_the_database_is_in_use(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the in-process check reads the SQLite test database")
    out = tmp_path / "copy.sqlite3"
    call_command("backup", "--out", str(out))
    tables = sqlite_rows(out, "SELECT name FROM sqlite_master WHERE name = 'django_migrations'")
    assert tables == [("django_migrations",)]


def test_restore_refuses_files_that_are_not_backups(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"hello, not a backup")
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(junk), "--yes")
    assert caught.value.returncode == 2
    assert "not an imroc backup" in str(caught.value)
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(tmp_path / "missing.backup"), "--yes")
    assert caught.value.returncode == 2
    # An SQLite file that is not an imroc database.
    other = tmp_path / "other.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(backup_module.BackupError, match="not an imroc database"):
        backup_module._check_sqlite_backup(other)


def test_backup_refuses_a_folder_as_output(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("backup", "--out", str(tmp_path))
    assert caught.value.returncode == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_postgresql_backup_and_restore_round_trip(tmp_path):
    import psycopg

    db = settings.DATABASES["default"]
    scratch = f"imroc_bundles_scratch_{uuid.uuid4().hex[:8]}"
    admin = {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{scratch}"')
    try:
        auth = db.get("USER") or ""
        if db.get("PASSWORD"):
            auth += f":{db['PASSWORD']}"
        url = (
            f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{scratch}"
        )
        env = base_env(DATABASE_URL=url, IMROC_DATA_DIR=str(tmp_path / "instance"))
        run(env, "migrate", "-v", "0")
        run(env, "shell", "-c", ADD_PROGRAMME)
        out = tmp_path / "imroc.dump"
        result = run(env, "backup", "--out", str(out))
        assert "Backed up the postgresql database" in result.stdout
        assert out.read_bytes().startswith(b"PGDMP")

        def kept() -> int:
            with psycopg.connect(**{**admin, "dbname": scratch}, autocommit=True) as con:
                return con.execute(
                    "SELECT count(*) FROM programme_programme WHERE slug = 'kept-safe'"
                ).fetchone()[0]

        with psycopg.connect(**{**admin, "dbname": scratch}, autocommit=True) as con:
            con.execute("DELETE FROM programme_programme WHERE slug = 'kept-safe'")
        assert kept() == 0
        run(env, "restore", str(out), "--yes")
        assert kept() == 1
    finally:
        with psycopg.connect(**admin, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
