"""The issue's whole journey, through the web pages alone, as a site lead would run it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imroc.assessment.models import AssessmentRound
from imroc.improvement.models import Goal, PdsaCycle
from tests.improvement.factories import CycleFactory, GoalFactory


def _levels(framework, level, prefix="level"):
    return {f"{prefix}-{c.slug}": str(level) for c in framework.challenges.all()}


def _follow(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


@pytest.mark.django_db
def test_a_whole_improvement_cycle(lead_client, partner_client, site, framework, partner):
    base = f"/sites/{site.slug}"
    # 1. Start a round.
    round_url = _follow(
        lead_client,
        lead_client.post(
            f"{base}/assessments/new/", {"title": "Baseline", "held_on": "2011-06-01"}
        ),
    )
    # 2. Ratings from several groups: staff by the lead, service users by the partner.
    _follow(
        lead_client,
        lead_client.post(round_url + "rate/", {"group": "staff", **_levels(framework, 2)}),
    )
    _follow(
        lead_client,
        lead_client.post(round_url + "rate/", {"group": "carer", **_levels(framework, 1)}),
    )
    _follow(partner_client, partner_client.post(round_url + "rate/", _levels(framework, 1)))
    _follow(
        lead_client,
        lead_client.post(
            round_url + "attendance/", {"staff": "6", "service_user": "3", "carer": "2"}
        ),
    )
    # 3. Agree consensus and close.
    _follow(lead_client, lead_client.post(round_url + "consensus/", _levels(framework, 1)))
    _follow(lead_client, lead_client.post(round_url + "close/"))
    assert AssessmentRound.objects.get().status == "closed"
    # 4. Priorities, and a goal with a lived-experience co-lead.
    risk = framework.challenges.get(slug="risk")
    _follow(lead_client, lead_client.post(f"{base}/goals/priorities/", {"challenges": [risk.pk]}))
    goal_url = _follow(lead_client, lead_client.post(f"{base}/goals/new/", {
        "challenge": risk.pk, "title": "Safety plans written with people", "target_level": "2",
        "target_date": "2013-03-31", "owner": lead_client.session["_auth_user_id"], "co_lead": partner.pk,
        "status": "active", "next_review_on": "2012-01-01",
    }))  # fmt: skip
    # 5. Two chained PDSA cycles, the second planned by the co-lead.
    plan = {"change_idea": "Write safety plans with people", "objective": "Do people feel heard?", "who": "Ward team",
            "starts_on": "2011-09-01", "ends_on": "2011-09-30", "prediction": "Most will"}  # fmt: skip
    first_url = _follow(lead_client, lead_client.post(goal_url + "cycles/new/", plan))
    _follow(lead_client, lead_client.post(first_url + "edit/", {
        **plan, "version": "1", "do_notes": "Did it", "study_notes": "8 of 10 felt heard",
        "decision": "adapt", "decided_on": "2011-10-03", "next_steps": "Try on a second ward",
    }))  # fmt: skip
    first = PdsaCycle.objects.get()
    _follow(partner_client, partner_client.post(goal_url + "cycles/new/", {
        **plan, "after": str(first.public_id), "starts_on": "2011-10-10", "ends_on": "2011-11-10",
    }))  # fmt: skip
    assert PdsaCycle.objects.exclude(pk=first.pk).get().previous == first
    # 6. Review the goal, then start the next round.
    _follow(lead_client, lead_client.post(goal_url + "review/", {
        "held_on": "2011-12-01", "progress_score": "3.0", "decision": "continue", "notes": "Going well",
        "next_review_on": "2012-06-01",
    }))  # fmt: skip
    _follow(
        lead_client,
        lead_client.post(
            f"{base}/assessments/new/", {"title": "Review 2012", "held_on": "2012-06-01"}
        ),
    )
    # 7. The dashboard reflects it all.
    page = lead_client.get(f"{base}/").content.decode()
    assert "Baseline: Baseline" in page
    assert "Priority" in page
    assert "“<a" in page and "Review 2012</a>” is open for ratings" in page
    assert "100%</span> of goals have a lived-experience co-lead" in page
    assert "67%</span> of 30 ratings came from service users and carers" in page
    assert "1 of 1</span> closed rounds agreed every stage" in page
    assert "1</span> PDSA cycle in progress" in page
    assert Goal.objects.get().next_review_on.isoformat() == "2012-06-01"


def _dashboard_queries(client, site):
    cache.clear()  # compare cold requests: the measures summary is cached by a data stamp
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/sites/{site.slug}/").status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_dashboard_query_budget_does_not_grow(lead_client, site, site_lead, framework):
    challenges = list(framework.challenges.all())
    GoalFactory(site=site, challenge=challenges[0], owner=site_lead)
    small = _dashboard_queries(lead_client, site)
    for c in challenges:
        goal = GoalFactory(site=site, challenge=c, owner=site_lead)
        CycleFactory.create_batch(3, goal=goal)
    large = _dashboard_queries(lead_client, site)
    assert large == small
    assert large <= 30
