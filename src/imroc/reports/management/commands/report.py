"""imroc report: build a site's board report or the programme's network report as a PDF.

    imroc report board <site-slug> [--from 2024-04-01] [--to 2025-03-31] [--language cy] --out board.pdf
    imroc report programme [--programme <slug>] [--language cy] --out network.pdf

Without --from and --to, the board report covers the 12 months up to the end of the month of the
site's latest records (never past today), or the last 12 months when the site has no records:
the same default as the reports page.

``--language`` picks the language the PDF is written in (default: the site's default language,
English); the command's own messages stay in English.

Bad input (an unknown site, a wrong date, a file that cannot be written) gets a message and
exit code 2; nothing is written then.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from imroc.core.audit import SystemActor
from imroc.programme.models import Programme, Site
from imroc.reports import pdf, services
from imroc.reports.board import build_board
from imroc.reports.forms import PeriodForm
from imroc.reports.network import build_network

ACTOR = SystemActor("report-command")


def _fail(message: str):
    raise CommandError(message, returncode=2)


def _write(out: str, content: bytes) -> Path:
    """Write the whole file or nothing: a temporary file beside it, then a rename."""
    path = Path(out)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        _fail(f"{out}: the folder {folder} does not exist.")
    try:
        handle, temp = tempfile.mkstemp(dir=folder, prefix=".report-", suffix=".pdf")
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temp, path)
    except OSError as error:
        _fail(f"{out}: cannot write the file ({error.strerror}).")
    return path


def _add_language(parser) -> None:
    codes = [code for code, _name in settings.LANGUAGES]
    parser.add_argument(
        "--language",
        default=settings.LANGUAGE_CODE,
        choices=codes,
        help=f"the language of the PDF: {', '.join(codes)} (default {settings.LANGUAGE_CODE})",
    )


class Command(BaseCommand):
    help = "Build a site's board report or the programme's network report as a PDF."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        board = sub.add_parser(
            "board",
            help="a site's board report for a period (default: the 12 months up to the end of "
            "the month of the site's latest records, or the last 12 months if it has none)",
        )
        board.add_argument("site", help="the site's slug, as in its web address")
        board.add_argument(
            "--from", dest="start", default="", metavar="YYYY-MM-DD", help="the first day"
        )
        board.add_argument(
            "--to", dest="end", default="", metavar="YYYY-MM-DD", help="the last day"
        )
        board.add_argument("--out", required=True, help="the PDF file to write")
        _add_language(board)
        programme = sub.add_parser("programme", help="the programme's network report")
        programme.add_argument("--programme", default="", help="the programme's slug")
        programme.add_argument("--out", required=True, help="the PDF file to write")
        _add_language(programme)

    def handle(self, *args, kind, out, language, **options):
        started = time.perf_counter()
        if kind == "board":
            content, what = self._board(options["site"], options["start"], options["end"], language)
        else:
            content, what = self._programme(options["programme"], language)
        path = _write(out, content)
        self.stdout.write(
            f"Wrote {what} to {path} ({len(content):,} bytes, "
            f"{time.perf_counter() - started:.1f} s)."
        )

    def _board(self, slug, start, end, language):
        site = Site.objects.select_related("organisation", "programme").filter(slug=slug).first()
        if site is None:
            _fail(f"There is no site '{slug}'. Use the slug from the site's web address.")
        # As on the web pages, "today" and dates are the site's own, not the server's.
        with timezone.override(site.organisation.time_zone):
            form = PeriodForm({"from": start, "to": end} if start or end else None, site=site)
            period = form.chosen_period()
            if period is None:
                problems = [f"--{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
                _fail("The period is wrong.\n" + "\n".join(problems))
            with translation.override(language):
                report = build_board(site, period)
                content = pdf.render_pdf("reports/board_pdf.html", {"site": site, "report": report})
        services.record_board_download(ACTOR, site, period, via="cli")
        return content, f"the board report of {site.name} for {period.label}"

    def _programme(self, slug, language):
        programmes = Programme.objects.order_by("id")
        if slug:
            programme = programmes.filter(slug=slug).first()
            if programme is None:
                _fail(f"There is no programme '{slug}'.")
        else:
            found = list(programmes[:2])
            if not found:
                _fail("There is no programme yet. Create one first, or load the demo.")
            if len(found) > 1:
                _fail("There is more than one programme: name one with --programme <slug>.")
            programme = found[0]
        with translation.override(language):
            content = pdf.render_pdf("reports/network_pdf.html", build_network(programme))
        services.record_programme_download(ACTOR, programme, via="cli")
        return content, f"the network report of {programme.name}"
