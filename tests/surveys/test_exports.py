"""The questionnaire page's open one-time links as a download (``?format=``)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from imroc.core import tables
from imroc.core.models import AuditEvent
from imroc.surveys import services
from tests.surveys.factories import licensed_version, make_link

pytestmark = pytest.mark.django_db


def _url(site, instrument):
    return reverse("surveys:instrument", kwargs={"site": site.slug, "instrument": instrument.public_id})  # fmt: skip


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return tables.read_csv(b"".join(response.streaming_content))


@pytest.fixture
def links(site, other_site):
    version = licensed_version(site)
    respondent = services.respondent_for(site, code="P-ABCD-2345")
    make_link(site, version, respondent=respondent)
    make_link(site, version, days=3)
    other_version = licensed_version(other_site)
    make_link(other_site, other_version)
    return {"instrument": version.instrument, "other_instrument": other_version.instrument}


def test_open_links_download(site, links, member_client):
    url = _url(site, links["instrument"])
    assert "format=csv" in member_client.get(url).content.decode()
    rows = _csv(member_client.get(url, {"format": "csv"}))
    assert rows[0] == ["Made on", "Works until", "For", "Answers saved", "Version", "Id"]
    assert sorted(r[2] for r in rows[1:]) == ["", "P-ABCD-2345"]
    assert all(r[3] == "no" and r[4] == "1" for r in rows[1:])
    assert b"/respond/" not in "".join(",".join(r) for r in rows).encode()  # never the secret link
    event = AuditEvent.objects.get(action="exports.list")
    assert event.after["list"].endswith("-open-links") and event.after["rows"] == 2
    assert event.site_public_id == site.public_id
    data = b"".join(member_client.get(url, {"format": "xlsx"}).streaming_content)
    sheet = [list(r) for r in load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True)]  # fmt: skip
    assert sheet[0][0] == "Made on" and len(sheet) == 3


def test_open_links_download_has_the_pages_access(site, links, viewer_client, outsider_client, lead_client):  # fmt: skip
    url = _url(site, links["instrument"])
    assert "format=csv" not in viewer_client.get(url).content.decode()
    assert viewer_client.get(url, {"format": "csv"}).status_code == 403
    assert outsider_client.get(url, {"format": "csv"}).status_code == 404
    assert lead_client.get(_url(site, links["other_instrument"]), {"format": "csv"}).status_code == 404  # fmt: skip
    assert lead_client.get(url, {"format": "pdf"}).status_code == 400
    assert not AuditEvent.objects.filter(action="exports.list").exists()
