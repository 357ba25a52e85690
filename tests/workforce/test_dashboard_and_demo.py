"""The dashboard panel, personalisation indicators charted as measures, and the demo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imroc.measures.models import Measure
from imroc.programme import demo as programme_demo
from imroc.programme.models import Category
from imroc.workforce.models import (
    IndicatorValue,
    IpsReview,
    PeerCohort,
    PeerPost,
    PolicyReview,
    TrainingEvent,
)
from tests.workforce.conftest import text
from tests.workforce.factories import (
    CohortFactory,
    EventFactory,
    IndicatorFactory,
    IpsReviewFactory,
    PolicyFactory,
    PolicyReviewFactory,
    PostFactory,
)

pytestmark = pytest.mark.django_db


def _dashboard(client, site):
    return client.get(reverse("sites:dashboard", kwargs={"site": site.slug}))


def test_dashboard_panel_shows_the_records_in_fixed_queries(lead_client, site, team):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = _dashboard(lead_client, site)
        return len(ctx.captured_queries), text(response)

    cohort = CohortFactory(site=site, phase="employment")
    PostFactory(cohort=cohort, team=team, appointed_on=dt.date(2012, 1, 1), fte=Decimal("0.5"))
    EventFactory(site=site)
    IpsReviewFactory(site=site, total=116)
    count()  # the first request of a session also records when it was last active
    before, page = count()
    assert "Workforce and partnerships" in page and "exemplary fidelity" in page
    for _ in range(4):
        PostFactory(
            cohort=CohortFactory(site=site),
            team=team,
            appointed_on=dt.date(2012, 1, 1),
            fte=Decimal("0.5"),
        )
        EventFactory(site=site)
        PolicyReviewFactory(policy=PolicyFactory(site=site), lived_experience_reviewers=1)
        IpsReviewFactory(site=site)
    after, page = count()
    assert after == before
    assert "4 of 4" in page  # policies reviewed with lived-experience reviewers


def test_indicator_becomes_a_measure_with_its_target(lead_client, site, wurl):
    lead_client.post(
        wurl("indicator_create", site),
        {"name": "People with a personal budget", "definition": "Of the caseload", "target": "40"},
    )
    indicator = site.personalisation.get()
    url = wurl("indicator_value", site, indicator=indicator.public_id)
    assert "more than the 10 people counted" in text(
        lead_client.post(url, {"period": "2013-01", "numerator": "12", "denominator": "10"})
    )
    lead_client.post(url, {"period": "2013-01", "numerator": "3", "denominator": "10"})
    lead_client.post(url, {"period": "2013-02", "numerator": "4", "denominator": "10"})
    assert IndicatorValue.objects.count() == 2
    response = lead_client.post(wurl("chart", site, figure=f"indicator-{indicator.public_id.hex}"))
    measure = Measure.objects.get(site=site)
    assert (
        measure.name == "People with a personal budget"
        and measure.target == 40
        and measure.chart_type == "p"
    )
    assert measure.points.count() == 2
    assert response.status_code == 302


def test_other_sites_indicator_cannot_be_charted(lead_client, site, other_site, wurl):
    theirs = IndicatorFactory(site=other_site)
    assert (
        lead_client.post(
            wurl("chart", site, figure=f"indicator-{theirs.public_id.hex}")
        ).status_code
        == 404
    )


def test_peer_count_chart_is_a_count(lead_client, site, team, wurl):
    cohort = CohortFactory(site=site)
    PostFactory(cohort=cohort, team=team, appointed_on=dt.date(2024, 1, 10))
    lead_client.post(wurl("chart", site, figure="peer-workers"))
    measure = Measure.objects.get(site=site)
    assert measure.data_type == "count" and measure.chart_type == "c"
    assert measure.points.order_by("period").first().value == 1


def test_demo_matches_the_programme_history():
    programme = programme_demo.build("recovery-demo")
    employed_by = dt.date(2013, 4, 1)  # within two years of the start
    sites_with_workers = {
        p.cohort.site_id
        for p in PeerPost.objects.filter(appointed_on__lt=employed_by).select_related("cohort")
    }
    assert len(sites_with_workers) == 8
    first = programme.sites.filter(category=Category.DEMONSTRATION).order_by("id").first()
    assert PeerCohort.objects.filter(
        site=first, phase="preparation"
    ).exists()  # one to take through the phases
    assert TrainingEvent.objects.filter(trainers__lived_experience=True).exists()
    assert (
        PolicyReview.objects.filter(policy__kind="risk", lived_experience_reviewers__gt=0)
        .values("policy__site")
        .distinct()
        .count()
        >= 3
    )
    for site_id in IpsReview.objects.values_list("site", flat=True).distinct():
        totals = list(
            IpsReview.objects.filter(site=site_id)
            .order_by("held_on")
            .values_list("total", flat=True)
        )
        assert totals == sorted(totals) and len(totals) == 3
    assert (
        IpsReview.objects.filter(held_on__year=2012).exists()
        and IpsReview.objects.filter(held_on__year=2014).exists()
    )
