"""Check uploaded files by what they contain, not by what their names claim.

A file is accepted only if its bytes match one of the allowed kinds and its name's ending
agrees. A script renamed to .pdf is refused. Names are cleaned before they are kept.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class UploadError(Exception):
    """A file that is refused, with the reason in plain words."""


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


def _zip_kind(content: bytes) -> Kind | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
        if "mimetype" in names:
            return ODF_TYPES.get(archive.read("mimetype").decode("ascii", "replace").strip())
        if "[Content_Types].xml" in names:
            for part, kind in OFFICE_PARTS.items():
                if part in names:
                    return kind
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
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
    """What the bytes are, or None if they are not an allowed kind."""
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
