"""Hostile zip-based uploads are refused from the zip's table of contents, before anything in
them is unpacked: quickly, within a memory ceiling, with a message naming the limit, and with
nothing stored. Ordinary documents still pass."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from imroc.core.models import AuditEvent
from imroc.core.uploads import DOCX, ODT, XLSX, UploadError, check_upload
from imroc.programme.models import Resource
from imroc.reports.bundles import format as bundle_format
from tests.core import hostile_files

MB = 1024 * 1024
REPO = Path(__file__).resolve().parents[2]
TOO_BIG = "This file would unpack to more than 100 MB, which is the limit."
TOO_MANY = "This file is made of more than 10,000 separate parts, which is the limit."
TOO_TIGHT = "it would grow more than 100 times when unpacked, which is the limit."


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {
        kind: hostile_files.write_bomb(folder / f"plan.{kind}", kind) for kind in ("docx", "odt")
    }


def _vm_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmSize")  # pragma: no cover - Linux always has it


@contextmanager
def memory_ceiling(extra: int):
    """No more than ``extra`` bytes of new address space: a regression that unpacks a bomb
    raises MemoryError here instead of swapping the machine."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (_vm_size() + extra, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _share(client, site, upload):
    return client.post(
        f"/sites/{site.slug}/library/new/",
        {"title": "Safety guide", "kind": "document", "visibility": "network", "file": upload},
    )


def _stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_the_bombs_are_real(bombs):
    """Each file is about 1 MB, lists a 1 GB part, and that part unpacks to zeros."""
    import zipfile

    for kind, path in bombs.items():
        assert path.stat().st_size < 1.1 * MB
        with zipfile.ZipFile(path) as archive:
            big = max(archive.infolist(), key=lambda info: info.file_size)
            assert big.file_size == 1024 * MB, kind
            with archive.open(big) as stream:
                assert stream.read(8 * MB) == bytes(8 * MB)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_a_zip_bomb_shared_in_the_library_is_refused_at_once(
    kind, bombs, member_client, outsider_client, site
):
    content = bombs[kind].read_bytes()
    with memory_ceiling(200 * MB):
        started = time.perf_counter()
        response = _share(member_client, site, SimpleUploadedFile(f"plan.{kind}", content))
        took = time.perf_counter() - started
    assert response.status_code == 200  # the form again, with the reason on it
    assert TOO_BIG in response.content.decode()
    assert took < 2, f"{took:.2f} s"
    # Measured a second way: Python's own count of what the request allocated.
    tracemalloc.start()
    try:
        _share(member_client, site, SimpleUploadedFile(f"plan.{kind}", content))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200 * MB, f"{peak / MB:.0f} MB"
    # Someone from another site cannot reach the form at all.
    refused = _share(outsider_client, site, SimpleUploadedFile(f"plan.{kind}", content))
    assert refused.status_code == 404
    assert not Resource.objects.exists()
    assert _stored_files() == []
    assert not AuditEvent.objects.filter(action="resource.share").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("parts.docx", lambda: hostile_files.many_parts(10_001), TOO_MANY),
        (
            "tight.docx",
            lambda: hostile_files.zip_of(
                {
                    "[Content_Types].xml": hostile_files.CONTENT_TYPES,
                    "word/document.xml": bytes(20 * MB),  # packs to about 20 KB
                }
            ),
            TOO_TIGHT,
        ),
        ("lying.odt", hostile_files.lying_odt, "This type of file cannot be shared."),
    ],
)
def test_other_hostile_zips_are_refused_and_nothing_is_kept(
    member_client, site, name, make, message
):
    content = make()
    assert len(content) < 2 * MB
    started = time.perf_counter()
    response = _share(member_client, site, SimpleUploadedFile(name, content))
    assert time.perf_counter() - started < 2
    assert message in response.content.decode()
    assert not Resource.objects.exists()
    assert _stored_files() == []


def _figures() -> bytes:
    return hostile_files.workbook(
        [["period", "value"], *[[f"2021-{m:02}", m] for m in range(1, 13)]]
    )


def _odt() -> bytes:
    return hostile_files.zip_of(
        {"mimetype": hostile_files.ODT_MIMETYPE, "content.xml": b"<office:document-content/>"}
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "make", "kind"),
    [
        ("Safety plan.docx", hostile_files.real_docx, DOCX),
        ("Figures.xlsx", _figures, XLSX),
        ("Notes.odt", _odt, ODT),
    ],
)
def test_ordinary_documents_are_still_shared(member_client, site, name, make, kind):
    content = make()
    response = _share(member_client, site, SimpleUploadedFile(name, content))
    assert response.status_code == 302, response.content.decode()[:2000]
    resource = Resource.objects.get()
    assert (resource.file_name, resource.content_type) == (name, kind.content_type)
    assert resource.file.read() == content
    assert len(_stored_files()) == 1


def test_the_limits_come_from_the_settings(settings):
    document = hostile_files.zip_of(
        {
            "[Content_Types].xml": hostile_files.CONTENT_TYPES,
            "word/document.xml": os.urandom(1536 * 1024).hex().encode(),  # 3 MB, packs ~2:1
        }
    )
    assert check_upload(document, "plan.docx")[0] is DOCX
    settings.IMROC_UPLOAD_MAX_UNCOMPRESSED_BYTES = 2 * MB
    with pytest.raises(UploadError, match="unpack to more than 2 MB, which is the limit"):
        check_upload(document, "plan.docx")
    settings.IMROC_UPLOAD_MAX_UNCOMPRESSED_BYTES = 100 * MB
    settings.IMROC_UPLOAD_MAX_ZIP_MEMBERS = 2
    with pytest.raises(UploadError, match="more than 2 separate parts"):
        check_upload(hostile_files.real_docx(), "plan.docx")
    settings.IMROC_UPLOAD_MAX_ZIP_MEMBERS = 10_000
    settings.IMROC_UPLOAD_MAX_COMPRESSION_RATIO = 1
    with pytest.raises(UploadError, match="grow more than 1 times"):
        check_upload(document, "plan.docx")


def test_a_bundle_is_read_within_the_limits_too(settings):
    files = {f"data/part{n}.jsonl": b"{}\n" for n in range(6)}
    manifest = {"format": bundle_format.FORMAT, "format_version": bundle_format.FORMAT_VERSION}
    raw, _manifest = bundle_format.build(manifest, files, None)
    settings.IMROC_UPLOAD_MAX_ZIP_MEMBERS = 5
    with pytest.raises(bundle_format.BundleError, match="more than 5 separate parts"):
        bundle_format.open_bundle(raw)
    settings.IMROC_UPLOAD_MAX_ZIP_MEMBERS = 10_000
    with pytest.raises(bundle_format.BundleError, match="not signed"):
        bundle_format.open_bundle(raw)  # within the limits, it is read as far as its signature


CHILD = """
import resource, sys, time, zipfile
from pathlib import Path

import django

django.setup()
from imroc.core import uploads
from imroc.measures import parsing
from tests.core import hostile_files

MB = 1024 * 1024
# Warm up first, so that translations and lazy imports are not counted.
uploads.check_upload(hostile_files.real_docx(), "plan.docx")
parsing.read_upload("data.xlsx", hostile_files.workbook([["period", "value"], ["2021-01", 1]]))


def vm_size():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024


ceiling = vm_size() + 200 * MB
resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
docx = Path(sys.argv[1])
# The ceiling holds: simply unpacking the bomb's big part runs out of memory.
try:
    zipfile.ZipFile(docx).read("word/document.xml")
except MemoryError:
    print("ceiling holds")
else:
    sys.exit("the bomb unpacked under the ceiling, so this test would prove nothing")
for check, path in zip(sys.argv[2::2], sys.argv[3::2]):
    content = Path(path).read_bytes()
    started = time.perf_counter()
    try:
        if check == "library":
            uploads.check_upload(content, Path(path).name)
        else:
            parsing.read_upload("data.xlsx", content)
    except (uploads.UploadError, parsing.ImportRefused) as error:
        print(check, Path(path).name, round(time.perf_counter() - started, 3), error)
    else:
        sys.exit(f"{path} was accepted")
"""


def test_checks_stay_under_a_hard_memory_ceiling(bombs, tmp_path):
    """In a fresh process limited to 200 MB more than it has after start-up, every check refuses
    the bombs (and a huge sheet) without running out of memory."""
    tall = tmp_path / "tall.xlsx"
    tall.write_bytes(hostile_files.lying_tall_sheet(150_000))
    checks = [("library", bombs["docx"]), ("library", bombs["odt"])]
    checks += [("measures", bombs["docx"]), ("measures", tall)]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imroc.settings",
        "IMROC_TESTING": "1",
        "IMROC_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(REPO),
    }
    arguments = [str(part) for check in checks for part in check]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(bombs["docx"]), *arguments],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "ceiling holds"
    assert len(lines) == 5
    for line in lines[1:4]:
        assert TOO_BIG in line, line
    assert "The sheet has more than 100,000 rows, which is the limit." in lines[4]
    for line in lines[1:]:
        assert float(line.split()[2]) < 2, line
