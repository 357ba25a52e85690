"""An Excel file imported as measure data is checked before it is read: a zip bomb, or a small
file holding a huge sheet, is refused quickly with the limit it passed, and nothing is written."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imroc.core.models import AuditEvent
from imroc.measures.models import DataPoint, MeasureImport
from tests.core import hostile_files
from tests.measures.factories import MeasureFactory, months

ROWS = "The sheet has more than 100,000 rows, which is the limit."
COLUMNS = "The sheet uses more than 200 columns, which is the limit."


def _import(client, site, measure, content, name="data.xlsx"):
    url = reverse("measures:import", kwargs={"site": site.slug, "measure": measure.public_id})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def _nothing_written():
    assert not MeasureImport.objects.exists()
    assert not DataPoint.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="measure").exists()


def _wide() -> bytes:
    # Two cells, the second in the last column Excel has: every row would be 16,384 wide.
    row = '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>'
    return hostile_files.with_sheet(hostile_files.sheet_xml(row))


def _claims_every_cell() -> bytes:
    # A tiny sheet that says it fills the whole grid (1,048,576 rows by 16,384 columns).
    row = '<row r="1"><c r="A1" t="inlineStr"><is><t>period</t></is></c></row>'
    return hostile_files.with_sheet(hostile_files.sheet_xml(row, "A1:XFD1048576"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: hostile_files.tall_workbook(100_100), ROWS),
        (lambda: hostile_files.lying_tall_sheet(150_000), ROWS),  # says it is 2 rows
        (_wide, COLUMNS),
        (_claims_every_cell, COLUMNS),
        (
            lambda: hostile_files.bomb("docx"),  # 1 MB that unpacks to 1 GB
            "This file would unpack to more than 100 MB, which is the limit.",
        ),
    ],
    ids=["many-rows", "rows-beyond-its-stated-size", "far-column", "stated-size-huge", "zip-bomb"],
)
def test_a_huge_workbook_is_refused_fast_and_nothing_is_written(lead_client, site, make, message):
    measure = MeasureFactory(site=site)
    content = make()
    assert len(content) < 2 * 1024 * 1024  # small enough to be uploaded at all
    # Warm up, so the time below is the check's and not the first import of the Excel reader.
    warm_up = _import(lead_client, site, measure, b"PK\x03\x04 not a workbook")
    assert "The Excel file could not be opened." in warm_up.content.decode()
    started = time.perf_counter()
    response = _import(lead_client, site, measure, content)
    took = time.perf_counter() - started
    assert response.status_code == 200
    assert message in response.content.decode()
    assert took < 2, f"{took:.2f} s"
    _nothing_written()


def _monthly(count: int) -> bytes:
    periods = months(dt.date(2001, 1, 1), count)
    return hostile_files.workbook([["period", "value"], *[[f"{p:%Y-%m}", 5] for p in periods]])


@pytest.mark.django_db
def test_the_cell_limit_comes_from_the_settings(lead_client, site, settings):
    measure = MeasureFactory(site=site)
    content = _monthly(300)  # 602 cells
    settings.IMROC_XLSX_MAX_CELLS = 500
    page = _import(lead_client, site, measure, content).content.decode()
    assert "The workbook has more than 500 cells, which is the limit." in page
    _nothing_written()
    settings.IMROC_XLSX_MAX_CELLS = 500_000
    assert _import(lead_client, site, measure, content).status_code == 302


@pytest.mark.django_db
def test_a_workbook_with_a_document_type_declaration_is_not_read(lead_client, site):
    measure = MeasureFactory(site=site)
    sheet = hostile_files.sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>')
    sheet = sheet.replace(b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet', 1)
    page = _import(lead_client, site, measure, hostile_files.with_sheet(sheet)).content.decode()
    assert "The Excel file could not be opened." in page
    _nothing_written()


@pytest.mark.django_db
def test_an_ordinary_workbook_still_imports(lead_client, site):
    measure = MeasureFactory(site=site)
    response = _import(lead_client, site, measure, _monthly(24))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert lead_client.post(response["Location"]).status_code == 302
    assert DataPoint.objects.filter(measure=measure).count() == 24


@pytest.mark.django_db
def test_an_outsider_cannot_import_into_another_sites_measure(outsider_client, site):
    measure = MeasureFactory(site=site)
    assert _import(outsider_client, site, measure, _monthly(3)).status_code == 404
    _nothing_written()
