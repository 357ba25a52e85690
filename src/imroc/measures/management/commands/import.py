"""imroc import datapoints <site> FILE.csv [--measure ID] [--user NAME]: load data points.

The file is a CSV with a header row. Columns (names are not case-sensitive):

- ``measure``: the measure's public id (leave the column out when ``--measure`` is given);
- ``period`` (or ``date``, ``month``, ``week``);
- ``value`` for numbers and counts, or ``numerator`` and ``denominator`` for shares and rates;
- ``note`` (optional).

Every row is checked first. If any row is wrong, nothing is written, each problem is listed
with its line number, and the command exits with code 2. Otherwise all rows are written in one
transaction, so an interrupted import leaves either all of the file or none of it.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imroc.core.audit import SystemActor
from imroc.core.services import ServiceError
from imroc.measures.services import BulkUpsertError, upsert_data_points
from imroc.programme.models import Site

PERIOD_HEADERS = ("period", "date", "month", "week")
SHOWN_ERRORS = 200


class Command(BaseCommand):
    help = "Import data: `import datapoints <site> FILE.csv` loads measure data, all or nothing."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        points = sub.add_parser("datapoints", help="data points of one site's measures, from CSV")
        points.add_argument("site", help="the site's slug")
        points.add_argument("file", type=Path, help="a CSV file with a header row")
        points.add_argument(
            "--measure", help="the measure's public id, when the file has no measure column"
        )
        points.add_argument(
            "--user", help="record the import as this user (default: the system actor 'import')"
        )

    def handle(self, *args, kind, site, file, measure=None, user=None, **options):
        target = Site.objects.filter(slug=site).first()
        if target is None:
            raise CommandError(f"There is no site “{site}”.", returncode=2)
        actor = SystemActor("import")
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"There is no active user “{user}”.", returncode=2)
        rows = self._read(file, measure)

        def checked(n):
            self.stdout.write(f"Checked {n:,} rows; writing them now.")
            self.stdout.flush()

        try:
            counts = upsert_data_points(target, rows, actor=actor, on_checked=checked)
        except BulkUpsertError as error:
            self._report(error)
            raise CommandError(
                f"{error.error_count:,} row(s) of {file} have problems. Nothing was saved.",
                returncode=2,
            ) from None
        except ServiceError as error:
            raise CommandError(f"{error} Nothing was saved.", returncode=2) from None
        self.stdout.write(
            f"Imported {counts['rows']:,} rows into {counts['measures']:,} measure(s): "
            f"{counts['created']:,} new, {counts['corrected']:,} corrected, "
            f"{counts['unchanged']:,} unchanged."
        )

    def _read(self, path: Path, measure: str | None) -> list[dict]:
        try:
            handle = path.open(newline="", encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(
                f"{path}: cannot read the file ({error.strerror}).", returncode=2
            ) from None
        with handle:
            try:
                reader = csv.reader(handle)
                header = [h.strip().lower() for h in next(reader, [])]
                period_col = next((header.index(h) for h in PERIOD_HEADERS if h in header), None)
                if period_col is None or ("measure" not in header and not measure):
                    raise CommandError(
                        f"{path}: the first row must name the columns, for example "
                        "measure,period,value (or numerator,denominator for shares and rates). "
                        "Leave out measure when you give --measure.",
                        returncode=2,
                    )
                cols = {
                    name: header.index(name)
                    for name in ("measure", "value", "numerator", "denominator", "note")
                    if name in header
                }
                rows = []
                for cells in reader:
                    if not any(c.strip() for c in cells):
                        continue
                    row = {"row": reader.line_num, "period": _cell(cells, period_col)}
                    for name, index in cols.items():
                        row[name] = _cell(cells, index)
                    if measure and not row.get("measure"):
                        row["measure"] = measure
                    rows.append(row)
            except (csv.Error, UnicodeDecodeError) as error:
                raise CommandError(
                    f"{path}: the file could not be read as UTF-8 CSV ({error}).", returncode=2
                ) from None
        if not rows:
            raise CommandError(f"{path}: there are no data rows after the header.", returncode=2)
        return rows

    def _report(self, error: BulkUpsertError) -> None:
        err = self.stderr
        for problem in error.errors[:SHOWN_ERRORS]:
            field = f" ({problem['field']})" if problem.get("field") else ""
            err.write(f"Line {problem['row']}{field}: {problem['message']}")
        hidden = error.error_count - min(len(error.errors), SHOWN_ERRORS)
        if hidden > 0:
            err.write(f"…and {hidden:,} more problem(s).")
        sys.stderr.flush()


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""
