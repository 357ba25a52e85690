"""Benchmarks: funnel plots of shared measures and stage comparisons, anonymised for sites."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from imroc.core.models import AuditEvent
from imroc.measures.models import DataPoint, DataType
from tests.assessment.factories import ConsensusFactory, RoundFactory
from tests.measures.factories import MeasureFactory, ProgrammeMeasureFactory
from tests.programme.factories import SiteFactory


@pytest.fixture
def shared(site):
    return ProgrammeMeasureFactory(
        programme=site.programme,
        name="Staff trained in recovery",
        data_type=DataType.PROPORTION,
        chart_type="p",
    )


@pytest.fixture
def network(site, other_site, shared, site_lead, framework):
    """Ten sites reporting the shared measure in 2012, one far above the rest, and closed rounds."""
    extra = [SiteFactory(programme=site.programme, slug=f"hidden-site-{n}", organisation__name=f"Hidden Trust {n}")
             for n in range(8)]  # fmt: skip
    sites = [site, other_site, *extra]
    for index, s in enumerate(sites):
        measure = MeasureFactory(site=s, owner=site_lead, shared=shared, data_type=DataType.PROPORTION, chart_type="p",
                                 name="Staff trained in recovery")  # fmt: skip
        for month in range(1, 13):
            den = 40 + 10 * index
            num = round(den * (0.9 if s.slug == "hidden-site-2" else 0.5 + 0.01 * (index % 3)))
            DataPoint.objects.create(
                measure=measure,
                period=dt.date(2012, month, 1),
                value=num / den,
                numerator=num,
                denominator=den,
            )
        closed = RoundFactory(site=s, framework_version=framework, status="closed")
        for c in framework.challenges.all():
            ConsensusFactory(round=closed, challenge=c, level=index % 4)
    return sites


@pytest.mark.django_db
def test_programme_sees_every_name(programme_admin_client, network, shared):
    page = programme_admin_client.get("/programme/benchmarks/").content.decode()
    for s in network:
        assert s.name in page
    assert "<svg" in page and "99.8% limits" in page
    assert (
        "Higher than the programme average, beyond what chance explains" in page
    )  # hidden-site-2 at 90%


@pytest.mark.django_db
def test_a_site_sees_only_its_own_name(lead_client, site, network, shared):
    page = lead_client.get(f"/sites/{site.slug}/benchmarks/").content.decode()
    assert f"{site.name} (you)" in page
    for other in network[1:]:
        # Not in the text, attributes, SVG titles or links: neither the name nor the slug.
        assert other.name not in page
        assert other.slug not in page
        assert str(other.public_id) not in page
    assert re.search(r"Site [A-I]\b", page)


@pytest.mark.django_db
def test_a_site_that_opts_in_is_named_to_others(
    lead_client, client, site, other_site, network, outsider
):
    client.force_login(outsider)
    page = client.get(f"/sites/{other_site.slug}/benchmarks/").content.decode()
    assert site.name not in page
    lead_client.post(f"/sites/{site.slug}/benchmarks/", {"named": "yes"})
    site.refresh_from_db()
    assert site.named_in_benchmarks
    assert AuditEvent.objects.filter(action="site.benchmark_naming").exists()
    page = client.get(f"/sites/{other_site.slug}/benchmarks/").content.decode()
    assert site.name in page


@pytest.mark.django_db
def test_only_the_lead_chooses_naming(member_client, viewer_client, site, network):
    assert (
        member_client.post(f"/sites/{site.slug}/benchmarks/", {"named": "yes"}).status_code == 403
    )
    assert (
        viewer_client.post(f"/sites/{site.slug}/benchmarks/", {"named": "yes"}).status_code == 403
    )
    site.refresh_from_db()
    assert not site.named_in_benchmarks


@pytest.mark.django_db
def test_labels_are_stable_and_unguessable(lead_client, site, network):
    first = lead_client.get(f"/sites/{site.slug}/benchmarks/").content.decode()
    again = lead_client.get(f"/sites/{site.slug}/benchmarks/").content.decode()
    assert re.findall(r"Site [A-Z]+", first) == re.findall(r"Site [A-Z]+", again)


@pytest.mark.django_db
def test_bad_query_parameters_fall_back(lead_client, site, network):
    for params in (
        {"measure": "not-a-uuid"},
        {"year": "abc"},
        {"year": "1999"},
        {"measure": "00000000-0000-0000-0000-000000000000"},
    ):
        assert lead_client.get(f"/sites/{site.slug}/benchmarks/", params).status_code == 200


@pytest.mark.django_db
def test_too_few_sites_show_no_plot(lead_client, site, shared, site_lead):
    measure = MeasureFactory(
        site=site, owner=site_lead, shared=shared, data_type=DataType.PROPORTION, chart_type="p"
    )
    DataPoint.objects.create(
        measure=measure, period=dt.date(2012, 1, 1), value=0.5, numerator=5, denominator=10
    )
    page = lead_client.get(f"/sites/{site.slug}/benchmarks/").content.decode()
    assert "Not enough sites have reported" in page
