"""Policy reviews against recovery values, with lived-experience reviewers, and safety planning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imroc.workforce import reference
from imroc.workforce.models import Policy, PolicyReview, SafetyPlanning
from tests.workforce.conftest import text
from tests.workforce.factories import PolicyFactory, PolicyReviewFactory

pytestmark = pytest.mark.django_db


def _review(**extra):
    data = {"held_on": "2013-02-01", "outcome": "revised", "new_version_url": "https://intranet.example.org/risk-v4.pdf",
            "next_review_on": "2016-02-01", "reviewer_1": "Jo", "reviewer_1_role": "Service user", "reviewer_1_lived": "on",
            "reviewer_2": "Head of nursing"}  # fmt: skip
    data.update({f"q_{key}": "yes" for key, _ in reference.POLICY_QUESTIONS})
    data.update(extra)
    return data


def test_lead_reviews_the_risk_policy_with_a_lived_experience_reviewer(lead_client, site, wurl):
    lead_client.post(wurl("policy_create", site), {"title": "Clinical risk policy", "kind": "risk"})
    policy = Policy.objects.get(site=site)
    response = lead_client.post(wurl("policy_review", site, policy=policy.public_id), _review())
    assert response.status_code == 302
    review = PolicyReview.objects.get()
    assert (
        review.lived_experience_reviewers == 1
        and review.reviewers.count() == 2
        and review.yes_count == 8
    )
    policy.refresh_from_db()
    assert policy.current_url.endswith("risk-v4.pdf") and policy.next_review_on == dt.date(
        2016, 2, 1
    )
    page = text(lead_client.get(wurl("policy", site, policy=policy.public_id)))
    assert "Lived experience" in page and "8 of 8 answered yes" in page
    assert "Does the policy talk about people's strengths" in page


@pytest.mark.parametrize(("change", "message"), [
    ({"new_version_url": ""}, "Add a link to the new version"),
    ({"reviewer_1": ""}, "Name at least one reviewer"),
    ({"q_strengths": ""}, "Answer yes, partly or no"),
    ({"q_strengths": "maybe"}, "Choose from the list"),
    ({"next_review_on": "2012-01-01"}, "The next review must be after this one"),
    ({"new_version_url": "not a url"}, "Enter a web address"),
])  # fmt: skip
def test_bad_review_input(lead_client, site, wurl, change, message):
    policy = PolicyFactory(site=site)
    response = lead_client.post(
        wurl("policy_review", site, policy=policy.public_id), _review(**change)
    )
    assert message in text(response)
    assert not PolicyReview.objects.exists()


def test_safety_planning_counts_are_checked(lead_client, site, team, wurl):
    url = wurl("safety_record", site)
    response = lead_client.post(
        url,
        {"period": "2013-01", "team": team.slug, "plans_in_place": "10", "plans_coproduced": "12"},
    )
    assert "12 co-produced plans is more than the 10 plans in place" in text(response)
    assert (
        lead_client.post(
            url,
            {
                "period": "2013-01",
                "team": team.slug,
                "plans_in_place": "10",
                "plans_coproduced": "6",
            },
        ).status_code
        == 302
    )
    assert SafetyPlanning.objects.get().plans_coproduced == 6


def test_access(outsider_client, partner_client, viewer_client, site, wurl):
    policy = PolicyFactory(site=site)
    assert outsider_client.get(wurl("policy", site, policy=policy.public_id)).status_code == 404
    assert (
        outsider_client.post(
            wurl("policy_review", site, policy=policy.public_id), _review()
        ).status_code
        == 404
    )
    assert partner_client.get(wurl("policies", site)).status_code == 200
    assert (
        partner_client.post(
            wurl("policy_review", site, policy=policy.public_id), _review()
        ).status_code
        == 403
    )
    assert (
        viewer_client.post(wurl("policy_create", site), {"title": "x", "kind": "risk"}).status_code
        == 403
    )


def test_register_queries_do_not_grow(lead_client, site, wurl):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert lead_client.get(wurl("policies", site)).status_code == 200
        return len(ctx.captured_queries)

    PolicyReviewFactory(policy=PolicyFactory(site=site))
    before = count()
    for _ in range(5):
        PolicyReviewFactory(policy=PolicyFactory(site=site), lived_experience_reviewers=2)
    assert count() == before
