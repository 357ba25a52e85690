"""Partners, referrals, IPS fidelity (bands at their boundaries) and employment outcomes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imroc.core.audit import SystemActor
from imroc.core.services import ServiceError
from imroc.workforce import reference, services
from imroc.workforce.models import EmploymentOutcome, IpsReview, PartnerAgency, ReferralCount
from tests.workforce.conftest import text
from tests.workforce.factories import AgencyFactory, IpsReviewFactory

ACTOR = SystemActor("tests")


@pytest.mark.parametrize(("total", "band"), [
    (25, "Not supported employment"), (73, "Not supported employment"), (74, "Fair fidelity"),
    (99, "Fair fidelity"), (100, "Good fidelity"), (114, "Good fidelity"), (115, "Exemplary fidelity"),
    (125, "Exemplary fidelity"),
])  # fmt: skip
def test_ips_bands_at_the_boundaries(total, band):
    assert reference.ips_band(total) == band


def _scores(total):
    scores = [1] * 25
    for i in range(total - 25):
        scores[i % 25] += 1
    return scores


def _ips_post(total=100, **extra):
    data = {
        "held_on": "2013-06-01",
        "service": "IPS service",
        "reviewers": "IPS trainer, peer reviewer",
    }
    data.update({f"item_{i + 1}": str(s) for i, s in enumerate(_scores(total))})
    data.update(extra)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(("total", "band"), [(73, "not supported employment"), (74, "fair fidelity"),
                                             (114, "good fidelity"), (115, "exemplary fidelity")])  # fmt: skip
def test_lead_enters_an_ips_review_and_sees_its_band(lead_client, site, wurl, total, band):
    response = lead_client.post(wurl("ips_create", site), _ips_post(total), follow=True)
    review = IpsReview.objects.get()
    assert review.total == total
    assert f"{total} out of 125, {band}" in text(response)
    assert band.capitalize() in text(lead_client.get(wurl("partnerships", site)))


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "message"), [
    ({"item_3": "6"}, "Score “Vocational generalists” with a whole number from 1 to 5"),
    ({"item_3": "0"}, "with a whole number from 1 to 5"),
    ({"item_25": ""}, "Score “Assertive engagement and outreach” from 1 to 5"),
    ({"reviewers": ""}, "Say who carried out the review"),
])  # fmt: skip
def test_bad_ips_input_is_refused(lead_client, site, wurl, change, message):
    response = lead_client.post(wurl("ips_create", site), _ips_post(**change))
    assert message in text(response)
    assert not IpsReview.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "scores", [[5] * 24, [5] * 26, [6] + [5] * 24, [0] + [1] * 24, [True] + [1] * 24, ["3"] * 25]
)
def test_service_refuses_impossible_scores(site, scores):
    with pytest.raises(ServiceError):
        services.record_ips_review(
            site,
            actor=ACTOR,
            held_on=dt.date(2013, 1, 1),
            service="x",
            scores=scores,
            reviewers="y",
        )
    assert not IpsReview.objects.exists()


@pytest.mark.django_db
def test_reviews_compare_over_time(lead_client, site, wurl):
    IpsReviewFactory(site=site, held_on=dt.date(2012, 5, 1), total=70)
    IpsReviewFactory(site=site, held_on=dt.date(2013, 5, 1), total=90)
    page = text(lead_client.get(wurl("partnerships", site)))
    assert '<span class="change-up">20</span>' in page


@pytest.mark.django_db
def test_partner_journey_and_referrals(lead_client, site, wurl):
    lead_client.post(
        wurl("agency_create", site), {"name": "Riverside Housing", "sector": "housing"}
    )
    agency = PartnerAgency.objects.get()
    assert lead_client.post(wurl("agreement_add", site, agency=agency.public_id),
                            {"agreed_on": "2012-05-01", "summary": "Joint working", "document_url": "https://example.org/a.pdf"}).status_code == 302  # fmt: skip
    url = wurl("referral_record", site, agency=agency.public_id)
    assert (
        lead_client.post(
            url, {"period": "2013-01", "to_partner": "4", "from_partner": "2"}
        ).status_code
        == 302
    )
    assert "cannot be below 0" in text(
        lead_client.post(url, {"period": "2013-01", "to_partner": "-1", "from_partner": "2"})
    )
    assert ReferralCount.objects.get().to_partner == 4
    response = lead_client.post(wurl("agency_edit", site, agency=agency.public_id),
                                {"name": "Riverside Homes", "sector": "housing", "version": agency.version - 1 or 99})  # fmt: skip
    assert "Someone else saved changes" in text(response) and 'value="Riverside Homes"' in text(
        response
    )


@pytest.mark.django_db
def test_employment_outcomes_must_add_up(lead_client, site, wurl):
    url = wurl("employment_record", site)
    response = lead_client.post(
        url,
        {"period": "2013-01", "people_supported": "10", "job_starts": "12", "sustained_jobs": "1"},
    )
    assert "12 job starts is more than the 10 people supported" in text(response)
    assert not EmploymentOutcome.objects.exists()


@pytest.mark.django_db
def test_access(outsider_client, viewer_client, partner_client, site, wurl):
    agency = AgencyFactory(site=site)
    review = IpsReviewFactory(site=site)
    for url in (
        wurl("agency", site, agency=agency.public_id),
        wurl("ips", site, review=review.public_id),
    ):
        assert outsider_client.get(url).status_code == 404
        assert viewer_client.get(url).status_code == 200
    assert partner_client.post(wurl("ips_create", site), _ips_post()).status_code == 403


@pytest.mark.django_db
def test_partnerships_page_queries_do_not_grow(lead_client, site, wurl):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert lead_client.get(wurl("partnerships", site)).status_code == 200
        return len(ctx.captured_queries)

    AgencyFactory(site=site)
    IpsReviewFactory(site=site)
    before = count()
    for i in range(5):
        AgencyFactory(site=site)
        IpsReviewFactory(site=site, held_on=dt.date(2014, 1 + i, 1))
    assert count() == before
