"""Benchmark the busiest pages against national-scale data, in-process.

Run from the repository root, against a PostgreSQL database that already holds the synthetic
national programme (`imroc generate --scale national`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imroc_national \\
        .venv/bin/python benchmarks/national_bench.py [--runs 15] [--warmups 2] [--scale national]

It finds the site with the most measures, signs in with Django's test Client (force_login:
the synthetic users have no password) as the programme admin for programme pages and as that
site's lead for its pages, and requests each page `--warmups` times, then `--runs` times. It
prints the median and p95 server time of the whole request, the number of SQL queries, and
each page's median as a multiple of a trivial view (/healthz) timed in the same run.

Exit status 1 if a page misses its budget (median >= 200 ms, or more queries than its budget),
2 if the database holds no synthetic programme.
"""

from __future__ import annotations

import argparse
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

MEDIAN_BUDGET_MS = 200.0


def _setup() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the database that holds the national data.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imroc.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("IMROC_TESTING", "1")  # plain static storage: no collectstatic needed
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("IMROC_DATA_DIR", tempfile.mkdtemp(prefix="imroc-bench-"))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()


def _targets(scale: str):
    from django.db.models import Count

    from imroc.programme.models import Programme, ProgrammeMembership, SiteMembership
    from imroc.programme.synthetic import programme_slug

    programme = Programme.objects.filter(slug=programme_slug(scale)).first()
    if programme is None:
        print(f"No synthetic {scale} programme here: run `imroc generate --scale {scale}` first.")
        sys.exit(2)
    site = (
        programme.sites.annotate(n=Count("measures"))
        .select_related("organisation")
        .order_by("-n", "slug")
        .first()
    )
    admin = ProgrammeMembership.objects.filter(programme=programme, role="admin").first().user
    lead = SiteMembership.objects.filter(site=site, role="lead").first().user
    return programme, site, admin, lead


def _signed_in(user):
    """A client signed in as user, past the two-factor check (as the tests' clients are)."""
    from django.test import Client

    from imroc.accounts import reauth

    client = Client()
    client.force_login(user)
    session = client.session
    reauth.stamp_login(session, verified=True)
    session.save()
    return client


def _backend_pid() -> int | None:
    """The PostgreSQL server process serving this connection, when it runs on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # One server process per request, so its CPU time can be read (no parallel workers).
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return pid if Path(f"/proc/{pid}/schedstat").exists() else None


def _cpu_ns(pid: int | None) -> int:
    """CPU time used so far by this thread and by the database server process, in ns."""
    used = time.thread_time_ns()
    if pid is not None:
        used += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    return used


def _time(client, url: str, runs: int, warmups: int, pid):
    """(wall ms per run, CPU ms per run, queries, response size) for one page."""
    from django.db import connection

    for _ in range(warmups):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    wall, cpu = [], []
    for _ in range(runs):
        c0, t0 = _cpu_ns(pid), time.perf_counter()
        response = client.get(url)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((_cpu_ns(pid) - c0) / 1e6)
        assert response.status_code == 200, (url, response.status_code)
    return wall, cpu, len(queries), len(response.content)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--scale", default="national")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="judge the 200 ms budget on CPU time (this process plus the database server "
        "process) instead of wall-clock time: for a shared machine whose other work inflates "
        "wall-clock times",
    )
    args = parser.parse_args()
    _setup()
    from django.db import connection
    from django.test import Client

    from imroc.measures.models import DataPoint, Measure
    from imroc.programme.models import Team
    from imroc.programme.synthetic import PAGE_QUERY_BUDGETS

    programme, site, admin, lead = _targets(args.scale)
    measures = Measure.objects.filter(site=site).count()
    print("imroc national-scale page benchmark")
    print(
        f"python {platform.python_version()}, {connection.vendor} "
        f"{connection.cursor().connection.info.server_version if connection.vendor == 'postgresql' else ''}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"programme {programme.name!r}: {programme.sites.count()} sites, "
        f"{Team.objects.filter(site__programme=programme).count():,} teams, "
        f"{Measure.objects.filter(site__programme=programme).count():,} measures, "
        f"{DataPoint.objects.filter(measure__site__programme=programme).count():,} data points"
    )
    print(
        f"busiest site {site.slug}: {measures:,} measures; runs {args.runs} after {args.warmups} warm-ups"
    )
    print()

    as_admin, as_lead, anonymous = _signed_in(admin), _signed_in(lead), Client()
    pages = [
        ("healthz", anonymous, "/healthz"),
        ("programme dashboard", as_admin, "/programme/"),
        ("site dashboard", as_lead, f"/sites/{site.slug}/"),
        ("measures summary", as_lead, f"/sites/{site.slug}/measures/"),
        ("benchmarks", as_admin, "/programme/benchmarks/"),
        ("prospectus", anonymous, f"/colleges/{site.slug}/"),
    ]
    pid = _backend_pid()
    results = []
    for name, client, url in pages:
        wall, cpu, queries, size = _time(client, url, args.runs, args.warmups, pid)
        results.append((name, url, wall, cpu, queries, size))
    if pid is not None and pid != _backend_pid():
        print("The database connection changed during the run: CPU times are incomplete.")
        pid = None
    base_wall = statistics.median(results[0][2])
    failed = []
    header = (
        f"{'page':<22}{'median ms':>10}{'p95 ms':>9}{'CPU ms':>8}{'queries':>9}{'budget':>8}"
        f"{'x healthz':>11}{'KiB':>6}  url"
    )
    print(header)
    print("-" * len(header))
    for name, url, wall, cpu, queries, size in results:
        median, judged = statistics.median(wall), statistics.median(cpu if args.cpu else wall)
        budget = PAGE_QUERY_BUDGETS[name]
        ok = queries <= budget and (name == "healthz" or judged < MEDIAN_BUDGET_MS)
        if not ok:
            failed.append(name)
        print(
            f"{name:<22}{median:>10.1f}{_p95(wall):>9.1f}{statistics.median(cpu):>8.1f}"
            f"{queries:>9}{budget:>8}{median / base_wall:>11.1f}{size / 1024:>6.0f}  {url}"
            f"{'' if ok else '  <- over budget'}"
        )
    print()
    print(
        "median/p95: wall-clock time of the whole request in the Django test client. CPU: median "
        "CPU time of the request in this process plus the PostgreSQL server process"
        + ("" if pid is not None else " (not available here: this process only)")
        + ". The budget is judged on "
        + ("CPU time (--cpu)." if args.cpu else "wall-clock time.")
    )
    if failed:
        print(f"Over budget: {', '.join(failed)} (median must be < {MEDIAN_BUDGET_MS:.0f} ms).")
        return 1
    print(f"Every page is within its query budget with a median under {MEDIAN_BUDGET_MS:.0f} ms.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
