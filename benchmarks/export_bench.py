"""Benchmark the whole-site export: it streams with bounded memory.

Run from the repository root with the project venv:

    .venv/bin/python benchmarks/export_bench.py [--points 200000] [--learners 5000]

It builds a throwaway SQLite database in a temporary folder with two sites: a small one (a
quarter of the rows) and a big one (``--points`` data points made with bulk_create, plus
learners and their enrolments). For each it streams the whole-site ZIP export (as the web
view and ``imroc export site`` do), and prints rows per second (without tracemalloc) and the
peak Python memory (tracemalloc). It then builds the same export the naive way, entirely in
memory (every row in a list, every CSV in a string, the ZIP in a BytesIO), and prints the
ratio of the peaks. Bounded means: the streaming peak hardly changes when the site is four
times bigger, while the in-memory peak grows with the data.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import platform
import secrets
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _setup(data_dir: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "imroc.settings",
            "IMROC_DATA_DIR": data_dir,
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", ""),
            "DEBUG": "0",
            "IMROC_TESTING": "1",
            "SECRET_KEY": secrets.token_urlsafe(40),
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _build(slug: str, n_points: int, n_learners: int, programme=None):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from imroc.college.models import College, Course, CourseRun, Enrolment, Learner, Term
    from imroc.measures.models import DataPoint, Measure
    from imroc.programme.models import Organisation, Programme, Site, SiteMembership

    programme = programme or Programme.objects.create(
        name="Bench", slug="bench", start_date=dt.date(2011, 4, 1)
    )
    org = Organisation.objects.create(
        name=f"{slug} Trust", slug=slug, org_type="nhs_trust", country="GB"
    )
    site = Site.objects.create(
        programme=programme, organisation=org, slug=slug, category="demonstration",
        joined_on=dt.date(2011, 4, 1),
    )  # fmt: skip
    lead = get_user_model().objects.create_user(f"{slug}-lead", password=secrets.token_urlsafe(16))
    SiteMembership.objects.create(user=lead, site=site, role="lead")
    per_measure = 200
    n_measures = max(1, n_points // per_measure)
    measures = Measure.objects.bulk_create(
        Measure(
            site=site, name=f"Measure {i:04d}", definition="Benchmark measure",
            data_type="continuous", chart_type="xmr", improvement="increase",
            frequency="weekly", owner=lead,
        )
        for i in range(n_measures)
    )  # fmt: skip
    start = dt.date(2011, 4, 4)
    DataPoint.objects.bulk_create(
        (
            DataPoint(measure=m, period=start + dt.timedelta(weeks=k), value=float((i * 7 + k) % 97), note="")
            for i, m in enumerate(measures)
            for k in range(per_measure)
        ),
        batch_size=5000,
    )  # fmt: skip
    college = College.objects.create(site=site, name=f"{slug} Recovery College")
    course = Course.objects.create(
        college=college, title="Understanding recovery", description="x", learning_outcomes="x",
        length="4 sessions",
    )  # fmt: skip
    term = Term.objects.create(
        college=college, name="Autumn", starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2024, 12, 20)
    )
    run = CourseRun.objects.create(course=course, term=term, capacity=n_learners + 1)
    now = timezone.now()
    learners = Learner.objects.bulk_create(
        (
            Learner(college=college, name=f"Learner {i}", contact=f"l{i}@example.org",
                    contact_key=f"l{i}@example.org", group="service_user", last_active_at=now)
            for i in range(n_learners)
        ),
        batch_size=5000,
    )  # fmt: skip
    Enrolment.objects.bulk_create(
        (Enrolment(run=run, learner=learner, status="enrolled") for learner in learners),
        batch_size=5000,
    )
    return site, programme


def _stream(site, profile: str) -> tuple[int, int]:
    from imroc.reports.exports.profiles import Profile
    from imroc.reports.exports.services import SiteExport

    export = SiteExport(site, Profile(profile))
    size = 0
    for chunk in export.stream():
        size += len(chunk)
    return sum(f["rows"] for f in export.files), size


def _in_memory(site, profile: str) -> int:
    """The naive export: every table's rows in a list, its CSV in a string, the ZIP in memory."""
    from imroc.reports.exports.profiles import Profile
    from imroc.reports.exports.services import table_headers, table_rows
    from imroc.reports.exports.site_data import site_tables

    prof = Profile(profile)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        contents = {}
        for table in site_tables():
            rows = list(table_rows(site, table, prof))
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(table_headers(table, prof))
            writer.writerows(rows)
            contents[f"{table.name}.csv"] = text.getvalue()
        for name, text in contents.items():
            archive.writestr(name, text)
    return len(buffer.getvalue())


def _peak(fn, *args) -> float:
    tracemalloc.start()
    try:
        fn(*args)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200_000)
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--profile", default="full", choices=("full", "deidentified"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="imroc-export-bench-") as data_dir:
        _setup(data_dir)
        from django.db import connection

        started = time.perf_counter()
        small, programme = _build("small-site", args.points // 4, args.learners // 4)
        big, _ = _build("big-site", args.points, args.learners, programme)
        print(f"built the data in {time.perf_counter() - started:.1f} s "
              f"({connection.vendor}, Python {platform.python_version()})")  # fmt: skip

        results = {}
        for label, site in (("small", small), ("big", big)):
            for profile in dict.fromkeys((args.profile, "deidentified")):
                t0 = time.perf_counter()
                rows, size = _stream(site, profile)
                seconds = time.perf_counter() - t0
                print(f"{label:5} {profile:12} streamed {rows:>9,} rows ({size / 1e6:6.1f} MB zip) "
                      f"in {seconds:5.2f} s = {rows / seconds:>9,.0f} rows/s")  # fmt: skip
            stream_peak = _peak(_stream, site, args.profile)
            memory_peak = _peak(_in_memory, site, args.profile)
            results[label] = (rows, stream_peak, memory_peak)
            print(f"{label:5} peak memory: streaming {stream_peak:7.1f} MB, in memory "
                  f"{memory_peak:7.1f} MB, ratio {memory_peak / stream_peak:5.1f}x")  # fmt: skip

        (rs, ss, ms), (rb, sb, mb) = results["small"], results["big"]
        print(f"rows grew {rb / rs:.1f}x: streaming peak grew {sb / ss:.2f}x, "
              f"in-memory peak grew {mb / ms:.2f}x")  # fmt: skip
        bounded = sb / ss < 1.5
        print("streaming memory is bounded" if bounded else "WARNING: streaming memory grew with the data")  # fmt: skip
        return 0 if bounded else 1


if __name__ == "__main__":
    raise SystemExit(main())
