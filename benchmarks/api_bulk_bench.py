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
import json
import os
import tempfile

from _harness import bench_site, run_each_database, setup_django, timed

TARGET = 20_000


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


def run_one(database_url: str, n_rows: int, n_measures: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="imroc-api-bench-") as data_dir:
        setup_django(database_url, data_dir)
        from django.db import connection
        from django.test import Client

        from imroc.api.services import create_token
        from imroc.measures.models import DataPoint, DataPointRevision, Measure

        site, lead = bench_site()
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
            response, seconds, cpu = timed(
                connection,
                lambda body=body: client.post(
                    url, body, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}",
                ),
            )  # fmt: skip
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

    results = run_each_database(
        __file__,
        ["--rows", str(args.rows), "--measures", str(args.measures)],
        postgres=args.postgres,
        scratch_name=f"imroc_apibench_{os.getpid()}",
        folder_prefix="imroc-api-bench-db-",
        stdout_tail=2000,
    )
    if results is None:
        return 1

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
