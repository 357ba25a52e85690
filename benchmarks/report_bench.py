"""Benchmark the board report: board.pdf for the first demonstration site of the demo.

Load the demo into a data folder of its own first (not the project's var/):

    IMROC_DATA_DIR=/tmp/reportsbench DEBUG=1 .venv/bin/imroc migrate
    IMROC_DATA_DIR=/tmp/reportsbench DEBUG=1 .venv/bin/imroc demo

then run from the repository root:

    IMROC_DATA_DIR=/tmp/reportsbench .venv/bin/python benchmarks/report_bench.py [--runs 5]

For each run it builds the report's data, renders the HTML page (what /reports/board.html
serves) and the PDF (what /reports/board.pdf serves), and prints the median wall-clock and CPU
time of each and their ratio. CPU time is the fairer figure on a busy machine. The period is
the default (the last 12 months) unless --from/--to are given. Target: PDF < 5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TARGET_SECONDS = 5.0


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--from", dest="start", default="")
    parser.add_argument("--to", dest="end", default="")
    args = parser.parse_args(argv)
    if not os.environ.get("IMROC_DATA_DIR"):
        parser.error("set IMROC_DATA_DIR to the folder the demo was loaded into")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imroc.settings")
    os.environ.setdefault("DEBUG", "1")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from imroc.programme.models import Site
    from imroc.reports import pdf
    from imroc.reports.board import Period, build_board

    lead = get_user_model().objects.filter(username="site-lead-1").first()
    site = Site.objects.filter(memberships__user=lead, memberships__role="lead").first()
    if site is None:
        parser.error("no demo here: load it with `imroc demo` into IMROC_DATA_DIR first")
    period = Period.last_twelve_months()
    if args.start or args.end:
        period = Period(dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end))

    request = RequestFactory().get("/")
    request.user = lead
    request.site = site

    def html_only():
        report = build_board(site, period)
        return render_to_string(
            "reports/board.html", {"site": site, "report": report, "form": None}, request=request
        )

    def pdf_too():
        pdf.clear_svg_cache()  # cold: each run converts every chart afresh
        report = build_board(site, period)
        return pdf.render_pdf("reports/board_pdf.html", {"site": site, "report": report})

    html_only()  # warm up: imports, templates, fonts
    pdf_too()
    html_w, html_c, pdf_w, pdf_c = [], [], [], []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as queries:
            _, wall, cpu = _timed(html_only)
        html_w.append(wall)
        html_c.append(cpu)
        content, wall, cpu = _timed(pdf_too)
        pdf_w.append(wall)
        pdf_c.append(cpu)

    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(content)).pages)
    med = statistics.median
    print(f"Board report of {site.name}, {period.label}; {args.runs} runs, medians")
    print(
        f"  {len(queries.captured_queries)} SQL queries; PDF {len(content):,} bytes, {pages} pages"
    )
    print(f"  {'':14}{'wall s':>9}{'cpu s':>9}")
    print(f"  {'HTML page':14}{med(html_w):9.2f}{med(html_c):9.2f}")
    print(f"  {'PDF':14}{med(pdf_w):9.2f}{med(pdf_c):9.2f}")
    print(
        f"  PDF / HTML ratio: wall {med(pdf_w) / med(html_w):.1f}x, cpu {med(pdf_c) / med(html_c):.1f}x"
    )
    ok = med(pdf_w) < TARGET_SECONDS
    print(f"  Target PDF < {TARGET_SECONDS:g} s (wall): {'met' if ok else 'NOT met'}")
    print(f"  Load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
