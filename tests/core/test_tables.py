"""The generic table download: CSV and XLSX, streamed, safe against formula injection."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from imroc.core import tables
from imroc.core.models import AuditEvent

ROWS = [
    {"name": "Plain", "n": 3, "on": dt.date(2024, 5, 1), "ok": True},
    {"name": '=HYPERLINK("http://evil")', "n": 4, "on": None, "ok": False},
    {"name": "+1+1", "n": 5, "on": dt.date(2024, 6, 1), "ok": True},
    {"name": "-2", "n": 6, "on": None, "ok": True},
    {"name": "@SUM(A1)", "n": 7, "on": None, "ok": True},
    {"name": "\tTabbed", "n": 8, "on": None, "ok": True},
    {"name": "\rReturn", "n": 9, "on": None, "ok": True},
    {"name": 'Zoë, "quoted"', "n": 10, "on": None, "ok": True},
]


def _table(rows=ROWS):
    return tables.Table(
        "People list",
        [
            tables.col("Name", "name"),
            tables.col("Number", "n"),
            tables.col("Date", "on"),
            tables.col("Yes?", lambda r: r["ok"]),
        ],
        rows,
    )


def test_csv_content_and_injection_escaping():
    data = tables.as_bytes(_table(), "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # a byte-order mark, so Excel reads UTF-8
    rows = tables.read_csv(data)
    assert rows[0] == ["Name", "Number", "Date", "Yes?"]
    assert rows[1] == ["Plain", "3", "2024-05-01", "yes"]
    names = [r[0] for r in rows[1:]]
    assert names[1] == '\'=HYPERLINK("http://evil")'
    assert names[2:7] == ["'+1+1", "'-2", "'@SUM(A1)", "'\tTabbed", "'\rReturn"]
    assert names[7] == 'Zoë, "quoted"'
    assert not any(n[0] in "=+-@\t\r" for n in names)


def test_xlsx_reads_back_with_escaping():
    data = tables.as_bytes(_table(), "xlsx")
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert sheet.title == "People list"
    assert values[0] == ["Name", "Number", "Date", "Yes?"]
    assert values[1][:2] == ["Plain", 3] and values[1][2].date() == dt.date(2024, 5, 1)
    assert values[2][0] == '\'=HYPERLINK("http://evil")'
    assert all(not str(v[0]).startswith(("=", "+", "-", "@")) for v in values[1:])
    assert len(values) == len(ROWS) + 1


def test_streaming_response_headers():
    response = tables.export_response(_table(), "csv")
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="people-list-' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).count(b"\r\n") == len(ROWS) + 1
    with pytest.raises(ValueError):
        tables.export_response(_table(), "pdf")


def test_csv_streams_in_chunks_for_a_generator():
    many = ({"name": f"n{i}", "n": i, "on": None, "ok": True} for i in range(20000))
    chunks = list(tables.csv_chunks(_table(many), size=4096))
    assert len(chunks) > 10
    assert b"".join(chunks).count(b"\r\n") == 20001


@pytest.mark.django_db
def test_export_view_helper_bad_format_and_audit(site, site_lead):
    factory = RequestFactory()
    request = factory.get("/x/", {"format": "pdf"})
    request.user = site_lead
    response = tables.export(request, _table(), site=site)
    assert response.status_code == 400
    assert b"format=csv or format=xlsx" in response.content
    assert not AuditEvent.objects.filter(action="exports.list").exists()

    request = factory.get("/x/", {"format": "xlsx"})
    request.user = site_lead
    response = tables.export(request, _table(), site=site)
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="exports.list")
    assert event.after == {"list": "people-list", "format": "xlsx", "profile": "full", "rows": len(ROWS)}  # fmt: skip
    assert event.site_public_id == site.public_id
