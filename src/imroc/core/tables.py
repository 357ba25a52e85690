"""Tables a person can download: the rows of a list page as CSV or Excel (XLSX).

A ``Table`` is a title, a name (used for the file name and the audit log), a list of
``Column`` (header + accessor) and an iterable of rows. ``export_response`` streams it:
CSV through a ``StreamingHttpResponse``, XLSX through openpyxl's write-only workbook, so a
long list never sits in memory as one document.

Every cell is made safe against formula injection: a text cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so a spreadsheet shows it
as text instead of running it.

List views use the ``?format=csv|xlsx`` query parameter::

    if tables.wants_export(request):
        return tables.export(request, my_table(rows), site=site)
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
FORMAT_PARAM = "format"
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Column:
    header: str
    accessor: Callable[[Any], Any] | str

    def value(self, row: Any) -> Any:
        if callable(self.accessor):
            return self.accessor(row)
        value: Any = row
        for part in self.accessor.split("."):
            if value is None:
                return None
            value = value.get(part) if isinstance(value, dict) else getattr(value, part)
        if callable(value) and not isinstance(value, models.Model):
            value = value()
        return value


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: Iterable[Any]
    name: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.name = self.name or slugify(self.title) or "table"

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def values(self) -> Iterator[list[Any]]:
        """Each row as a list of plain values."""
        rows = self.rows
        if isinstance(rows, models.QuerySet) and not rows._prefetch_related_lookups:
            rows = rows.iterator(chunk_size=2000)
        for row in rows:
            yield [plain(c.value(row)) for c in self.columns]

    def count(self) -> int:
        rows = self.rows
        if isinstance(rows, models.QuerySet):
            return rows.count()
        if hasattr(rows, "__len__"):
            return len(rows)  # type: ignore[arg-type]
        raise TypeError("count() needs a sized list or a queryset")


def col(header: str, accessor: Callable[[Any], Any] | str) -> Column:
    return Column(header, accessor)


def plain(value: Any) -> Any:
    """A cell value both writers understand: text, numbers, dates; never a model."""
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    if isinstance(value, dt.date | dt.time):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return "; ".join(str(plain(v)) for v in value)
    return str(value)


def safe_text(value: str) -> str:
    """Text that a spreadsheet shows as text, never as a formula."""
    if value and value[0] in DANGEROUS_START:
        return "'" + value
    return value


def _safe(value: Any) -> Any:
    return safe_text(value) if isinstance(value, str) else value


def _csv_text(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return "'" + value if value and value[0] in DANGEROUS_START else value
    if kind is int or kind is float or value is None:
        return value  # csv writes None as an empty cell
    if kind is bool:
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return str(value)


class _Line:
    """A file-like object csv.writer writes one line into, read back at once."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text = text


def csv_lines(headers: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text one line at a time, headers first, every cell escaped."""
    line = _Line()
    writer = csv.writer(line, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in headers])
    yield line.text
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
        yield line.text


def csv_chunks(table: Table, size: int = 32 * 1024) -> Iterator[bytes]:
    """The CSV as UTF-8 (with a byte-order mark, so Excel reads accents) in chunks."""
    buffer: list[str] = ["\ufeff"]
    length = 0
    for text in csv_lines(table.headers, table.values()):
        buffer.append(text)
        length += len(text)
        if length >= size:
            yield "".join(buffer).encode("utf-8")
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return _safe(value)


def xlsx_chunks(table: Table) -> Iterator[bytes]:
    """An XLSX workbook, written row by row (openpyxl write-only) to a temporary file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(table.title))
    bold = Font(bold=True)
    header = []
    for text in table.headers:
        cell = WriteOnlyCell(sheet, value=safe_text(text))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.values():
        sheet.append([_xlsx_value(v) for v in row])
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(XLSX_CHUNK):
            yield chunk


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Sheet")[:31]


def filename(table: Table, fmt: str) -> str:
    stamp = timezone.localdate().isoformat()
    return f"{table.name}-{stamp}.{FORMATS[fmt][1]}"


def export_response(table: Table, fmt: str) -> StreamingHttpResponse:
    """Stream the table as CSV or XLSX, as a download."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    chunks = csv_chunks(table) if fmt == "csv" else xlsx_chunks(table)
    response = StreamingHttpResponse(chunks, content_type=FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{filename(table, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def as_bytes(table: Table, fmt: str) -> bytes:
    """The whole file at once: for tests and the command line."""
    return b"".join(csv_chunks(table) if fmt == "csv" else xlsx_chunks(table))


# --- list views -------------------------------------------------------------------------


def wants_export(request) -> bool:
    """True when a list page is asked for a download rather than HTML."""
    return FORMAT_PARAM in request.GET


def bad_format(value: str) -> HttpResponse:
    shown = value[:20] or "(empty)"
    return HttpResponseBadRequest(
        f"Cannot download this list as '{shown}'. Use format=csv or format=xlsx.",
        content_type="text/plain; charset=utf-8",
    )


def record_export(actor, *, site, name: str, fmt: str, rows: int, profile: str = "full"):
    """Write the audit event for one download (exports.list). Lazy import keeps core light."""
    from imroc.core import audit

    with transaction.atomic():
        return audit.record(
            actor,
            "exports.list",
            site,
            site=site,
            object_type="export",
            object_repr=f"{name} ({fmt})",
            after={"list": name, "format": fmt, "profile": profile, "rows": rows},
        )


def export(request, table: Table, *, site=None) -> HttpResponse:
    """The download a list page returns for ``?format=``: audited, or 400 for a bad format."""
    fmt = request.GET.get(FORMAT_PARAM, "").strip().lower()
    if fmt not in FORMATS:
        return bad_format(fmt)
    if not isinstance(table.rows, models.QuerySet) and not hasattr(table.rows, "__len__"):
        table.rows = list(table.rows)
    record_export(
        request.user, site=site or getattr(request, "site", None), name=table.name, fmt=fmt,
        rows=table.count(),
    )  # fmt: skip
    return export_response(table, fmt)


def read_csv(data: bytes) -> list[list[str]]:
    """Parse CSV bytes written here back into rows (tests, round trips)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
