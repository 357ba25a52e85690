"""Reading and checking measure data: periods, values, and CSV or XLSX tables.

Everything here is pure (no database): it turns what people typed or uploaded into checked
values, or into a plain-English message saying what is wrong and how to fix it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imroc.core import uploads
from imroc.measures.models import DataType, Frequency, MeasureDefinition, Weekday

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
EARLIEST = dt.date(2000, 1, 1)
PERIOD_HEADERS = ("period", "date", "month", "week")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class ImportRefused(Exception):
    """The whole file cannot be used (too big, unreadable, wrong columns)."""


class BadValue(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _day_name(day: dt.date) -> str:
    return Weekday(day.weekday()).label


def parse_period(text: str, measure: MeasureDefinition) -> dt.date:
    """The period a typed date stands for. Monthly: the 1st of a month, or YYYY-MM.
    Weekly: a date on the measure's week start. Anything else is refused, not moved."""
    text = (text or "").strip()
    if not text:
        raise BadValue(_("Enter the period, like 2021-03-01."), "period")
    day = None
    if m := _MONTH.match(text):
        if measure.frequency == Frequency.WEEKLY:
            raise BadValue(
                _(
                    "“%(text)s” is a month, but this measure is weekly. Enter the date its week "
                    "starts, a %(day)s, like 2021-03-01."
                )
                % {"text": text, "day": _day_name_of(measure)},
                "period",
            )
        try:
            day = dt.date(int(m[1]), int(m[2]), 1)
        except ValueError:
            day = None
    elif m := _ISO.match(text):
        day = _date(int(m[1]), int(m[2]), int(m[3]))
    elif m := _UK.match(text):
        day = _date(int(m[3]), int(m[2]), int(m[1]))
    if day is None:
        raise BadValue(
            _("“%(text)s” is not a date. Use the form 2021-03-01 (year, month, day).")
            % {"text": text[:40]},
            "period",
        )
    if day < EARLIEST:
        raise BadValue(
            _("%(date)s is before 2000. Check the year.") % {"date": format_date(day, "d F Y")},
            "period",
        )
    if measure.frequency == Frequency.MONTHLY and day.day != 1:
        raise BadValue(
            _(
                "Monthly data must be dated the 1st of the month: for %(month)s use "
                "%(first)s (or just %(short)s)."
            )
            % {
                "month": format_date(day, "F Y"),
                "first": f"{day:%Y-%m}-01",
                "short": f"{day:%Y-%m}",
            },
            "period",
        )
    if measure.frequency == Frequency.WEEKLY and day.weekday() != measure.week_starts_on:
        start = measure.period_of(day)
        raise BadValue(
            _(
                "This measure's weeks start on a %(start_day)s, and %(date)s is a %(day)s. "
                "For that week use %(start)s."
            )
            % {
                "start_day": _day_name_of(measure),
                "date": f"{day:%Y-%m-%d}",
                "day": _day_name(day),
                "start": f"{start:%Y-%m-%d}",
            },
            "period",
        )
    if day > timezone.localdate():
        raise BadValue(
            _("%(date)s is in the future. Enter data for periods that have started.")
            % {"date": format_date(day, "d F Y")},
            "period",
        )
    return day


def _day_name_of(measure: MeasureDefinition) -> str:
    return Weekday(measure.week_starts_on).label


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


# What each message says, written out for every number a row can hold, so that a translator
# gets whole sentences (a "what" word slotted into a sentence cannot be translated well).
_NUMBER_MESSAGES = {
    "numerator": {
        "missing": gettext_lazy("Enter the numerator."),
        "not_number": gettext_lazy(
            "The numerator “%(text)s” is not a number. Enter a number, like 12 or 12.5."
        ),
        "not_finite": gettext_lazy("The numerator must be an ordinary number."),
        "too_large": gettext_lazy("The numerator is too large. Check it."),
        "negative": gettext_lazy("The numerator cannot be negative."),
        "not_whole": gettext_lazy("The numerator must be a whole number."),
    },
    "denominator": {
        "missing": gettext_lazy("Enter the denominator."),
        "not_number": gettext_lazy(
            "The denominator “%(text)s” is not a number. Enter a number, like 12 or 12.5."
        ),
        "not_finite": gettext_lazy("The denominator must be an ordinary number."),
        "too_large": gettext_lazy("The denominator is too large. Check it."),
        "negative": gettext_lazy("The denominator cannot be negative."),
        "not_whole": gettext_lazy("The denominator must be a whole number."),
    },
    "count": {
        "missing": gettext_lazy("Enter the count."),
        "not_number": gettext_lazy(
            "The count “%(text)s” is not a number. Enter a number, like 12 or 12.5."
        ),
        "not_finite": gettext_lazy("The count must be an ordinary number."),
        "too_large": gettext_lazy("The count is too large. Check it."),
        "negative": gettext_lazy("The count cannot be negative."),
        "not_whole": gettext_lazy("The count must be a whole number."),
    },
    "exposure": {
        "missing": gettext_lazy("Enter the exposure."),
        "not_number": gettext_lazy(
            "The exposure “%(text)s” is not a number. Enter a number, like 12 or 12.5."
        ),
        "not_finite": gettext_lazy("The exposure must be an ordinary number."),
        "too_large": gettext_lazy("The exposure is too large. Check it."),
    },
    "value": {
        "missing": gettext_lazy("Enter the value."),
        "not_number": gettext_lazy(
            "The value “%(text)s” is not a number. Enter a number, like 12 or 12.5."
        ),
        "not_finite": gettext_lazy("The value must be an ordinary number."),
        "too_large": gettext_lazy("The value is too large. Check it."),
    },
}


def parse_number(text, what: str, field: str) -> float:
    """A number from a cell or a form. ``what`` is a key of _NUMBER_MESSAGES."""
    said = _NUMBER_MESSAGES[what]
    if isinstance(text, int | float) and not isinstance(text, bool):
        value = float(text)
    else:
        raw = str(text if text is not None else "").strip().replace(" ", "")
        if not raw:
            raise BadValue(str(said["missing"]), field)
        try:
            value = float(raw)
        except ValueError:
            raise BadValue(str(said["not_number"]) % {"text": raw[:30]}, field) from None
    if not math.isfinite(value):
        raise BadValue(str(said["not_finite"]), field)
    if abs(value) >= 1e12:
        raise BadValue(str(said["too_large"]), field)
    return value


def _whole(value: float, what: str, field: str) -> float:
    said = _NUMBER_MESSAGES[what]
    if value < 0:
        raise BadValue(str(said["negative"]), field)
    if value != int(value):
        raise BadValue(str(said["not_whole"]), field)
    return value


def check_values(
    measure: MeasureDefinition, value=None, numerator=None, denominator=None
) -> tuple[float, float | None, float | None]:
    """(value, numerator, denominator) checked for the measure's data type."""
    dtype = measure.data_type
    if dtype == DataType.PROPORTION:
        num = _whole(parse_number(numerator, "numerator", "numerator"), "numerator", "numerator")
        den = _whole(
            parse_number(denominator, "denominator", "denominator"), "denominator", "denominator"
        )
        if den == 0:
            raise BadValue(_("The denominator must be more than 0."), "denominator")
        if num > den:
            raise BadValue(
                _(
                    "The numerator (%(numerator)s) is more than the denominator (%(denominator)s). "
                    "A share cannot be more than all of them: check the two numbers."
                )
                % {"numerator": f"{num:g}", "denominator": f"{den:g}"},
                "numerator",
            )
        return num / den, num, den
    if dtype == DataType.RATE:
        num = _whole(parse_number(numerator, "count", "numerator"), "count", "numerator")
        den = parse_number(denominator, "exposure", "denominator")
        if den <= 0:
            raise BadValue(_("The exposure must be more than 0."), "denominator")
        return num / den, num, den
    number = parse_number(value, "value", "value")
    if dtype == DataType.COUNT:
        _whole(number, "count", "value")
    elif dtype == DataType.BETWEEN and number < 0:
        raise BadValue(_("The number between events cannot be negative."), "value")
    return number, None, None


# --- Tables ----------------------------------------------------------------------------------


@dataclass
class CheckedRow:
    line: int
    period: dt.date | None
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    raw: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_csv_text(text: str) -> list[list[str]]:
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ImportRefused(_("The data is larger than 2 MB. Split it into smaller files."))
    sample = text[:2000]
    first = sample.splitlines()[0] if sample.splitlines() else ""
    delimiter = max((",", ";", "\t"), key=first.count) if first else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise ImportRefused(
            _("The data could not be read as CSV (%(error)s).") % {"error": error}
        ) from None
    return rows


def read_upload(name: str, data: bytes) -> list[list[str]]:
    """Rows of strings from a CSV or XLSX file."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(_("The file is larger than 2 MB. Split it into smaller files."))
    lower = name.lower()
    if lower.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return read_xlsx(data)
    if lower.endswith((".xls", ".ods", ".numbers")):
        raise ImportRefused(
            _("Save the spreadsheet as CSV or as an Excel .xlsx file, then upload it.")
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise ImportRefused(_("The file's text could not be read. Save it as CSV (UTF-8)."))
    if "\x00" in text:
        raise ImportRefused(_("This does not look like a CSV file. Upload a .csv or .xlsx file."))
    return read_csv_text(text)


def read_xlsx(data: bytes) -> list[list[str]]:
    """The first sheet of an .xlsx workbook, as strings (dates as YYYY-MM-DD).

    The workbook is checked before it is read and read in openpyxl's read-only mode
    (``uploads.workbook_rows``), so a small file that unpacks to gigabytes, or a sheet with
    millions of cells, is refused with the limit it passed instead of being read.
    """
    try:
        import openpyxl  # noqa: F401 - only to say clearly when it is missing
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportRefused(
            _(
                "Excel files cannot be read on this server yet. Save the sheet as CSV and upload that."
            )
        ) from None
    rows = []
    try:
        for row in uploads.workbook_rows(data):
            cells = [_cell(v) for v in row]
            if any(cells):  # blank rows are skipped here, as check_table would skip them
                rows.append(cells)
                if len(rows) > MAX_ROWS + 1:  # enough for check_table to refuse the file
                    break
    except uploads.Unreadable:
        raise ImportRefused(
            _("The Excel file could not be opened. Check it opens in Excel, or save it as CSV.")
        ) from None
    except uploads.UploadError as error:
        raise ImportRefused(str(error)) from None
    return rows


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def check_table(measure: MeasureDefinition, rows: list[list[str]]) -> list[CheckedRow]:
    """Check every row. Raises ImportRefused when the table as a whole cannot be used."""
    rows = [r for r in rows if any(str(c).strip() for c in r)]
    if not rows:
        raise ImportRefused(
            _("There is no data. The first row names the columns, then one row per period.")
        )
    header = [str(c).strip().lower() for c in rows[0]]
    period_col = next((header.index(h) for h in PERIOD_HEADERS if h in header), None)
    if measure.is_fraction:
        names = ("numerator", "denominator")
        wanted = "period,numerator,denominator"
    else:
        names = ("value",)
        wanted = "period,value"
    cols = [header.index(n) if n in header else None for n in names]
    if period_col is None or None in cols:
        found = ", ".join(h for h in header if h)[:120]
        if found:
            raise ImportRefused(
                _("The first row must name the columns: %(wanted)s. It has: %(found)s.")
                % {"wanted": wanted, "found": found}
            )
        raise ImportRefused(
            _("The first row must name the columns: %(wanted)s. It has: nothing.")
            % {"wanted": wanted}
        )
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise ImportRefused(
            _("There are more than %(limit)s rows. Split the data into smaller files.")
            % {"limit": f"{MAX_ROWS:,}"}
        )
    checked: list[CheckedRow] = []
    seen: dict[dt.date, int] = {}
    for offset, row in enumerate(body, start=2):
        cells = [str(c) for c in row]

        def cell(i, cells=cells):
            return cells[i] if i is not None and i < len(cells) else ""

        result = CheckedRow(
            line=offset, period=None, raw=[cell(period_col), *(cell(c) for c in cols)]
        )
        try:
            result.period = parse_period(cell(period_col), measure)
        except BadValue as error:
            result.errors.append(str(error))
        try:
            if measure.is_fraction:
                result.value, result.numerator, result.denominator = check_values(
                    measure, numerator=cell(cols[0]), denominator=cell(cols[1])
                )
            else:
                result.value = check_values(measure, value=cell(cols[0]))[0]
        except BadValue as error:
            result.errors.append(str(error))
        if result.period is not None:
            if result.period in seen:
                result.errors.append(
                    _("%(period)s is also on row %(row)d. Give each period once.")
                    % {"period": f"{result.period:%Y-%m-%d}", "row": seen[result.period]}
                )
            else:
                seen[result.period] = offset
        checked.append(result)
    return checked
