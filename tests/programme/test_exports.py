"""A learning set's attendance list as a download (``?format=`` on its programme page)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from imroc.core import tables
from imroc.core.models import AuditEvent
from imroc.programme.models import LearningSetAttendance, LearningSetInvitation
from tests.programme.factories import LearningSetFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def _url(learning_set):
    return reverse("programme:learning_set", kwargs={"learning_set": learning_set.public_id})


@pytest.fixture
def learning_set(site):
    learning_set = LearningSetFactory(programme=site.programme, title="Co-production in practice")
    LearningSetInvitation.objects.create(learning_set=learning_set, site=site)
    for person, group in (("Sam Staff", "staff"), ("=Cara Carer", "carer")):
        LearningSetAttendance.objects.create(learning_set=learning_set, site=site, person=person, stakeholder_group=group)  # fmt: skip
    return learning_set


def test_attendance_download(site, learning_set, programme_viewer_client):
    url = _url(learning_set)
    assert "format=csv" in programme_viewer_client.get(url).content.decode()
    response = programme_viewer_client.get(url, {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = tables.read_csv(b"".join(response.streaming_content))
    assert rows[0] == ["Site", "Person", "Takes part as"]
    assert sorted(rows[1:]) == sorted([[site.name, "Sam Staff", "Staff"], [site.name, "'=Cara Carer", "Carer"]])  # fmt: skip
    event = AuditEvent.objects.get(action="exports.list")
    assert event.after == {"list": "learning-set-attendance", "format": "csv", "profile": "full", "rows": 2}  # fmt: skip
    assert event.site_public_id is None
    data = b"".join(programme_viewer_client.get(url, {"format": "xlsx"}).streaming_content)
    sheet = [list(r) for r in load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True)]  # fmt: skip
    assert sheet[0] == ["Site", "Person", "Takes part as"] and len(sheet) == 3


def test_attendance_download_access(site, learning_set, programme_viewer_client, outsider_client):
    assert outsider_client.get(_url(learning_set), {"format": "csv"}).status_code == 403
    other = ProgrammeFactory(slug="other-programme", name="Other programme")
    elsewhere = LearningSetFactory(programme=other)  # another programme's learning set
    assert programme_viewer_client.get(_url(elsewhere), {"format": "csv"}).status_code == 404
    assert programme_viewer_client.get(_url(learning_set), {"format": "pdf"}).status_code == 400
    assert not AuditEvent.objects.filter(action="exports.list").exists()
