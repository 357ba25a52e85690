"""What the bulk data-point benchmarks share: a throwaway database per run, the bench site, and
timing by wall clock and CPU (this process plus, for PostgreSQL on this machine, its server).

Used by ``api_bulk_bench.py`` and ``bulk_upsert_bench.py``; those are run as scripts from the
repository root, so this folder is on ``sys.path`` and ``import _harness`` finds this file.
Each database is benchmarked in its own subprocess (the script again, with ``--one <url>``),
because Django is configured once per process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(database_url: str, data_dir: str) -> None:
    """Configure Django for a fresh database and migrate it."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "imroc.settings",
            "IMROC_DATA_DIR": data_dir,
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "IMROC_TESTING": "1",
            "SECRET_KEY": secrets.token_urlsafe(40),
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_site():
    """One programme, organisation and site, with its lead: returns (site, lead)."""
    from django.contrib.auth import get_user_model

    from imroc.programme.models import Organisation, Programme, Site, SiteMembership

    programme = Programme.objects.create(name="Bench", slug="bench", start_date=dt.date(2011, 4, 1))
    org = Organisation.objects.create(
        name="Bench Trust", slug="bench-trust", org_type="nhs_trust", country="GB"
    )
    site = Site.objects.create(
        programme=programme, organisation=org, slug="bench-trust",
        category="demonstration", joined_on=dt.date(2011, 4, 1),
    )  # fmt: skip
    lead = get_user_model().objects.create_user("bench-lead", password=secrets.token_hex(16))
    SiteMembership.objects.create(user=lead, site=site, role="lead")
    return site, lead


def server_cpu(connection) -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when it runs on this
    machine and /proc can be read; None otherwise (SQLite works inside our own process)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(connection, call: Callable[[], object]) -> tuple[object, float, float]:
    """Run ``call()``: returns its result, the wall-clock seconds and the CPU seconds."""
    server = server_cpu(connection)
    cpu = time.process_time()
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    after = server_cpu(connection) if server is not None else None
    if after is not None:
        cpu += after - server
    return result, seconds, cpu


def scratch_postgres(admin_url: str, name: str):
    """Create database ``name`` beside ``admin_url``: (connection, name, its URL), or
    (None, name, the reason) when PostgreSQL cannot be reached."""
    import psycopg

    try:
        conn = psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True)
    except psycopg.OperationalError as error:
        return None, name, str(error).strip().splitlines()[0]
    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.execute(f'CREATE DATABASE "{name}"')
    return conn, name, f"{admin_url.rsplit('/', 1)[0]}/{name}"


def run_each_database(
    script: str,
    script_args: list[str],
    *,
    postgres: str,
    scratch_name: str,
    folder_prefix: str,
    stdout_tail: int = 0,
) -> dict[str, dict] | None:
    """Run ``script --one <url> *script_args`` on a temporary SQLite file and, when it can be
    reached, a scratch PostgreSQL database (dropped afterwards). Returns each one's JSON result
    by label ("SQLite", "PostgreSQL"), or None after printing why a run failed."""
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix=folder_prefix) as folder:
        runs = [("SQLite", f"sqlite:///{folder}/bench.sqlite3")]
        conn, name, url = scratch_postgres(postgres, scratch_name)
        if conn is None:
            print(f"PostgreSQL skipped: {url}")
        else:
            runs.append(("PostgreSQL", url))
        try:
            for label, database_url in runs:
                out = subprocess.run(
                    [sys.executable, script, "--one", database_url, *script_args],
                    capture_output=True, text=True, check=False,
                )  # fmt: skip
                if out.returncode:
                    shown = f"{out.stdout[-stdout_tail:]}\n" if stdout_tail else ""
                    print(f"{label} failed:\n{shown}{out.stderr[-3000:]}")
                    return None
                results[label] = json.loads(out.stdout.strip().splitlines()[-1])
        finally:
            if conn is not None:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.close()
    return results
