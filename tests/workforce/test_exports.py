"""Workforce downloads: supervision (staff support), IPS fidelity reviews, safety planning."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from imroc.core import tables
from imroc.core.models import AuditEvent
from imroc.workforce.models import SafetyPlanning, SupervisionCoverage
from tests.programme.factories import TeamFactory
from tests.workforce.factories import IpsReviewFactory

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return tables.read_csv(b"".join(response.streaming_content))


def _xlsx(response) -> list[list]:
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    return [list(r) for r in load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True)]  # fmt: skip


def _event():
    return AuditEvent.objects.filter(action="exports.list").order_by("-id").first()


def test_supervision_download_hides_what_the_page_hides(site, other_site, viewer_client, outsider_client, wurl):  # fmt: skip
    period = dt.date(2014, 3, 1)
    for name, supervised, in_scope in (("North", 3, 20), ("South", 17, 22), ("East", 11, 25)):
        team = TeamFactory(site=site, name=name, slug=name.lower(), staff_count=30)
        SupervisionCoverage.objects.create(site=site, team=team, period=period, supervised=supervised, in_scope=in_scope)  # fmt: skip
    other = TeamFactory(site=other_site, name="Elsewhere", slug="elsewhere", staff_count=30)
    SupervisionCoverage.objects.create(site=other_site, team=other, period=period, supervised=20, in_scope=20)  # fmt: skip
    url = wurl("staff_support", site)
    assert "format=csv" in viewer_client.get(url).content.decode()
    rows = _csv(viewer_client.get(url, {"format": "csv"}))
    assert rows[0] == ["Month", "Team", "Supervised", "In scope", "Share (%)"]
    by_team = {r[1]: r for r in rows[1:]}
    assert set(by_team) == {"East", "North", "South", "All teams"}
    assert by_team["North"][2] == "" and by_team["East"][2] == ""  # hidden, as on the page
    assert by_team["South"][2:] == ["17", "22", "77"]
    assert by_team["All teams"][2] == "31" and by_team["All teams"][0] == "2014-03"
    assert _event().after == {"list": "recovery-focused-supervision", "format": "csv", "profile": "full", "rows": 4}  # fmt: skip
    assert _event().site_public_id == site.public_id
    assert _xlsx(viewer_client.get(url, {"format": "xlsx"}))[0][0] == "Month"
    assert outsider_client.get(url, {"format": "csv"}).status_code == 404


def test_supervision_download_with_no_figures_is_headers_only(site, viewer_client, wurl):
    assert len(_csv(viewer_client.get(wurl("staff_support", site), {"format": "csv"}))) == 1


def test_ips_download_keeps_the_table_choice(site, other_site, viewer_client, outsider_client, wurl):  # fmt: skip
    IpsReviewFactory(site=site, held_on=dt.date(2013, 6, 1), total=80, service="=cmd")
    IpsReviewFactory(site=site, held_on=dt.date(2014, 6, 1), total=100)
    IpsReviewFactory(site=other_site, total=60, service="Not yours")
    url = wurl("partnerships", site)
    assert "table=ips" in viewer_client.get(url).content.decode()
    rows = _csv(viewer_client.get(url, {"format": "csv", "table": "ips"}))
    assert rows[0] == ["Date", "Service", "Total", "Band", "Change", "Reviewers", "Id"]
    assert [r[:3] for r in rows[1:]] == [["2014-06-01", "IPS service", "100"], ["2013-06-01", "'=cmd", "80"]]  # fmt: skip
    assert rows[1][4] == "20" and rows[2][4] == ""
    assert _event().after["list"] == "ips-fidelity-reviews"
    assert _xlsx(viewer_client.get(url, {"format": "xlsx", "table": "ips"}))[1][2] == 100
    assert _csv(viewer_client.get(url, {"format": "csv"}))[0][0] == "Partner"  # still the partners
    assert outsider_client.get(url, {"format": "csv", "table": "ips"}).status_code == 404


def test_safety_download(site, other_site, team, other_team, viewer_client, outsider_client, wurl):  # fmt: skip
    for month in range(1, 4):
        SafetyPlanning.objects.create(site=site, team=team, period=dt.date(2014, month, 1), plans_in_place=10, plans_coproduced=month)  # fmt: skip
    SafetyPlanning.objects.create(site=other_site, team=other_team, period=dt.date(2014, 1, 1), plans_in_place=5, plans_coproduced=5)  # fmt: skip
    url = wurl("policies", site)
    assert "table=safety" in viewer_client.get(url).content.decode()
    rows = _csv(viewer_client.get(url, {"format": "csv", "table": "safety"}))
    assert rows[0] == ["Month", "Team", "Plans in place", "Co-produced"]
    assert rows[1:] == [["2014-03", "Willow Ward", "10", "3"], ["2014-02", "Willow Ward", "10", "2"], ["2014-01", "Willow Ward", "10", "1"]]  # fmt: skip
    assert _event().after["list"] == "safety-planning" and _event().after["rows"] == 3
    assert _xlsx(viewer_client.get(url, {"format": "xlsx", "table": "safety"}))[1][:2] == ["2014-03", "Willow Ward"]  # fmt: skip
    assert outsider_client.get(url, {"format": "csv", "table": "safety"}).status_code == 404
