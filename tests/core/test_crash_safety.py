"""kill -9 in the middle of a bulk write leaves the database consistent: all of it or none.

A real `imroc import datapoints` subprocess loads a large CSV into its own database (a file
SQLite database; and a scratch PostgreSQL database when the suite runs on PostgreSQL). Once it
has checked every row and is writing, it is killed with SIGKILL. The database must then hold
exactly none or exactly all of the points (and the import's audit event with them), pass its
integrity check, and take the same import again to completion. A third test kills a gunicorn
server (master and worker) while it writes a 100,000-row API bulk upsert.

Set IMROC_CRASH_ROWS to change the size of the import (default 200,000).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
ROWS = int(os.environ.get("IMROC_CRASH_ROWS", "200000"))
MEASURES = 1000

SETUP = """
import datetime as dt, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from imroc.measures.models import Measure
from imroc.programme.models import Organisation, Programme, Site
programme = Programme.objects.create(name="Crash", slug="crash", start_date=dt.date(2011, 4, 1))
org = Organisation.objects.create(name="Crash Trust", slug="crash-trust", org_type="nhs_trust", country="GB")
site = Site.objects.create(programme=programme, organisation=org, slug="crash-trust",
                           category="demonstration", joined_on=dt.date(2011, 4, 1))
measures = Measure.objects.bulk_create(
    Measure(site=site, name=f"M{i}", definition="x", frequency="monthly") for i in range(int(sys.argv[2]))
)
rows, per = int(sys.argv[3]), -(-int(sys.argv[3]) // len(measures))
with open(sys.argv[1], "w") as out:
    out.write("measure,period,value\\n")
    n, y, m = 0, 2000, 1
    for _ in range(per):
        for i, measure in enumerate(measures):
            if n < rows:
                out.write(f"{measure.public_id},{y}-{m:02d}-01,{(i * 7 + n) % 97}\\n")
                n += 1
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
"""


def _env(database_url: str, data_dir: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imroc.settings",
        "DATABASE_URL": database_url,
        "IMROC_DATA_DIR": str(data_dir),
        "DEBUG": "0",
        "IMROC_TESTING": "1",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(ROOT / "src"),
    }


def _imroc(*args):
    return [sys.executable, "-m", "imroc.cli", *args]


def _prepare(env, data_dir: Path) -> Path:
    csv_path = data_dir / "points.csv"
    subprocess.run(
        [sys.executable, "-c", SETUP, str(csv_path), str(MEASURES), str(ROWS)],
        env=env, check=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    return csv_path


def _start_import(env, csv_path: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        _imroc("import", "datapoints", "crash-trust", str(csv_path)),
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    line = proc.stdout.readline()  # printed after every row is checked, just before the write
    assert line.startswith("Checked"), line + proc.stderr.read()
    return proc


def _kill(proc: subprocess.Popen) -> bool:
    """SIGKILL the import. True if it was still running (so killed mid-write)."""
    alive = proc.poll() is None
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    return alive


def _finish_and_verify(env, csv_path: Path) -> None:
    done = subprocess.run(
        _imroc("import", "datapoints", "crash-trust", str(csv_path)),
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Imported {ROWS:,} rows" in done.stdout
    verify = subprocess.run(
        _imroc("audit", "verify"), env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_kill_9_mid_import_on_sqlite_leaves_all_or_nothing(tmp_path):
    db = tmp_path / "crash.sqlite3"
    env = _env(f"sqlite:///{db}", tmp_path)
    csv_path = _prepare(env, tmp_path)
    wal = Path(f"{db}-wal")
    proc = _start_import(env, csv_path)
    base = wal.stat().st_size if wal.exists() else 0
    deadline = time.monotonic() + 120
    # Mid-write: the write-ahead log grows as the transaction's pages are written.
    while proc.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > base + 512 * 1024:
            break
        time.sleep(0.005)
    killed_mid_write = _kill(proc)

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        points = conn.execute("SELECT count(*) FROM measures_datapoint").fetchone()[0]
        events = conn.execute(
            "SELECT count(*) FROM core_auditevent WHERE action = 'measure.bulk_upsert'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert (points, events) in ((0, 0), (ROWS, 1)), (points, events)
    if killed_mid_write:
        print(f"SQLite: killed mid-write; {points:,} of {ROWS:,} points present afterwards")
    _finish_and_verify(env, csv_path)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM measures_datapoint").fetchone()[0] == ROWS
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...)",
)
def test_kill_9_mid_import_on_postgresql_leaves_all_or_nothing(tmp_path):
    import psycopg

    conf = settings.DATABASES["default"]
    admin = psycopg.connect(
        host=conf["HOST"] or None, port=conf["PORT"] or None, user=conf["USER"] or None,
        password=conf["PASSWORD"] or None, dbname="postgres", autocommit=True,
    )  # fmt: skip
    name = f"imroc_crash_{os.getpid()}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
        url = f"postgres://{auth}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{name}"
        env = _env(url, tmp_path)
        csv_path = _prepare(env, tmp_path)
        proc = _start_import(env, csv_path)
        deadline = time.monotonic() + 120
        copying = False
        # Mid-write: PostgreSQL reports the import's COPY as it streams rows in.
        while proc.poll() is None and time.monotonic() < deadline:
            row = admin.execute(
                "SELECT tuples_processed FROM pg_stat_progress_copy p "
                "JOIN pg_database d ON d.oid = p.datid WHERE d.datname = %s",
                [name],
            ).fetchone()
            if row and row[0] > 1000:
                copying = True
                break
            time.sleep(0.005)
        killed_mid_write = _kill(proc) and copying
        # The server notices the lost client and rolls its transaction back.
        for _ in range(600):
            busy = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state <> 'idle'",
                [name],
            ).fetchone()[0]
            if not busy:
                break
            time.sleep(0.05)
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
            points = conn.execute("SELECT count(*) FROM measures_datapoint").fetchone()[0]
            events = conn.execute(
                "SELECT count(*) FROM core_auditevent WHERE action = 'measure.bulk_upsert'"
            ).fetchone()[0]
            orphans = conn.execute(
                "SELECT count(*) FROM measures_datapoint p LEFT JOIN measures_measure m "
                "ON m.id = p.measure_id WHERE m.id IS NULL"
            ).fetchone()[0]
        assert (points, events) in ((0, 0), (ROWS, 1)), (points, events)
        assert orphans == 0
        if killed_mid_write:
            assert points == 0  # killed while its COPY was running: nothing was committed
            print(f"PostgreSQL: killed mid-COPY; {points:,} of {ROWS:,} points present afterwards")
        _finish_and_verify(env, csv_path)
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
            assert conn.execute("SELECT count(*) FROM measures_datapoint").fetchone()[0] == ROWS
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


TOKEN_SETUP = """
import django
django.setup()
from django.contrib.auth import get_user_model
from imroc.api.services import create_token
from imroc.core.audit import SystemActor
from imroc.programme.models import Site, SiteMembership
user = get_user_model().objects.create_user("crash-lead")
SiteMembership.objects.create(user=user, site=Site.objects.get(slug="crash-trust"), role="lead")
print(create_token(user, actor=SystemActor("tests"), name="crash test", scope="write")[1])
"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_kill_9_of_the_server_mid_bulk_post_on_sqlite(tmp_path):
    """gunicorn is killed (master and worker) while it writes a 100,000-row API bulk upsert."""
    import csv
    import http.client
    import json
    import threading

    db = tmp_path / "server.sqlite3"
    env = _env(f"sqlite:///{db}", tmp_path)
    csv_path = _prepare(env, tmp_path)
    token = subprocess.run(
        [sys.executable, "-c", TOKEN_SETUP], env=env, cwd=ROOT, check=True, timeout=300,
        capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    with csv_path.open() as handle:
        rows = [
            {"measure": r["measure"], "period": r["period"], "value": float(r["value"])}
            for r in csv.DictReader(handle)
        ][:100_000]
    body = json.dumps({"rows": rows}).encode()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "imroc.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--timeout", "600"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    outcome = {}
    try:
        for _ in range(600):  # wait until it answers
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")

        def post():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            try:
                conn.request(
                    "POST", "/api/v1/sites/crash-trust/points/bulk", body=body,
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                )  # fmt: skip
                outcome["status"] = conn.getresponse().status
            except OSError as error:
                outcome["error"] = error

        client = threading.Thread(target=post)
        wal = Path(f"{db}-wal")
        base = wal.stat().st_size if wal.exists() else 0
        client.start()
        deadline = time.monotonic() + 300
        while client.is_alive() and time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > base + 512 * 1024:
                break
            time.sleep(0.005)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    client.join(timeout=60)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        points = conn.execute("SELECT count(*) FROM measures_datapoint").fetchone()[0]
        events = conn.execute(
            "SELECT count(*) FROM core_auditevent WHERE action = 'measure.bulk_upsert'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert (points, events) in ((0, 0), (len(rows), 1)), (points, events, outcome)
    if "status" not in outcome:
        print(f"server killed mid-request; {points:,} of {len(rows):,} points present afterwards")
    verify = subprocess.run(
        _imroc("audit", "verify"), env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
