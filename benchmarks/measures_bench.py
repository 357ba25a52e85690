"""Benchmark the measures summary board: 200 measures x 60 monthly points, rendered server-side.

Run from the repository root with the project venv:

    .venv/bin/python benchmarks/measures_bench.py [--measures 200] [--points 60] [--runs 30]

It builds a throwaway SQLite database in a temporary folder (migrations, one site, its lead,
the measures and their points), then requests /sites/<site>/measures/ in-process with Django's
test Client, and prints the median and p95 time, the number of SQL queries per request, and
the ratio to the time of the spc.xmr_many call alone on the same series. Target: median < 150 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _setup(data_dir: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "imroc.settings",
            "IMROC_DATA_DIR": data_dir,
            "DATABASE_URL": "",
            "DEBUG": "0",
            "IMROC_TESTING": "1",  # plain static storage: no collectstatic manifest needed
            "SECRET_KEY": secrets.token_urlsafe(40),
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _build(n_measures: int, n_points: int, seed: int = 2011):
    import numpy as np
    from django.contrib.auth import get_user_model

    from imroc.measures.models import DataPoint, Measure
    from imroc.programme.models import Organisation, Programme, Site, SiteMembership

    rng = np.random.default_rng(seed)
    programme = Programme.objects.create(name="Bench", slug="bench", start_date=dt.date(2011, 4, 1))
    org = Organisation.objects.create(
        name="Bench Trust", slug="bench-trust", org_type="nhs_trust", country="GB"
    )
    site = Site.objects.create(
        programme=programme, organisation=org, slug="bench-trust", category="demonstration",
        joined_on=dt.date(2011, 4, 1),
    )  # fmt: skip
    lead = get_user_model().objects.create_user("bench-lead", password=secrets.token_urlsafe(16))
    SiteMembership.objects.create(user=lead, site=site, role="lead")
    directions = ["increase", "decrease", "neutral"]
    measures = Measure.objects.bulk_create(
        Measure(
            site=site, name=f"Measure {i:03d}", definition="Benchmark measure", data_type="continuous",
            chart_type="xmr", improvement=directions[i % 3], frequency="monthly",
            target=None if i % 4 == 0 else 50.0 + (i % 7), owner=lead,
        )
        for i in range(n_measures)
    )  # fmt: skip
    periods = []
    y, m = 2011, 4
    for _ in range(n_points):
        periods.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    values = rng.normal(50, 5, (n_measures, n_points))
    values[::3, n_points // 2 :] += 8  # a third of the measures shift half way
    DataPoint.objects.bulk_create(
        (
            DataPoint(measure=measure, period=period, value=float(values[i, k]))
            for i, measure in enumerate(measures)
            for k, period in enumerate(periods)
        ),
        batch_size=2000,
    )
    return (
        site,
        lead,
        [values[i].tolist() for i in range(n_measures)],
        [mm.improvement for mm in measures],
    )


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=200)
    parser.add_argument("--points", type=int, default=60)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="imroc-measures-bench-") as data_dir:
        _setup(data_dir)
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from imroc import spc

        site, lead, series, directions = _build(args.measures, args.points)
        client = Client()
        client.force_login(lead)
        url = f"/sites/{site.slug}/measures/"
        for _ in range(3):  # warm-up: imports, template compilation, SQLite page cache
            response = client.get(url)
            assert response.status_code == 200, response.status_code
        assert response.content.count(b'class="sparkline"') == args.measures

        board = []
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            board.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        queries = len(ctx.captured_queries)

        xmr = []
        for _ in range(args.runs):
            start = time.perf_counter()
            results = spc.xmr_many(series, improvement=directions)
            [(r.variation, r.assurance) for r in results]
            xmr.append((time.perf_counter() - start) * 1000)

        median, p95 = statistics.median(board), _percentile(board, 0.95)
        xmr_median = statistics.median(xmr)
        print("imroc measures summary board benchmark")
        print(
            f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, SQLite"
        )
        print(
            f"board: {args.measures} measures x {args.points} points, {args.runs} runs after 3 warm-ups"
        )
        print(
            f"  median   {median:8.1f} ms   (target < 150 ms: {'met' if median < 150 else 'NOT met'})"
        )
        print(f"  p95      {p95:8.1f} ms")
        print(f"  queries  {queries:8d}      per request (constant: the tests assert it)")
        print(f"spc.xmr_many alone on the same series: median {xmr_median:.2f} ms")
        print(f"  board / xmr_many = {median / xmr_median:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
