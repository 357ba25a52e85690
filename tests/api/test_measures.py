"""Measures and data points through the API, including bulk upsert."""

from __future__ import annotations

import datetime as dt

import pytest

from imroc.core.models import AuditEvent
from imroc.measures.models import DataPoint, DataPointRevision
from tests.api.conftest import assert_problem
from tests.measures.factories import MeasureFactory, add_points

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(site, site_lead):
    m = MeasureFactory(site=site, owner=site_lead, name="Time to first contact")
    add_points(m, [3, 4, 5], start=dt.date(2020, 1, 1))
    return m


def _url(site, *parts):
    return "/".join([f"sites/{site.slug}/measures", *[str(p) for p in parts]])


def test_list_detail_and_filter(lead_api, site, measure, framework):
    MeasureFactory(site=site, name="Balancing one", kind="balancing")
    listing = lead_api.get(_url(site)).json()
    assert listing["count"] == 2
    assert [m["name"] for m in lead_api.get(_url(site), kind="balancing").json()["results"]] == [
        "Balancing one"
    ]
    detail = lead_api.get(_url(site, measure.public_id)).json()
    assert detail["id"] == str(measure.public_id) and detail["owner"]["name"] == str(measure.owner)
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    assert lead_api.get(_url(site), updated_since=future).json()["count"] == 0


def test_create_and_update_are_audited(lead_api, site, team, framework):
    challenge = framework.challenges.first()
    response = lead_api.post(
        _url(site),
        {
            "name": "Peer contacts",
            "definition": "Contacts with peer workers",
            "data_type": "count",
            "team": team.slug,
            "challenge": challenge.slug,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["chart_type"] == "c" and body["team"] == team.slug and body["version"] == 1
    assert AuditEvent.objects.filter(action="measure.create", object_id=body["id"]).exists()
    changed = lead_api.patch(_url(site, body["id"]), {"expected_version": 1, "unit": "contacts"})
    assert changed.status_code == 200 and changed.json()["unit"] == "contacts"
    assert changed.json()["version"] == 2
    assert AuditEvent.objects.filter(action="measure.update", object_id=body["id"]).exists()
    stale = lead_api.patch(_url(site, body["id"]), {"expected_version": 1, "unit": "x"})
    assert_problem(stale, 409)


def test_rule_breaks_are_422_with_field(lead_api, site, measure):
    body = assert_problem(
        lead_api.post(_url(site), {"name": measure.name, "definition": "Same name"}), 422
    )
    assert body["errors"][0]["loc"] == ["body", "name"]
    body = assert_problem(
        lead_api.post(_url(site), {"name": "X", "definition": "d", "team": "no-such-team"}), 422
    )
    assert body["errors"][0]["loc"] == ["body", "team"]


def test_other_sites_team_is_refused(lead_api, site, other_team):
    body = assert_problem(
        lead_api.post(_url(site), {"name": "X", "definition": "d", "team": other_team.slug}), 422
    )
    assert body["errors"][0]["loc"] == ["body", "team"]


def test_points_list_record_and_correct(lead_api, site, measure):
    points = lead_api.get(_url(site, measure.public_id, "points"), period_from="2020-02-01").json()
    assert [p["period"] for p in points["results"]] == ["2020-02-01", "2020-03-01"]
    new = lead_api.post(
        _url(site, measure.public_id, "points"), {"period": "2020-04", "value": 7}
    ).json()
    assert new["outcome"] == "created" and new["point"]["period"] == "2020-04-01"
    fixed = lead_api.post(
        _url(site, measure.public_id, "points"), {"period": "2020-01-01", "value": 9}
    ).json()
    assert fixed["outcome"] == "corrected" and fixed["point"]["revision"] == 2
    assert DataPointRevision.objects.filter(point__measure=measure).count() == 1
    assert AuditEvent.objects.filter(action="measure.point.correct").exists()
    bad = assert_problem(
        lead_api.post(
            _url(site, measure.public_id, "points"), {"period": "2020-01-15", "value": 1}
        ),
        422,
    )
    assert bad["errors"][0]["loc"] == ["body", "period"]


def test_bulk_upsert_across_measures(lead_api, site, measure):
    other = MeasureFactory(site=site, name="Share seen", data_type="proportion", chart_type="p")
    rows = [
        {"measure": str(measure.public_id), "period": "2020-01-01", "value": 3},  # unchanged
        {"measure": str(measure.public_id), "period": "2020-02-01", "value": 40},  # corrected
        {"measure": str(measure.public_id), "period": "2020-05-01", "value": 6},  # new
        {"measure": str(other.public_id), "period": "2021-01", "numerator": 3, "denominator": 4},
    ]
    response = lead_api.post(f"sites/{site.slug}/points/bulk", {"rows": rows})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "rows": 4,
        "created": 2,
        "corrected": 1,
        "unchanged": 1,
        "measures": 2,
    }
    assert DataPoint.objects.get(measure=other).value == 0.75
    assert AuditEvent.objects.filter(
        action="measure.bulk_upsert", actor__username="lead-a"
    ).exists()


def test_bulk_upsert_is_all_or_nothing_with_row_numbers(lead_api, site, measure, other_site):
    foreign = MeasureFactory(site=other_site, name="Theirs")
    before = DataPoint.objects.count()
    rows = [
        {"measure": str(measure.public_id), "period": "2021-01-01", "value": 1},
        {"measure": str(measure.public_id), "period": "2021-01-15", "value": 1},
        {"measure": str(foreign.public_id), "period": "2021-01-01", "value": 1},
        {"measure": str(measure.public_id), "period": "2021-02-01", "value": None},
    ]
    body = assert_problem(lead_api.post(f"sites/{site.slug}/points/bulk", {"rows": rows}), 422)
    assert DataPoint.objects.count() == before
    rows_with_errors = sorted({e["row"] for e in body["errors"]})
    assert rows_with_errors == [2, 3, 4], body["errors"]
    assert all(e["loc"][:3] == ["body", "rows", e["row"] - 1] for e in body["errors"])
    # Another site's measure reads exactly like a made-up one.
    assert "no measure" in next(e["msg"] for e in body["errors"] if e["row"] == 3)


def test_bulk_on_one_measure(lead_api, site, measure):
    rows = [{"period": f"2019-{m:02d}-01", "value": m} for m in range(1, 13)]
    response = lead_api.post(_url(site, measure.public_id, "points/bulk"), {"rows": rows})
    assert response.status_code == 200 and response.json()["created"] == 12
    assert_problem(lead_api.post(_url(site, measure.public_id, "points/bulk"), {"rows": []}), 422)


def test_bulk_accepts_more_than_the_usual_request_size(lead_api, site):
    measures = [MeasureFactory(site=site, name=f"Bulk {i}") for i in range(300)]
    rows = [
        {
            "measure": str(m.public_id),
            "period": f"{2001 + y}-{mo:02d}-01",
            "value": y + mo,
            "note": "x" * 40,
        }
        for m in measures
        for y in range(5)
        for mo in range(1, 13)
    ]
    assert len(rows) == 18_000
    response = lead_api.post(f"sites/{site.slug}/points/bulk", {"rows": rows})
    assert response.status_code == 200, response.content[:300]
    assert response.json()["created"] == 18_000


def test_scopes_and_roles(lead_read_api, viewer_api, member_api, site, measure):
    body = {"period": "2020-06-01", "value": 1}
    url = _url(site, measure.public_id, "points")
    assert lead_read_api.get(url).status_code == 200
    assert_problem(lead_read_api.post(url, body), 403)
    assert_problem(viewer_api.post(url, body), 403)
    assert member_api.post(url, body).status_code == 200
    assert_problem(
        lead_read_api.post(
            f"sites/{site.slug}/points/bulk",
            {"rows": [{**body, "measure": str(measure.public_id)}]},
        ),
        403,
    )


def test_outsider_gets_404(outsider_api, site, measure, other_site):
    assert_problem(outsider_api.get(_url(site, measure.public_id)), 404)
    assert_problem(outsider_api.get(f"sites/{other_site.slug}/measures/{measure.public_id}"), 404)
    assert_problem(
        outsider_api.post(
            f"sites/{other_site.slug}/measures/{measure.public_id}/points",
            {"period": "2020-06-01", "value": 1},
        ),
        404,
    )


def test_list_query_budget(lead_api, site, django_assert_max_num_queries):
    for i in range(20):
        MeasureFactory(site=site, name=f"Budget {i}")
    # 8 for the answer, 2 for the token's rate limit (one upsert, one read).
    with django_assert_max_num_queries(10):
        assert lead_api.get(_url(site)).json()["count"] == 20


def test_bulk_type_errors_name_the_row(lead_api, site, measure):
    rows = [{"measure": str(measure.public_id), "period": "2021-01-01", "value": "lots"}] * 2
    body = assert_problem(lead_api.post(f"sites/{site.slug}/points/bulk", {"rows": rows}), 422)
    assert [e["row"] for e in body["errors"]] == [1, 2]


def test_bulk_shape_errors(lead_api, site, measure):
    url = f"sites/{site.slug}/points/bulk"
    assert_problem(lead_api.post(url, {"rows": "nope"}), 422)
    assert_problem(lead_api.post(url, {"rows": [], "extra": 1}), 422)
    body = assert_problem(
        lead_api.post(
            url,
            {"rows": [{"period": "2021-01-01", "value": 10**400}, 5, {"period": "x", "row": 9}]},
        ),
        422,
    )
    assert [e["row"] for e in body["errors"]] == [1, 2, 3]
    raw = lead_api.client.post(
        f"/api/v1/{url}",
        b"{oops",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {lead_api.token}",
    )
    assert_problem(raw, 400)
