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
import tempfile

from _harness import bench_site, run_each_database, setup_django, timed

TARGET = 20_000


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


def run_one(database_url: str, n_rows: int, n_measures: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="imroc-bulk-bench-") as data_dir:
        setup_django(database_url, data_dir)
        from django.db import connection

        from imroc.measures.models import DataPoint, DataPointRevision, Measure
        from imroc.measures.services import upsert_data_points

        site, lead = bench_site()
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
            counts, seconds, cpu = timed(
                connection, lambda rows=rows: upsert_data_points(site, rows, actor=lead)
            )
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

    results = run_each_database(
        __file__,
        ["--rows", str(args.rows), "--measures", str(args.measures)],
        postgres=args.postgres,
        scratch_name=f"imroc_bulkbench_{os.getpid()}",
        folder_prefix="imroc-bulk-bench-db-",
    )
    if results is None:
        return 1

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
