"""Hostile files for the upload tests, built for real (nothing here is a mock).

The bomb is a genuine zip whose main part unpacks to a gigabyte of zeros, and the file is
about 1 MB. The part is deflated a megabyte at a time, each megabyte ending in a full flush, so
every megabyte packs to the same bytes: one is packed and the result repeated, which makes the
bomb in a fraction of a second without ever holding the gigabyte. Python's zipfile, zlib and
any unzip program read it as they read any other zip.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

GB = 1024 * 1024 * 1024
MB = 1024 * 1024

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def document_xml(paragraphs: int = 40) -> bytes:
    body = "".join(
        f"<w:p><w:r><w:t>Paragraph {n}: what we agreed about safety planning.</w:t></w:r></w:p>"
        for n in range(paragraphs)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode()


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def real_docx() -> bytes:
    """A small Word document laid out as Word lays one out."""
    return zip_of(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": RELS,
            "word/document.xml": document_xml(),
        }
    )


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _zeros(size: int) -> tuple[bytes, int]:
    """``size`` bytes of zeros (a whole number of megabytes), deflated; and their CRC-32."""
    assert size % MB == 0
    chunk = bytes(MB)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // MB):
        crc = zlib.crc32(chunk, crc)
    return block * (size // MB) + packer.flush(), crc


def _assemble(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of deflated parts: (name, deflated data, CRC-32, unpacked size) each."""
    body, directory = bytearray(), bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        # version needed, flags, method, time, date; CRC, sizes and name length
        common = (20, 0, zipfile.ZIP_DEFLATED, 0, 0x5821, crc, len(data), size, len(encoded))
        rest = (0, 0, 0, 0, 0o644 << 16, len(body))  # no extra or comment, disk 0, attributes
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *common, *rest)
        directory += encoded
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", *common, 0)
        body += encoded + data
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0
    )
    return bytes(body + directory + end)


def bomb(kind: str, size: int = GB) -> bytes:
    """A ``kind`` ("docx" or "odt") whose main part is ``size`` bytes of zeros."""
    data, crc = _zeros(size)
    if kind == "odt":  # an OpenDocument file names its kind in "mimetype": here that is the bomb
        return _assemble([("mimetype", data, crc, size)])
    small = [
        (name, _deflate(content), zlib.crc32(content), len(content))
        for name, content in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS))
    ]
    return _assemble([*small, ("word/document.xml", data, crc, size)])


def write_bomb(path: Path, kind: str, size: int = GB) -> Path:
    path.write_bytes(bomb(kind, size))
    return path


def many_parts(count: int) -> bytes:
    """A Word document with ``count`` extra empty parts."""
    members = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": RELS,
        "word/document.xml": document_xml(),
    }
    members.update({f"word/media/part{n}.xml": b"" for n in range(count)})
    return zip_of(members)


def lying_odt(real_size: int = 50 * MB) -> bytes:
    """An OpenDocument text whose "mimetype" part says it is 39 bytes long but unpacks to
    ``real_size`` bytes: both of the zip's size fields for it are rewritten to lie."""
    raw = bytearray(zip_of({"mimetype": ODT_MIMETYPE + bytes(real_size - len(ODT_MIMETYPE))}))
    local = raw.index(b"PK\x03\x04")
    central = raw.index(b"PK\x01\x02")
    struct.pack_into("<L", raw, local + 22, len(ODT_MIMETYPE))
    struct.pack_into("<L", raw, central + 24, len(ODT_MIMETYPE))
    return bytes(raw)


# --- Excel workbooks -------------------------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"


def workbook(rows: list[list]) -> bytes:
    """An ordinary workbook, as openpyxl (like Excel) writes one."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tall_workbook(rows: int) -> bytes:
    """A workbook of one column and ``rows`` rows, written row by row (openpyxl write-only)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["period", "value"])
    for n in range(rows - 1):
        sheet.append([None, n])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet is replaced by ``sheet_xml``."""
    source = zipfile.ZipFile(io.BytesIO(workbook([["period", "value"]])))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members[SHEET] = sheet_xml
    return zip_of(members)


def sheet_xml(rows: str, dimension: str = "A1:B2") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def lying_tall_sheet(rows: int) -> bytes:
    """A sheet that says it is two rows by two columns but holds ``rows`` rows."""
    body = "".join(f'<row r="{n}"><c r="B{n}"><v>{n}</v></c></row>' for n in range(1, rows + 1))
    return with_sheet(sheet_xml(body))
