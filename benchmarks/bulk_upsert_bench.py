"""Benchmark the bulk data-point upsert on SQLite and PostgreSQL, side by side.

Run from the repository root with the project venv:

    .venv/bin/python benchmarks/bulk_upsert_bench.py [--rows 100000] [--measures 1000]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]

For each database it builds a throwaway database (a temporary SQLite file; a scratch
PostgreSQL database ``imroc_bulkbench_<pid>`` that is dropped afterwards), migrates it, adds
one site with ``--measures`` measures (a fifth of them shares, the rest numbers), then times
``measures.services.upsert_data_points``:

1. insert: ``--rows`` new data points (checked, then written in one transaction);
2. upsert: the same ``--rows`` again, every value changed, so each point gets a revision.

Each timing covers the whole call: checking every row, the write, the audit event and the
commit. The target is at least 20,000 rows/s for both steps on both databases. Wall-clock
rows/s depend on what else the machine is doing, so the CPU time spent (this process plus, for
PostgreSQL on the same machine, its server process) is printed as well. Each database runs in its
own subprocess (Django is configured once per process). PostgreSQL is skipped, and said so,
when it cannot be reached.
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


def _setup(database_url: str, data_dir: str) -> None:
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


def _rows(measures, n_rows: int, bump: float) -> list[dict]:
    per = -(-n_rows // len(measures))
    start = dt.date(2000, 1, 1)
    periods = []
    y, m = start.year, start.month
    for _ in range(per):
        periods.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    rows = []
    for k, period in enumerate(periods):
        for i, measure in enumerate(measures):
            if len(rows) == n_rows:
                return rows
            if measure.data_type == "proportion":
                den = 100 + (i + k) % 50
                rows.append(
                    {"measure": measure.public_id, "period": period,
                     "numerator": (i * 7 + k + int(bump)) % den, "denominator": den}
                )  # fmt: skip
            else:
                rows.append(
                    {"measure": str(measure.public_id), "period": period.isoformat(),
                     "value": 40 + (i * 13 + k * 7) % 20 + bump}
                )  # fmt: skip
    return rows


def _server_cpu(connection) -> float | None:
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


def run_one(database_url: str, n_rows: int, n_measures: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="imroc-bulk-bench-") as data_dir:
        _setup(database_url, data_dir)
        from django.contrib.auth import get_user_model
        from django.db import connection

        from imroc.measures.models import DataPoint, DataPointRevision, Measure
        from imroc.measures.services import upsert_data_points
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
        measures = Measure.objects.bulk_create(
            Measure(
                site=site, name=f"Measure {i:04d}", definition="Benchmark measure",
                data_type="proportion" if i % 5 == 0 else "continuous",
                chart_type="p" if i % 5 == 0 else "xmr", frequency="monthly",
            )
            for i in range(n_measures)
        )  # fmt: skip
        result = {"vendor": connection.vendor, "rows": n_rows, "measures": n_measures}
        for step, bump in (("insert", 0.0), ("upsert", 1.0)):
            rows = _rows(measures, n_rows, bump)
            server = _server_cpu(connection)
            cpu = time.process_time()
            start = time.perf_counter()
            counts = upsert_data_points(site, rows, actor=lead)
            seconds = time.perf_counter() - start
            cpu = time.process_time() - cpu
            if server is not None:
                cpu += _server_cpu(connection) - server
            expected = "created" if step == "insert" else "corrected"
            assert counts[expected] == n_rows, counts
            result[step] = {
                "seconds": seconds, "rows_per_s": n_rows / seconds, "cpu_seconds": cpu,
                "cpu_rows_per_s": n_rows / cpu, **counts,
            }  # fmt: skip
        assert DataPoint.objects.count() == n_rows
        assert DataPointRevision.objects.count() == n_rows
        connection.close()
        return result


def _postgres_scratch(admin_url: str):
    import psycopg

    name = f"imroc_bulkbench_{os.getpid()}"
    try:
        conn = psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True)
    except psycopg.OperationalError as error:
        return None, None, str(error).strip().splitlines()[0]
    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    return conn, name, f"{base}/{name}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--measures", type=int, default=1000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "IMROC_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
        help="an admin URL; a scratch database is created beside it and dropped afterwards",
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one database
    args = parser.parse_args()

    if args.one is not None:
        print(json.dumps(run_one(args.one, args.rows, args.measures)))
        return 0

    results = {}
    with tempfile.TemporaryDirectory(prefix="imroc-bulk-bench-db-") as folder:
        runs = [("SQLite", f"sqlite:///{folder}/bench.sqlite3", None)]
        conn, name, url = _postgres_scratch(args.postgres)
        if conn is None:
            print(f"PostgreSQL skipped: {url}")
        else:
            runs.append(("PostgreSQL", url, name))
        try:
            for label, url, _ in runs:
                out = subprocess.run(
                    [sys.executable, __file__, "--one", url, "--rows", str(args.rows),
                     "--measures", str(args.measures)],
                    capture_output=True, text=True, check=False,
                )  # fmt: skip
                if out.returncode:
                    print(f"{label} failed:\n{out.stderr[-3000:]}")
                    return 1
                results[label] = json.loads(out.stdout.strip().splitlines()[-1])
        finally:
            if conn is not None:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.close()

    labels = list(results)
    print(
        f"Bulk upsert of {args.rows:,} data points over {args.measures:,} measures "
        f"(target ≥ {TARGET:,} rows/s)"
    )
    print(f"{'step':<34}" + "".join(f"{label:>16}" for label in labels))
    for step, title in (("insert", "insert new (rows/s)"), ("upsert", "correct existing (rows/s)")):
        print(f"{title:<34}" + "".join(f"{results[x][step]['rows_per_s']:>16,.0f}" for x in labels))
        print(
            f"{'  seconds':<34}" + "".join(f"{results[x][step]['seconds']:>16.2f}" for x in labels)
        )
    print("CPU time (client + database server), so the figure does not depend on other load:")
    for step, title in (("insert", "insert new (rows/CPU-s)"), ("upsert", "correct (rows/CPU-s)")):
        print(
            f"{title:<34}"
            + "".join(f"{results[x][step]['cpu_rows_per_s']:>16,.0f}" for x in labels)
        )
    print(f"load average when finished: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPU(s)")
    ok = all(results[x][s]["rows_per_s"] >= TARGET for x in labels for s in ("insert", "upsert"))
    print("PASS" if ok else "BELOW TARGET (wall clock)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
