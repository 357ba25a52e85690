"""Sites, framework, assessment, college, workforce and questionnaires through the API."""

from __future__ import annotations

import pytest

from imroc.assessment.models import Rating
from imroc.core.models import AuditEvent
from tests.api.conftest import Api, assert_problem, make_token

pytestmark = pytest.mark.django_db


def test_site_and_teams(lead_api, site, team):
    detail = lead_api.get(f"sites/{site.slug}").json()
    assert detail["slug"] == site.slug and detail["your_access"] == "manage"
    teams = lead_api.get(f"sites/{site.slug}/teams").json()
    assert [t["slug"] for t in teams["results"]] == [team.slug]
    assert lead_api.get(f"sites/{site.slug}/teams/{team.slug}").json()["name"] == team.name
    assert_problem(lead_api.get(f"sites/{site.slug}/teams/rowan-ward"), 404)


def test_programme_viewer_reads_every_site_but_cannot_write(
    site, other_site, programme_viewer, framework
):
    api = Api(make_token(programme_viewer, "write"))
    assert api.get(f"sites/{other_site.slug}").json()["your_access"] == "view"
    assert_problem(
        api.post(f"sites/{site.slug}/assessments", {"title": "T", "held_on": "2025-01-01"}), 403
    )


def test_framework(lead_api, framework):
    versions = lead_api.get("framework/versions").json()
    assert versions["count"] == 1 and versions["results"][0]["status"] == "published"
    detail = lead_api.get(f"framework/versions/{framework.public_id}").json()
    assert len(detail["challenges"]) == framework.challenges.count()
    assert detail["stages"] and detail["challenges"][0]["descriptors"]
    challenge = detail["challenges"][0]["slug"]
    one = lead_api.get(f"framework/versions/{framework.public_id}/challenges/{challenge}").json()
    assert one["slug"] == challenge
    assert_problem(lead_api.get(f"framework/versions/{framework.public_id}/challenges/nope"), 404)
    assert len(lead_api.get(f"framework/versions/{framework.public_id}/challenges").json()) == len(
        detail["challenges"]
    )


def test_assessment_round_and_ratings(lead_api, partner_api, site, framework, partner):
    started = lead_api.post(
        f"sites/{site.slug}/assessments", {"title": "Spring 2025", "held_on": "2025-03-01"}
    )
    assert started.status_code == 201, started.content
    round_id = started.json()["id"]
    assert AuditEvent.objects.filter(action="round.start", object_id=round_id).exists()
    again = assert_problem(
        lead_api.post(f"sites/{site.slug}/assessments", {"title": "B", "held_on": "2025-03-02"}),
        422,
    )
    assert "still open" in again["detail"]
    challenge = framework.challenges.order_by("number").first()
    url = f"sites/{site.slug}/assessments/{round_id}/ratings"
    saved = lead_api.post(
        url,
        {
            "group": "staff",
            "ratings": [{"challenge": challenge.slug, "level": 2, "evidence": "Seen"}],
        },
    )
    assert saved.status_code == 200, saved.content
    # A partner rates for their own stakeholder group, whatever they send.
    mine = partner_api.post(
        url, {"group": "staff", "ratings": [{"challenge": challenge.slug, "level": 1}]}
    )
    assert mine.status_code == 200 and mine.json()[0]["stakeholder_group"] == "service_user"
    assert Rating.objects.count() == 2
    listed = lead_api.get(url, group="staff").json()
    assert listed["count"] == 1 and listed["results"][0]["level"] == 2
    rating_id = listed["results"][0]["id"]
    stale = lead_api.post(
        url, {"group": "staff", "ratings": [{"challenge": challenge.slug, "level": 3}]}
    )
    assert_problem(stale, 409)
    fresh = lead_api.post(
        url,
        {
            "group": "staff",
            "ratings": [{"challenge": challenge.slug, "level": 3, "expected_version": 1}],
        },
    )
    assert fresh.status_code == 200 and fresh.json()[0]["id"] == rating_id
    assert AuditEvent.objects.filter(action="rating.update").exists()
    assert_problem(
        lead_api.post(url, {"group": "staff", "ratings": [{"challenge": "nope", "level": 1}]}), 422
    )
    assert lead_api.get(f"sites/{site.slug}/assessments", status="open").json()["count"] == 1
    assert lead_api.get(f"sites/{site.slug}/assessments/{round_id}/consensus").json() == []


def test_college_courses_runs_and_enrolments(lead_api, site_data, site, framework):
    course = site_data["course"]
    listing = lead_api.get(f"sites/{site.slug}/college/courses").json()
    assert str(course) in [c["id"] for c in listing["results"]]
    detail = lead_api.get(f"sites/{site.slug}/college/courses/{course}").json()
    runs = lead_api.get(f"sites/{site.slug}/college/courses/{course}/runs").json()
    assert runs and runs[0]["id"] == str(site_data["run"])
    enrolments = lead_api.get(
        f"sites/{site.slug}/college/runs/{site_data['run']}/enrolments"
    ).json()
    assert enrolments["count"] == 1
    assert set(enrolments["results"][0]) >= {"learner", "status"}
    assert "name" not in enrolments["results"][0] and "contact" not in enrolments["results"][0]
    created = lead_api.post(
        f"sites/{site.slug}/college/courses",
        {
            "title": "Hope and recovery",
            "description": "About hope",
            "learning_outcomes": "Hope",
            "length": "2 hours",
            "chime": ["hope"],
        },
    )
    assert created.status_code == 201, created.content
    new_id = created.json()["id"]
    assert AuditEvent.objects.filter(action="course.create", object_id=new_id).exists()
    changed = lead_api.patch(
        f"sites/{site.slug}/college/courses/{new_id}",
        {"expected_version": 1, "status": "published"},
    )
    assert changed.status_code == 200 and changed.json()["status"] == "published"
    assert (
        lead_api.get(f"sites/{site.slug}/college/courses", status="published").json()["count"] >= 1
    )
    assert_problem(
        lead_api.patch(
            f"sites/{site.slug}/college/courses/{new_id}", {"expected_version": 1, "title": "x"}
        ),
        409,
    )
    assert detail["version"] >= 1


def test_site_without_college_is_404(lead_api, site):
    assert_problem(lead_api.get(f"sites/{site.slug}/college/courses"), 404)


def test_workforce_and_policies(lead_api, site_data, site):
    cohorts = lead_api.get(f"sites/{site.slug}/workforce/cohorts").json()
    assert cohorts["count"] == 1 and cohorts["results"][0]["posts"] == 1
    assert (
        lead_api.get(f"sites/{site.slug}/workforce/cohorts/{site_data['cohort']}").status_code
        == 200
    )
    assert lead_api.get(f"sites/{site.slug}/workforce/training").json()["count"] == 1
    assert (
        lead_api.get(f"sites/{site.slug}/workforce/training/{site_data['event']}").status_code
        == 200
    )
    assert lead_api.get(f"sites/{site.slug}/policies").json()["count"] == 1
    assert lead_api.get(f"sites/{site.slug}/policies/{site_data['policy']}").status_code == 200


def test_instruments_and_responses(lead_api, site_data, site):
    instruments = lead_api.get(f"sites/{site.slug}/instruments").json()
    assert str(site_data["instrument"]) in [i["id"] for i in instruments["results"]]
    detail = lead_api.get(f"sites/{site.slug}/instruments/{site_data['instrument']}").json()
    assert detail["owned_by_site"] and detail["versions"] and detail["responses_here"] == 2
    responses = lead_api.get(
        f"sites/{site.slug}/instruments/{site_data['instrument']}/responses"
    ).json()
    assert responses["count"] == 2 and "answers" not in responses["results"][0]
    later = lead_api.get(
        f"sites/{site.slug}/instruments/{site_data['instrument']}/responses",
        completed_from="2024-02-01",
    ).json()
    assert later["count"] == 1


def test_other_sites_instrument_is_404(lead_api, site, other_site, outsider, framework):
    from tests.api.conftest import build_site_data

    theirs = build_site_data(other_site, outsider, framework)
    assert_problem(lead_api.get(f"sites/{site.slug}/instruments/{theirs['instrument']}"), 404)
    assert_problem(lead_api.get(f"sites/{site.slug}/college/courses/{theirs['course']}"), 404)
    assert_problem(lead_api.get(f"sites/{site.slug}/workforce/cohorts/{theirs['cohort']}"), 404)
    assert_problem(lead_api.get(f"sites/{site.slug}/assessments/{theirs['round']}"), 404)
