from __future__ import annotations

import io
import zipfile

import pytest

from imroc.core.uploads import DOCX, ODT, PDF, TEXT, UploadError, check_upload, clean_name


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (b"%PDF-1.7\n", "Report.pdf", PDF),
        (_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}), "plan.docx", DOCX),
        (_zip({"mimetype": b"application/vnd.oasis.opendocument.text"}), "plan.odt", ODT),
        (b"Name,Value\nRecovery,3\n", "data.csv", TEXT),
    ],
)
def test_real_files_are_accepted(content, name, kind):
    assert check_upload(content, name)[0] is kind


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.pdf", "The file is empty."),
        (b"#!/usr/bin/env python\nimport os\n", "guide.pdf", "cannot be shared"),
        (b"MZ\x90\x00\x03\x00", "setup.pdf", "cannot be shared"),
        (b"<svg onload=alert(1)>", "picture.txt", "cannot be shared"),
        (_zip({"evil.sh": b"rm -rf /"}), "plan.docx", "cannot be shared"),
        (b"%PDF-1.7", "report.docx", "but it is a PDF document"),
        (b"x" * 11, "big.txt", "larger than"),
    ],
)
def test_disguised_or_oversized_files_are_refused(content, name, message):
    with pytest.raises(UploadError, match=message):
        check_upload(content, name, max_bytes=10 if name == "big.txt" else 10 * 1024 * 1024)


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\notes.txt", "notes.txt"),
        ("plan\x00\x1f.pdf", "plan.pdf"),
        ("<script>.pdf", "_script_.pdf"),
        ("...", "file"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_names_are_cleaned(name, cleaned):
    assert clean_name(name) == cleaned
