"""Check uploaded files by what they contain, not by what their names claim.

A file is accepted only if its bytes match one of the allowed kinds and its name's ending
agrees. A script renamed to .pdf is refused. Names are cleaned before they are kept.

Word, Excel, PowerPoint and OpenDocument files, and site bundles, are zip archives, and a
small archive can unpack to gigabytes (a "zip bomb"). So every uploaded archive is opened with
``open_zip``, which first reads only its table of contents (the central directory) and refuses
it, before anything is unpacked, when it would unpack to too much, holds too many parts, or is
packed far more tightly than real documents are. A part is then unpacked with ``read_member``,
a piece at a time, with a hard limit that holds even if the table of contents lied. An Excel
workbook that is imported is read with ``workbook_rows``, which also counts the rows, columns
and cells in its XML before openpyxl builds anything from it. The limits are settings
(``IMROC_UPLOAD_*`` and ``IMROC_XLSX_*``; docs/deploy.md lists them).
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class UploadError(Exception):
    """A file that is refused, with the reason in plain words."""


class Unreadable(UploadError):
    """A file that is damaged, or is not the kind of file it claims to be."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or gettext("The file is damaged or is not what its name says, so it could not be read.")
        )


@dataclass(frozen=True)
class Kind:
    label: str
    endings: tuple[str, ...]
    content_type: str


PDF = Kind(_("PDF document"), (".pdf",), "application/pdf")
PNG = Kind(_("PNG image"), (".png",), "image/png")
JPEG = Kind(_("JPEG image"), (".jpg", ".jpeg"), "image/jpeg")
DOCX = Kind(
    _("Word document"),
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = Kind(
    _("Excel workbook"),
    (".xlsx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
PPTX = Kind(
    _("PowerPoint file"),
    (".pptx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)
ODT = Kind(_("OpenDocument text"), (".odt",), "application/vnd.oasis.opendocument.text")
ODS = Kind(
    _("OpenDocument spreadsheet"), (".ods",), "application/vnd.oasis.opendocument.spreadsheet"
)
TEXT = Kind(_("text file"), (".txt", ".csv"), "text/plain; charset=utf-8")

ALL_KINDS = (PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT, ODS, TEXT)
OFFICE_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": ODT,
    "application/vnd.oasis.opendocument.spreadsheet": ODS,
}


def allowed_endings() -> str:
    return ", ".join(e for k in ALL_KINDS for e in k.endings)


def human_size(n: int) -> str:
    """A byte count as people say it: 100 MB, 64 KB, 12 bytes."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} bytes"


# --- Zip archives: the table of contents first, then each part with a hard limit ---------------

# A part smaller than this is never refused for its compression ratio: small parts of real
# documents (empty styles, repeated settings) often pack very tightly, and cannot do harm.
RATIO_FLOOR = 1024 * 1024
_CHUNK = 64 * 1024
_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")
_ZIP64_END_SIGNATURE = b"PK\x06\x06"
_ENTRY = struct.Struct("<4s4B4HL2L5H2L")  # central directory file header
_ENTRY_SIGNATURE = b"PK\x01\x02"
_ZIP64_EXTRA = 0x0001
_UNKNOWN_32 = 0xFFFFFFFF
# What zipfile and zlib raise for an archive or a part that is damaged.
_DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    OSError,
    EOFError,
    KeyError,
    ValueError,
    struct.error,
)


@dataclass(frozen=True)
class ZipLimits:
    uncompressed_bytes: int
    members: int
    ratio: int

    @classmethod
    def from_settings(
        cls, uncompressed_bytes: int | None = None, members: int | None = None
    ) -> ZipLimits:
        return cls(
            uncompressed_bytes=uncompressed_bytes or settings.IMROC_UPLOAD_MAX_UNCOMPRESSED_BYTES,
            members=members or settings.IMROC_UPLOAD_MAX_ZIP_MEMBERS,
            ratio=settings.IMROC_UPLOAD_MAX_COMPRESSION_RATIO,
        )


class _Tally:
    """Adds up a table of contents entry by entry, and stops at the first limit passed."""

    def __init__(self, limits: ZipLimits, file_size: int):
        self.limits = limits
        self.file_size = file_size
        self.members = 0
        self.total = 0

    def add(self, compressed: int, uncompressed: int) -> None:
        limits = self.limits
        self.members += 1
        if self.members > limits.members:
            raise UploadError(
                gettext(
                    "This file is made of more than %(limit)s separate parts, which is the "
                    "limit. If it is a real document, save it again from the program that made "
                    "it, or split it into smaller files."
                )
                % {"limit": f"{limits.members:,}"}
            )
        self.total += uncompressed
        if self.total > limits.uncompressed_bytes:
            raise UploadError(
                gettext(
                    "This file would unpack to more than %(limit)s, which is the limit. If it is "
                    "a real document, make it smaller (for example, split it or use smaller "
                    "pictures) and try again."
                )
                % {"limit": human_size(limits.uncompressed_bytes)}
            )
        if uncompressed > RATIO_FLOOR and uncompressed > limits.ratio * max(compressed, 1):
            raise self._too_tight()

    def finish(self) -> None:
        if self.total > RATIO_FLOOR and self.total > self.limits.ratio * max(self.file_size, 1):
            raise self._too_tight()

    def _too_tight(self) -> UploadError:
        return UploadError(
            gettext(
                "This file is packed far more tightly than ordinary documents are: it would grow "
                "more than %(limit)s times when unpacked, which is the limit. Files like this are "
                "made to overload servers, so it was not accepted. If it is a real document, "
                "save it again from the program that made it."
            )
            % {"limit": f"{self.limits.ratio:,}"}
        )


def _directory(content: bytes) -> tuple[int, int]:
    """Where the central directory starts and how long it is, found the way zipfile finds it."""
    last = len(content) - _END.size
    if last < 0:
        raise Unreadable()
    if content.startswith(_END_SIGNATURE, last) and content.endswith(b"\x00\x00"):
        at = last
    else:  # the archive ends with a comment of up to 64 KB
        at = content.rfind(_END_SIGNATURE, max(last - 0xFFFF, 0))
        if at < 0 or at > last:
            raise Unreadable()
    size = _END.unpack_from(content, at)[5]
    start = at - size
    locator = at - _ZIP64_LOCATOR.size
    record = locator - _ZIP64_END.size
    if (
        record >= 0
        and content.startswith(_ZIP64_LOCATOR_SIGNATURE, locator)
        and content.startswith(_ZIP64_END_SIGNATURE, record)
    ):
        size = _ZIP64_END.unpack_from(content, record)[8]
        start = record - size
    if start < 0 or size < 0:
        raise Unreadable()
    return start, size


def _zip64_sizes(extra: bytes, compressed: int, uncompressed: int) -> tuple[int, int]:
    while len(extra) >= 4:
        kind, length = struct.unpack_from("<HH", extra)
        if length + 4 > len(extra):
            raise Unreadable()
        if kind == _ZIP64_EXTRA:
            data = extra[4 : 4 + length]
            if uncompressed == _UNKNOWN_32:
                (uncompressed,) = struct.unpack_from("<Q", data)
                data = data[8:]
            if compressed == _UNKNOWN_32:
                (compressed,) = struct.unpack_from("<Q", data)
        extra = extra[4 + length :]
    return compressed, uncompressed


def _walk_directory(content: bytes, tally: _Tally) -> None:
    """Every entry of the table of contents, straight from the bytes, without unpacking
    anything and without building a list first: the tally stops a huge one early."""
    start, size = _directory(content)
    end = start + size
    if end > len(content):
        raise Unreadable()
    at = start
    while at < end:
        if at + _ENTRY.size > end:
            raise Unreadable()
        entry = _ENTRY.unpack_from(content, at)
        if entry[0] != _ENTRY_SIGNATURE:
            raise Unreadable()
        compressed, uncompressed = entry[10], entry[11]
        name_length, extra_length, comment_length = entry[12], entry[13], entry[14]
        extra_at = at + _ENTRY.size + name_length
        if _UNKNOWN_32 in (compressed, uncompressed):
            extra = content[extra_at : extra_at + extra_length]
            compressed, uncompressed = _zip64_sizes(extra, compressed, uncompressed)
        tally.add(compressed, uncompressed)
        at = extra_at + extra_length + comment_length


def open_zip(
    content: bytes, *, max_uncompressed_bytes: int | None = None, max_members: int | None = None
) -> zipfile.ZipFile:
    """An uploaded zip archive, opened for reading once its table of contents is within limits.

    Nothing is unpacked here. The table of contents is read twice: first straight from the bytes,
    stopping at the first limit passed (so a file listing a million parts costs next to nothing),
    then as zipfile reads it, so that what is later unpacked is what was checked. Raises
    UploadError naming the limit, or Unreadable for a damaged archive. The limits default to the
    settings; a caller with a larger size limit of its own (bundles) passes it in.
    """
    limits = ZipLimits.from_settings(max_uncompressed_bytes, max_members)
    tally = _Tally(limits, len(content))
    try:
        _walk_directory(content, tally)
    except (struct.error, IndexError, ValueError):
        raise Unreadable() from None
    tally.finish()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except _DAMAGED:
        raise Unreadable() from None
    again = _Tally(limits, len(content))
    try:
        for info in archive.infolist():
            again.add(info.compress_size, info.file_size)
        again.finish()
        if again.members != tally.members:
            raise Unreadable()
    except UploadError:
        archive.close()
        raise
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """One part of an archive from ``open_zip``, unpacked a piece at a time. More than ``limit``
    bytes is refused as soon as it appears, whatever the table of contents said."""
    pieces = []
    size = 0
    try:
        with archive.open(name) as stream:
            while piece := stream.read(min(_CHUNK, limit + 1 - size)):
                size += len(piece)
                if size > limit:
                    raise UploadError(
                        gettext(
                            "A part of this file would unpack to more than %(limit)s, which is "
                            "the limit for it. The file may be damaged."
                        )
                        % {"limit": human_size(limit)}
                    )
                pieces.append(piece)
    except _DAMAGED:
        raise Unreadable() from None
    return b"".join(pieces)


def _pieces(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    try:
        with archive.open(info) as stream:
            while piece := stream.read(_CHUNK):
                yield piece
    except _DAMAGED:
        raise Unreadable() from None


# --- Excel workbooks: count what a reader would build, before it builds it ---------------------

# Each cell is a handful of XML elements (the cell, its value, perhaps a formula or a shared
# string); styles, names and the rest of a real workbook add far fewer than this many more.
_ELEMENTS_PER_CELL = 4
_ELEMENTS_BESIDES_CELLS = 100_000
_COORDINATE = re.compile(r"\$?([A-Za-z]{1,3})?\$?(\d+)?$")
_XML_STARTS = (b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe", b"\x4c\x6f\xa7\x94")


@dataclass(frozen=True)
class SheetLimits:
    rows: int
    columns: int
    cells: int

    @classmethod
    def from_settings(cls) -> SheetLimits:
        return cls(
            rows=settings.IMROC_XLSX_MAX_ROWS,
            columns=settings.IMROC_XLSX_MAX_COLUMNS,
            cells=settings.IMROC_XLSX_MAX_CELLS,
        )

    def too_many_rows(self) -> UploadError:
        return UploadError(
            gettext(
                "The sheet has more than %(limit)s rows, which is the limit. Remove the rows you "
                "do not need, or split the data into smaller files."
            )
            % {"limit": f"{self.rows:,}"}
        )

    def too_many_columns(self) -> UploadError:
        return UploadError(
            gettext(
                "The sheet uses more than %(limit)s columns, which is the limit. Copy just the "
                "data you need into a new sheet, or save it as CSV, and upload that."
            )
            % {"limit": f"{self.columns:,}"}
        )

    def too_many_cells(self) -> UploadError:
        return UploadError(
            gettext(
                "The workbook has more than %(limit)s cells, which is the limit. Remove what you "
                "do not need, or save just the data as CSV, and upload that."
            )
            % {"limit": f"{self.cells:,}"}
        )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _row_number(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            return None
        return int(value) if value.is_integer() else None


def _looks_like_xml(head: bytes) -> bool:
    """Whether an XML reader might take this part as XML (so it must be counted)."""
    if head.startswith(_XML_STARTS):
        return True
    rest = head.lstrip(b" \t\r\n\x00")
    return not rest or rest.startswith(b"<")


class _WorkbookCount:
    """Counts the XML of a workbook's parts as openpyxl would read them, with the limits."""

    def __init__(self, limits: SheetLimits):
        self.limits = limits
        self.max_elements = limits.cells * _ELEMENTS_PER_CELL + _ELEMENTS_BESIDES_CELLS
        self.elements = 0
        self.cells = 0

    def _check_dimension(self, ref: str) -> None:
        for corner in ref.split(":"):
            match = _COORDINATE.match(corner.strip())
            if match is None:
                continue
            if match[1] and _column_number(match[1]) > self.limits.columns:
                raise self.limits.too_many_columns()
            if match[2] and int(match[2]) > self.limits.rows:
                raise self.limits.too_many_rows()

    def too_complicated(self) -> UploadError:
        return UploadError(
            gettext(
                "The workbook is too complicated to read safely: its files hold more than "
                "%(limit)s items, which is the limit. Copy just the data you need into a new "
                "workbook, or save it as CSV, and upload that."
            )
            % {"limit": f"{self.max_elements:,}"}
        )

    def part(self, pieces: Iterator[bytes]) -> None:
        """Count one part. Called for every element, ``start`` is kept to plain local work."""
        limits = self.limits
        max_elements, max_cells = self.max_elements, limits.cells
        max_rows, max_columns = limits.rows, limits.columns
        elements, cells = self.elements, self.cells
        depth = rows = row = column = 0
        row_depth = -2  # the depth of the row being read: a reader takes each child as a cell
        outer_rows: list[int] = []  # rows inside rows, which a reader also reads
        local_names: dict[str, str] = {}

        def start(name, attributes):
            nonlocal depth, elements, cells, rows, row, column, row_depth
            depth += 1
            elements += 1
            if elements > max_elements:
                raise self.too_complicated()
            if depth == row_depth + 1:
                cells += 1
                if cells > max_cells:
                    raise limits.too_many_cells()
                ref = attributes.get("r")
                match = _COORDINATE.match(ref) if ref else None
                column = _column_number(match[1]) if match and match[1] else column + 1
                if column > max_columns:
                    raise limits.too_many_columns()
            local = local_names.get(name)
            if local is None:
                local = local_names[name] = name.rpartition(" ")[2]
            if local == "row":
                rows += 1
                number = _row_number(attributes["r"]) if "r" in attributes else None
                row = number if number is not None else row + 1
                if rows > max_rows or row > max_rows:
                    raise limits.too_many_rows()
                column = 0
                outer_rows.append(row_depth)
                row_depth = depth
            elif local == "dimension" and "ref" in attributes:
                self._check_dimension(attributes["ref"])

        def end(name):
            nonlocal depth, row_depth
            if depth == row_depth:
                row_depth = outer_rows.pop()
            depth -= 1

        def no_doctype(*args):
            raise Unreadable()  # no workbook needs one, and entities can multiply content

        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.StartDoctypeDeclHandler = no_doctype
        try:
            for piece in pieces:
                parser.Parse(piece, False)
            parser.Parse(b"", True)
        except expat.ExpatError:
            raise Unreadable() from None
        finally:
            self.elements, self.cells = elements, cells


def check_workbook(content: bytes, limits: SheetLimits | None = None) -> None:
    """Refuse an Excel workbook too large to read safely, before any reader opens it.

    The archive passes ``open_zip``; then every part that could be read as XML is counted,
    streaming, without keeping it: rows and columns of each sheet (by the sheet's own stated
    size, and by the row and cell positions actually in it), cells and XML elements in all.
    Raises UploadError naming the limit passed, or Unreadable.
    """
    limits = limits or SheetLimits.from_settings()
    count = _WorkbookCount(limits)
    with open_zip(content) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            pieces = _pieces(archive, info)
            try:
                head = next(pieces, b"")
                if head and _looks_like_xml(head):
                    count.part(_chain(head, pieces))
            finally:
                pieces.close()


def _chain(head: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield head
    yield from rest


def workbook_rows(content: bytes) -> Iterator[tuple]:
    """The values of the first sheet of an .xlsx workbook, row by row.

    The workbook passes ``check_workbook`` first, then openpyxl opens it read-only. The sheet's
    stated size is checked again, and the rows are counted as they come, so a sheet cannot get
    past the limits by misstating its size. Raises UploadError naming the limit, or Unreadable.
    """
    limits = SheetLimits.from_settings()
    check_workbook(content, limits)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        raise Unreadable() from None
    try:
        if not book.worksheets:
            raise Unreadable()
        sheet = book.worksheets[0]
        if (sheet.max_row or 0) > limits.rows:
            raise limits.too_many_rows()
        if (sheet.max_column or 0) > limits.columns:
            raise limits.too_many_columns()
        rows = sheet.iter_rows(values_only=True)
        number = cells = 0
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:  # a damaged cell, found only when it is read
                raise Unreadable() from None
            number += 1
            if number > limits.rows:
                raise limits.too_many_rows()
            if len(row) > limits.columns:
                raise limits.too_many_columns()
            cells += sum(value is not None for value in row)
            if cells > limits.cells:
                raise limits.too_many_cells()
            yield row
    finally:
        book.close()


# --- Kinds of file ---------------------------------------------------------------------------

# An OpenDocument file names its kind in a small "mimetype" part; nothing longer is one.
_MIMETYPE_LIMIT = 1024


def _zip_kind(content: bytes) -> Kind | None:
    """The kind of a zip-based document. Raises UploadError for an archive over a limit."""
    try:
        archive = open_zip(content)
    except Unreadable:
        return None
    with archive:
        names = set(archive.namelist())
        if "mimetype" in names:
            try:
                mimetype = read_member(archive, "mimetype", _MIMETYPE_LIMIT)
            except Unreadable:
                return None
            return ODF_TYPES.get(mimetype.decode("ascii", "replace").strip())
        if "[Content_Types].xml" in names:
            for part, kind in OFFICE_PARTS.items():
                if part in names:
                    return kind
    return None


def _text_kind(content: bytes) -> Kind | None:
    if b"\x00" in content:
        return None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith("#!") or re.search(r"<\s*(script|html|svg)\b", text[:4096], re.IGNORECASE):
        return None  # scripts and web pages are not documents
    return TEXT


def detect(content: bytes) -> Kind | None:
    """What the bytes are, or None if they are not an allowed kind. Raises UploadError for a
    zip-based file over the limits (see ``open_zip``)."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    return _text_kind(content)


def clean_name(name: str) -> str:
    """A safe display name: no folders, no control characters, plain letters, 120 characters at most."""
    name = unicodedata.normalize("NFKC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name)
    name = re.sub(r"[^\w .()-]", "_", name).strip(" .")
    stem, dot, ending = name.rpartition(".")
    if dot and len(name) > 120:
        name = stem[: 119 - len(ending)] + "." + ending
    return name[:120] or "file"


def check_upload(content: bytes, name: str, max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[Kind, str]:
    """Check a file; return its kind and a cleaned name, or raise UploadError."""
    if not content:
        raise UploadError(gettext("The file is empty."))
    if len(content) > max_bytes:
        raise UploadError(
            gettext("The file is larger than %(size)d MB. Choose a smaller file.")
            % {"size": max_bytes // (1024 * 1024)}
        )
    safe = clean_name(name)
    ending = "." + safe.rsplit(".", 1)[-1].lower() if "." in safe else ""
    kind = detect(content)
    if kind is None:
        raise UploadError(
            gettext("This type of file cannot be shared. Allowed: %(endings)s.")
            % {"endings": allowed_endings()}
        )
    if ending not in kind.endings:
        if ending:
            message = gettext(
                "The file's name ends in “%(ending)s” but it is a %(kind)s. "
                "Rename it or choose the right file."
            )
        else:
            message = gettext(
                "The file's name ends in “nothing” but it is a %(kind)s. "
                "Rename it or choose the right file."
            )
        raise UploadError(message % {"ending": ending, "kind": kind.label})
    return kind, safe
