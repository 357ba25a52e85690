"""The site's audit history pages, for site leads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imroc.core import audit
from imroc.measures import services
from tests.measures.factories import MeasureFactory


def _history(site, **query):
    return reverse("sites:history", kwargs={"site": site.slug})


def _object(site, obj):
    return reverse(
        "sites:object_history",
        kwargs={
            "site": site.slug,
            "object_type": obj._meta.label_lower,
            "object_id": obj.public_id,
        },
    )


@pytest.fixture
def changed_measure(site, site_lead):
    measure = services.create_measure(
        site, actor=site_lead, name="Waiting days", definition="Days from referral to first visit"
    )
    services.update_measure(measure, actor=site_lead, expected_version=1, unit="days")
    return measure


@pytest.mark.django_db
def test_lead_sees_the_site_history_and_one_objects_history(lead_client, site, other_site, changed_measure, django_assert_max_num_queries):  # fmt: skip
    audit.record(audit.SystemActor("tests"), "elsewhere.change", other_site, site=other_site)
    with django_assert_max_num_queries(12):
        page = lead_client.get(_history(site)).content.decode()
    assert "<h1>History</h1>" in page
    assert "Measure added" in page and "Measure changed" in page
    assert "Elsewhere changed" not in page  # another site's events never show
    assert _object(site, changed_measure) in page
    detail = lead_client.get(_object(site, changed_measure)).content.decode()
    assert "History of Waiting days" in detail and "Measure changed" in detail
    assert "days" in detail  # the unit it was changed to


@pytest.mark.django_db
def test_history_filters_and_pages(lead_client, site, site_lead):
    for i in range(55):
        audit.record(site_lead, "thing.change" if i % 2 else "other.change", site, site=site)
    page = lead_client.get(_history(site), {"action": "thing."}).content.decode()
    assert "Other changed" not in page and "Thing changed" in page
    first = lead_client.get(_history(site)).content.decode()
    assert "page 1 of 2" in first and "page=2" in first
    filtered = lead_client.get(_history(site), {"actor": "lead", "page": "2"})
    assert filtered.status_code == 200 and "actor=lead&amp;page=1" in filtered.content.decode()
    bad = lead_client.get(_history(site), {"from": "yesterday"}).content.decode()
    assert "Enter a date like 2024-03-01." in bad
    assert lead_client.get(_history(site), {"from": "2000-01-01", "to": "2100-01-01"}).status_code == 200  # fmt: skip


@pytest.mark.django_db
def test_only_leads_see_history_and_outsiders_get_404(member_client, outsider_client, lead_client, site, other_site, changed_measure):  # fmt: skip
    assert member_client.get(_history(site)).status_code == 403
    assert outsider_client.get(_history(site)).status_code == 404
    assert outsider_client.get(_object(site, changed_measure)).status_code == 404
    # Another site's object, asked for under this site: not found.
    theirs = MeasureFactory(site=other_site)
    audit.record(audit.SystemActor("tests"), "measure.create", theirs, site=other_site)
    wrong = reverse(
        "sites:object_history",
        kwargs={
            "site": site.slug,
            "object_type": "measures.measure",
            "object_id": theirs.public_id,
        },
    )
    assert lead_client.get(wrong).status_code == 404
    assert lead_client.post(_history(site)).status_code == 405


@pytest.mark.django_db
def test_dashboard_links_history_for_leads_only(lead_client, member_client, site):
    url = reverse("sites:dashboard", kwargs={"site": site.slug})
    assert _history(site) in lead_client.get(url).content.decode()
    assert _history(site) not in member_client.get(url).content.decode()
