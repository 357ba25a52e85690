"""Benchmark bulk upsert of data points through the REST API, on SQLite and PostgreSQL.

Run from the repository root with the project venv:

    .venv/bin/python benchmarks/api_bulk_bench.py [--rows 100000] [--measures 500]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Each database gets a throwaway copy (a temporary SQLite file; a scratch PostgreSQL database
``imroc_apibench_<pid>``, dropped afterwards), migrated, with one site, its lead, a read and
write API token and ``--measures`` monthly measures. Then Django's test Client sends
``POST /api/v1/sites/<site>/points/bulk`` with ``Authorization: Bearer <token>``:

1. insert: ``--rows`` new data points;
2. upsert: the same rows with every value changed (each point is corrected, keeping a revision).

The time covers the whole request: token check, JSON parsing and validation of every row, the
domain checks, the write, the audit event and the commit. The JSON body is encoded before the
clock starts, as a real client would have it ready. Target: at least 20,000 rows/s. Each
database runs in its own subprocess; PostgreSQL is skipped, and said so, if it cannot be reached.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 20_000


def _django(database_url: str, data_dir: str) -> None:
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


def _months(count: int) -> list[str]:
    out, year, month = [], 2000, 1
    for _ in range(count):
        out.append(f"{year}-{month:02d}-01")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _body(measure_ids: list[str], n_rows: int, bump: int) -> bytes:
    periods = _months(-(-n_rows // len(measure_ids)))
    rows = []
    for k, period in enumerate(periods):
        for i, measure in enumerate(measure_ids):
            if len(rows) == n_rows:
                break
            rows.append({"measure": measure, "period": period, "value": (i * 7 + k) % 90 + bump})
    return json.dumps({"rows": rows}).encode()


def _server_cpu(connection) -> float:
    """CPU seconds used so far by this connection's PostgreSQL server process, if it runs on
    this machine (0 for SQLite, which works inside this process, or if /proc cannot be read)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_one(database_url: str, n_rows: int, n_measures: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="imroc-api-bench-") as data_dir:
        _django(database_url, data_dir)
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client

        from imroc.api.services import create_token
        from imroc.measures.models import DataPoint, DataPointRevision, Measure
        from imroc.programme.models import Organisation, Programme, Site, SiteMembership

        programme = Programme.objects.create(
            name="Bench", slug="bench", start_date=dt.date(2011, 4, 1)
        )
        org = Organisation.objects.create(
            name="Bench Trust", slug="bench-trust", org_type="nhs_trust", country="GB"
        )
        site = Site.objects.create(
            programme=programme, organisation=org, slug="bench-trust",
            category="demonstration", joined_on=dt.date(2011, 4, 1),
        )  # fmt: skip
        lead = get_user_model().objects.create_user("bench-lead", password=secrets.token_hex(16))
        SiteMembership.objects.create(user=lead, site=site, role="lead")
        _, token = create_token(lead, actor=lead, name="benchmark", scope="write")
        measures = Measure.objects.bulk_create(
            Measure(site=site, name=f"Measure {i:04d}", definition="Benchmark", frequency="monthly")
            for i in range(n_measures)
        )
        ids = [str(m.public_id) for m in measures]
        client = Client()
        url = f"/api/v1/sites/{site.slug}/points/bulk"
        # A running server is warm: load the URLconf and the API modules before timing.
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
        result = {"vendor": connection.vendor, "rows": n_rows, "measures": n_measures}
        for step, bump in (("insert", 0), ("upsert", 1)):
            body = _body(ids, n_rows, bump)
            server = _server_cpu(connection)
            cpu = time.process_time()
            start = time.perf_counter()
            response = client.post(
                url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
            )
            seconds = time.perf_counter() - start
            cpu = time.process_time() - cpu + _server_cpu(connection) - server
            if response.status_code != 200:
                raise SystemExit(f"{step}: {response.status_code} {response.content[:500]!r}")
            counts = response.json()
            expected = "created" if step == "insert" else "corrected"
            assert counts[expected] == n_rows, counts
            result[step] = {
                "seconds": seconds, "rows_per_s": n_rows / seconds, "cpu_seconds": cpu,
                "cpu_rows_per_s": n_rows / cpu,
                "megabytes": len(body) / 1e6, **counts,
            }  # fmt: skip
        assert DataPoint.objects.count() == n_rows
        assert DataPointRevision.objects.count() == n_rows
        connection.close()
        return result


def _scratch_postgres(admin_url: str):
    import psycopg

    name = f"imroc_apibench_{os.getpid()}"
    try:
        conn = psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True)
    except psycopg.OperationalError as error:
        return None, name, str(error).strip().splitlines()[0]
    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.execute(f'CREATE DATABASE "{name}"')
    return conn, name, f"{admin_url.rsplit('/', 1)[0]}/{name}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--measures", type=int, default=500)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "IMROC_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
        help="an admin URL; a scratch database is made beside it and dropped afterwards",
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: benchmark one database
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.rows, args.measures)))
        return 0

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="imroc-api-bench-db-") as folder:
        runs = [("SQLite", f"sqlite:///{folder}/bench.sqlite3")]
        conn, name, url = _scratch_postgres(args.postgres)
        if conn is None:
            print(f"PostgreSQL skipped: {url}")
        else:
            runs.append(("PostgreSQL", url))
        try:
            for label, database_url in runs:
                out = subprocess.run(
                    [sys.executable, __file__, "--one", database_url, "--rows", str(args.rows),
                     "--measures", str(args.measures)],
                    capture_output=True, text=True, check=False,
                )  # fmt: skip
                if out.returncode:
                    print(f"{label} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
                    return 1
                results[label] = json.loads(out.stdout.strip().splitlines()[-1])
        finally:
            if conn is not None:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.close()

    labels = list(results)
    first = results[labels[0]]["insert"]
    print(
        f"Bulk upsert through POST /api/v1/sites/<site>/points/bulk: {args.rows:,} data points, "
        f"{args.measures:,} measures, {first['megabytes']:.1f} MB of JSON (target ≥ {TARGET:,} rows/s)"
    )
    print(f"{'':<30}" + "".join(f"{label:>14}" for label in labels))
    for step, title in (("insert", "insert new"), ("upsert", "correct existing")):
        print(
            f"{title + ' (rows/s)':<30}"
            + "".join(f"{results[x][step]['rows_per_s']:>14,.0f}" for x in labels)
        )
        print(
            f"{'  seconds':<30}" + "".join(f"{results[x][step]['seconds']:>14.2f}" for x in labels)
        )
        for key, name, form in (
            ("cpu_seconds", "  CPU seconds", ">14.2f"),
            ("cpu_rows_per_s", "  rows per CPU second", ">14,.0f"),
        ):
            print(f"{name:<30}" + "".join(format(results[x][step][key], form) for x in labels))
    print("CPU = this process (client, Django and SQLite) plus the PostgreSQL server process:")
    print("it does not depend on what else the machine is doing, unlike the wall-clock rows/s.")
    print(f"load average when finished: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPU(s)")
    steps = ("insert", "upsert")
    ok = all(results[x][s]["rows_per_s"] >= TARGET for x in labels for s in steps)
    cpu_ok = all(results[x][s]["cpu_rows_per_s"] >= TARGET for x in labels for s in steps)
    if ok:
        print("PASS")
    elif cpu_ok:
        print("PASS per CPU second; BELOW TARGET on the wall clock (see the load average)")
    else:
        print("BELOW TARGET")
    return 0 if ok or cpu_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
