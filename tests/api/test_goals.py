"""Goals and PDSA cycles through the API."""

from __future__ import annotations

import pytest

from imroc.core.models import AuditEvent
from imroc.improvement.models import GoalChange
from tests.api.conftest import assert_problem
from tests.improvement.factories import CycleFactory, GoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(site, site_lead, framework):
    return GoalFactory(
        site=site, challenge=framework.challenges.order_by("number").first(), owner=site_lead
    )


def test_list_filter_and_detail(lead_api, site, site_lead, framework, goal):
    second = framework.challenges.order_by("number")[1]
    GoalFactory(site=site, challenge=second, owner=site_lead, status="achieved")
    assert lead_api.get(f"sites/{site.slug}/goals").json()["count"] == 2
    achieved = lead_api.get(f"sites/{site.slug}/goals", status="achieved").json()
    assert [g["challenge"] for g in achieved["results"]] == [second.slug]
    by_challenge = lead_api.get(f"sites/{site.slug}/goals", challenge=goal.challenge.slug).json()
    assert [g["id"] for g in by_challenge["results"]] == [str(goal.public_id)]
    detail = lead_api.get(f"sites/{site.slug}/goals/{goal.public_id}").json()
    assert detail["title"] == goal.title and detail["owner"]["id"] == str(site_lead.public_id)
    assert_problem(lead_api.get(f"sites/{site.slug}/goals", status="lost"), 422)


def test_create_goal_is_audited(member_api, site, site_member, partner, framework):
    challenge = framework.challenges.order_by("number").first()
    response = member_api.post(
        f"sites/{site.slug}/goals",
        {
            "challenge": challenge.slug, "title": "More peer workers", "target_date": "2030-03-31",
            "co_lead": str(partner.public_id), "chime": ["hope"], "target_value": "12.50",
        },
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"]["id"] == str(site_member.public_id)
    assert body["co_lead"]["id"] == str(partner.public_id) and body["chime"] == ["hope"]
    event = AuditEvent.objects.get(action="goal.create", object_id=body["id"])
    assert event.actor == site_member


def test_create_goal_refuses_unknown_challenge_and_non_partner_co_lead(
    lead_api, site, site_member, framework
):
    challenge = framework.challenges.first()
    body = assert_problem(
        lead_api.post(
            f"sites/{site.slug}/goals",
            {"challenge": "nope", "title": "T", "target_date": "2030-01-01"},
        ),
        422,
    )
    assert body["errors"][0]["loc"] == ["body", "challenge"]
    body = assert_problem(
        lead_api.post(
            f"sites/{site.slug}/goals",
            {
                "challenge": challenge.slug,
                "title": "T",
                "target_date": "2030-01-01",
                "co_lead": str(site_member.public_id),
            },
        ),
        422,
    )
    assert body["errors"][0]["loc"] == ["body", "co_lead"]


def test_adjust_goal_keeps_history_and_refuses_stale(lead_api, site, goal):
    url = f"sites/{site.slug}/goals/{goal.public_id}"
    response = lead_api.patch(
        url, {"expected_version": 1, "reason": "Board asked", "title": "Sharper aim"}
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    assert GoalChange.objects.get(goal=goal).reason == "Board asked"
    assert AuditEvent.objects.filter(action="goal.adjust", object_id=str(goal.public_id)).exists()
    assert_problem(
        lead_api.patch(url, {"expected_version": 1, "reason": "Again", "title": "X"}), 409
    )
    assert_problem(lead_api.patch(url, {"expected_version": 2, "title": "No reason"}), 422)


def test_partner_changes_only_goals_they_co_lead(partner_api, site, goal, partner):
    url = f"sites/{site.slug}/goals/{goal.public_id}"
    assert_problem(
        partner_api.patch(url, {"expected_version": 1, "reason": "r", "title": "X"}), 403
    )
    goal.co_lead = partner
    goal.save()
    assert (
        partner_api.patch(url, {"expected_version": 1, "reason": "r", "title": "X"}).status_code
        == 200
    )
    assert_problem(
        partner_api.post(
            f"sites/{site.slug}/goals",
            {"challenge": goal.challenge.slug, "title": "T", "target_date": "2030-01-01"},
        ),
        403,
    )


def test_cycles_create_list_and_update(lead_api, site, goal):
    base = f"sites/{site.slug}/goals/{goal.public_id}/cycles"
    plan = {
        "change_idea": "Peer-led welcome", "objective": "Test a welcome call", "who": "Peer team",
        "starts_on": "2025-01-06", "ends_on": "2025-02-03", "prediction": "More people stay",
    }  # fmt: skip
    created = lead_api.post(base, plan)
    assert created.status_code == 201, created.content
    cycle_id = created.json()["id"]
    assert AuditEvent.objects.filter(action="pdsa.start", object_id=cycle_id).exists()
    follow = lead_api.post(base, {**plan, "previous": cycle_id}).json()
    assert follow["previous"] == cycle_id
    listing = lead_api.get(base).json()
    assert listing["count"] == 2
    bad = assert_problem(lead_api.post(base, {**plan, "ends_on": "2024-12-01"}), 422)
    assert bad["errors"][0]["loc"] == ["body", "ends_on"]
    refused = assert_problem(
        lead_api.patch(f"{base}/{cycle_id}", {"expected_version": 1, "decision": "adopt"}), 422
    )
    assert refused["errors"][0]["loc"] == ["body", "decision"]
    done = lead_api.patch(
        f"{base}/{cycle_id}",
        {
            "expected_version": 1,
            "do_notes": "Did it",
            "study_notes": "It worked",
            "decision": "adopt",
        },
    )
    assert done.status_code == 200 and done.json()["decision"] == "adopt"
    assert lead_api.get(base, decision="adopt").json()["count"] == 1
    assert AuditEvent.objects.filter(action="pdsa.update", object_id=cycle_id).exists()


def test_viewer_and_read_token_cannot_write(viewer_api, lead_read_api, site, goal):
    body = {"expected_version": 1, "reason": "r", "title": "X"}
    assert viewer_api.get(f"sites/{site.slug}/goals").status_code == 200
    assert_problem(viewer_api.patch(f"sites/{site.slug}/goals/{goal.public_id}", body), 403)
    assert_problem(lead_read_api.patch(f"sites/{site.slug}/goals/{goal.public_id}", body), 403)


def test_outsider_and_other_goal_404(
    outsider_api, lead_api, site, other_site, goal, outsider, framework
):
    theirs = GoalFactory(site=other_site, challenge=goal.challenge, owner=outsider)
    cycle = CycleFactory(goal=theirs)
    assert_problem(outsider_api.get(f"sites/{site.slug}/goals/{goal.public_id}"), 404)
    assert_problem(lead_api.get(f"sites/{site.slug}/goals/{theirs.public_id}"), 404)
    assert_problem(
        lead_api.get(f"sites/{site.slug}/goals/{goal.public_id}/cycles/{cycle.public_id}"), 404
    )
