"""Enrolments and paper questionnaire responses written through the API (and the services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from imroc.college.models import Enrolment
from imroc.core.models import AuditEvent
from imroc.surveys.models import SurveyResponse
from tests.api.conftest import assert_problem

pytestmark = pytest.mark.django_db

SAM = {"name": "Sam", "contact": "sam@example.org", "group": "carer", "consent": True}


def _enrolments(site, data) -> str:
    return f"sites/{site.slug}/college/runs/{data['run']}/enrolments"


# --- Enrolments ---------------------------------------------------------------------------------


def test_enrol_a_learner(lead_api, site_data, site):
    response = lead_api.post(_enrolments(site, site_data), SAM)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "enrolled" and body["enrolled_by_staff"] and body["group"] == "carer"
    assert "name" not in body and "contact" not in body
    enrolment = Enrolment.objects.get(public_id=body["id"])
    assert enrolment.learner.contact == "sam@example.org"
    assert str(enrolment.learner.public_id) == body["learner"]
    assert AuditEvent.objects.filter(action="enrolment.create", object_id=body["id"]).exists()
    listing = lead_api.get(_enrolments(site, site_data)).json()
    assert listing["count"] == 2
    # The same learner again: their place, not a second one.
    again = lead_api.post(_enrolments(site, site_data), {**SAM, "contact": "SAM@example.org"})
    assert again.status_code == 200 and again.json()["id"] == body["id"]


def test_an_idempotency_key_gives_back_the_first_enrolment(lead_api, site_data, site):
    first = lead_api.post(_enrolments(site, site_data), {**SAM, "idempotency_key": "abc-1"})
    second = lead_api.post(_enrolments(site, site_data), {**SAM, "idempotency_key": "abc-1"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]


def test_a_full_run_puts_the_learner_on_the_waiting_list(lead_api, site_data, site):
    from imroc.college.models import CourseRun

    CourseRun.objects.filter(public_id=site_data["run"]).update(capacity=1)
    response = lead_api.post(_enrolments(site, site_data), SAM)
    assert response.status_code == 201 and response.json()["status"] == "waiting"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": False}, "consent"),
        ({"contact": "not a contact"}, "contact"),
        ({"name": "   "}, "name"),
        ({"group": "martian"}, "group"),
    ],
)
def test_enrolment_problems_name_the_field(lead_api, site_data, site, change, field):
    body = assert_problem(lead_api.post(_enrolments(site, site_data), {**SAM, **change}), 422)
    assert ["body", field] in [e["loc"][:2] for e in body["errors"]], body
    assert not Enrolment.objects.filter(learner__contact="sam@example.org").exists()


def test_cancel_an_enrolment_gives_the_place_to_the_next_learner(lead_api, site_data, site):
    from imroc.college.models import CourseRun

    CourseRun.objects.filter(public_id=site_data["run"]).update(capacity=1)
    waiting = lead_api.post(_enrolments(site, site_data), SAM).json()
    assert waiting["status"] == "waiting"
    url = f"{_enrolments(site, site_data)}/{site_data['enrolment']}"
    response = lead_api.patch(url, {"status": "cancelled"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled" and response.json()["cancelled_at"]
    assert Enrolment.objects.get(public_id=waiting["id"]).status == "enrolled"
    assert AuditEvent.objects.filter(
        action="enrolment.cancel", object_id=str(site_data["enrolment"])
    ).exists()
    # Cancelling again changes nothing.
    assert lead_api.patch(url, {"status": "cancelled"}).json()["status"] == "cancelled"
    assert AuditEvent.objects.filter(action="enrolment.cancel").count() == 1


def test_only_cancelling_is_a_status_change(lead_api, site_data, site):
    url = f"{_enrolments(site, site_data)}/{site_data['enrolment']}"
    body = assert_problem(lead_api.patch(url, {"status": "completed"}), 422)
    assert body["errors"][0]["loc"] == ["body", "status"]
    assert_problem(lead_api.patch(f"{_enrolments(site, site_data)}/{site_data['run']}", {"status": "cancelled"}), 404)  # fmt: skip


def test_enrolment_writes_need_a_write_token_and_a_member(
    lead_read_api, viewer_api, partner_api, member_api, site_data, site
):
    url = f"{_enrolments(site, site_data)}/{site_data['enrolment']}"
    for api in (lead_read_api, viewer_api, partner_api):
        assert_problem(api.post(_enrolments(site, site_data), SAM), 403)
        assert_problem(api.patch(url, {"status": "cancelled"}), 403)
    assert Enrolment.objects.filter(status="cancelled").count() == 0
    assert member_api.post(_enrolments(site, site_data), SAM).status_code == 201


def test_another_sites_lead_cannot_enrol_or_cancel(outsider_api, site_data, site):
    url = f"{_enrolments(site, site_data)}/{site_data['enrolment']}"
    assert_problem(outsider_api.post(_enrolments(site, site_data), SAM), 404)
    assert_problem(outsider_api.patch(url, {"status": "cancelled"}), 404)
    assert Enrolment.objects.count() == 1
    assert Enrolment.objects.get().status == "enrolled"


# --- Paper questionnaire responses --------------------------------------------------------------


def _answers(value: str = "3") -> dict:
    return {f"q{i}": value for i in range(1, 16)}


def _responses(site, data) -> str:
    return f"sites/{site.slug}/instruments/{data['instrument']}/responses"


def test_type_in_a_paper_response(lead_api, site_data, site):
    before = SurveyResponse.objects.count()
    response = lead_api.post(
        _responses(site, site_data),
        {"completed_on": "2024-03-01", "reference": "NHS 123", "answers": _answers()},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["mode"] == "paper" and body["completed_on"] == "2024-03-01"
    assert body["version"] == 1 and body["score"] is not None
    assert body["respondent"].startswith("R-") and "NHS" not in str(body)
    assert SurveyResponse.objects.count() == before + 1
    assert AuditEvent.objects.filter(action="survey.response.submit", object_id=body["id"]).exists()
    listing = lead_api.get(_responses(site, site_data), completed_from="2024-03-01").json()
    assert [r["id"] for r in listing["results"]] == [body["id"]]
    # The same reference gives the same code; an answer may be a number.
    second = lead_api.post(
        _responses(site, site_data),
        {"version": 1, "completed_on": "2024-04-01", "reference": "nhs  123",
         "answers": {**_answers(), "q1": 4}},
    )  # fmt: skip
    assert second.status_code == 201 and second.json()["respondent"] == body["respondent"]


def test_bad_answers_are_a_problem_per_question(lead_api, site_data, site):
    before = SurveyResponse.objects.count()
    answers = {**_answers(), "q2": "9", "q5": "lots", "q99": "1"}
    del answers["q7"]
    body = assert_problem(
        lead_api.post(_responses(site, site_data), {"completed_on": "2024-03-01", "answers": answers}),
        422,
    )  # fmt: skip
    problems = {tuple(e["loc"]): e["msg"] for e in body["errors"]}
    assert problems[("body", "answers", "q2")] == "Choose one of the options shown."
    assert ("body", "answers", "q5") in problems
    assert problems[("body", "answers", "q7")] == "Choose an answer."
    assert ("body", "answers", "q99") in problems
    assert SurveyResponse.objects.count() == before


def test_no_answers_at_all_is_a_problem(lead_api, site_data, site):
    body = assert_problem(
        lead_api.post(_responses(site, site_data), {"completed_on": "2024-03-01", "answers": {}}),
        422,
    )
    assert ["body", "answers", "q1"] in [e["loc"] for e in body["errors"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"completed_on": "1999-12-31"}, "completed_on"),
        ({"completed_on": "future"}, "completed_on"),
        ({"reference": "A", "code": "P-ABCD-2345"}, "code"),
        ({"code": "nonsense"}, "code"),
        ({"version": 7}, "version"),
    ],
)
def test_paper_form_problems_name_the_field(lead_api, site_data, site, change, field):
    if change.get("completed_on") == "future":
        change = {"completed_on": str(timezone.localdate() + dt.timedelta(days=2))}
    sent = {"completed_on": "2024-03-01", "answers": _answers(), **change}
    body = assert_problem(lead_api.post(_responses(site, site_data), sent), 422)
    assert ["body", field] in [e["loc"] for e in body["errors"]], body


def test_a_partner_may_type_in_responses_but_not_with_a_read_token(
    partner_api, lead_read_api, viewer_api, site_data, site
):
    sent = {"completed_on": "2024-03-01", "answers": _answers()}
    assert_problem(lead_read_api.post(_responses(site, site_data), sent), 403)
    assert_problem(viewer_api.post(_responses(site, site_data), sent), 403)
    assert partner_api.post(_responses(site, site_data), sent).status_code == 201


def test_another_site_cannot_type_in_responses(outsider_api, site_data, site, other_site):
    before = SurveyResponse.objects.count()
    sent = {"completed_on": "2024-03-01", "answers": _answers()}
    assert_problem(outsider_api.post(_responses(site, site_data), sent), 404)
    # Their own site, with this site's own questionnaire.
    mixed = f"sites/{other_site.slug}/instruments/{site_data['instrument']}/responses"
    assert_problem(outsider_api.post(mixed, sent), 404)
    assert SurveyResponse.objects.count() == before


# --- Peer support posts -------------------------------------------------------------------------


def _posts(site, data) -> str:
    return f"sites/{site.slug}/workforce/cohorts/{data['cohort']}/posts"


def test_add_and_change_a_peer_support_post(lead_api, site_data, site, team):
    created = lead_api.post(
        _posts(site, site_data),
        {"label": "Peer support worker 7", "team": team.slug, "fte": "0.6",
         "appointed_on": "2024-01-08"},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["team"] == team.slug and float(body["fte"]) == 0.6 and body["version"] == 1
    assert AuditEvent.objects.filter(action="peer_post.create", object_id=body["id"]).exists()
    listing = lead_api.get(_posts(site, site_data)).json()
    assert body["id"] in [p["id"] for p in listing]
    url = f"{_posts(site, site_data)}/{body['id']}"
    changed = lead_api.patch(
        url, {"expected_version": 1, "left_on": "2024-06-30", "leaving_reason": "new_job", "team": None}
    )  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert changed.json()["left_on"] == "2024-06-30" and changed.json()["team"] is None
    assert changed.json()["version"] == 2
    assert AuditEvent.objects.filter(action="peer_post.update", object_id=body["id"]).exists()
    assert_problem(lead_api.patch(url, {"expected_version": 1, "fte": "0.5"}), 409)


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"label": "Peer support worker 8", "fte": "1.5"}, "fte"),
        ({"label": "Peer support worker 8", "team": "no-such-team"}, "team"),
        ({"label": "Peer support worker 8", "left_on": "2024-01-01", "leaving_reason": "health"}, "appointed_on"),
        ({"label": "Peer support worker 8", "appointed_on": "2024-01-01", "left_on": "2024-02-01"}, "leaving_reason"),
    ],
)  # fmt: skip
def test_post_problems_name_the_field(lead_api, site_data, site, sent, field):
    body = assert_problem(lead_api.post(_posts(site, site_data), sent), 422)
    assert ["body", field] in [e["loc"][:2] for e in body["errors"]], body


def test_a_post_label_is_unique_in_its_cohort(lead_api, site_data, site):
    assert lead_api.post(_posts(site, site_data), {"label": "PSW A"}).status_code == 201
    body = assert_problem(lead_api.post(_posts(site, site_data), {"label": "psw a"}), 422)
    assert body["errors"][0]["loc"] == ["body", "label"]


def test_another_sites_team_cannot_be_chosen(lead_api, site_data, site, other_team):
    body = assert_problem(
        lead_api.post(_posts(site, site_data), {"label": "PSW B", "team": other_team.slug}), 422
    )
    assert body["errors"][0]["loc"] == ["body", "team"]


def test_post_writes_need_a_write_token_and_a_member(
    lead_read_api, viewer_api, partner_api, site_data, site
):
    url = f"{_posts(site, site_data)}/{site_data['post']}"
    for api in (lead_read_api, viewer_api, partner_api):
        assert_problem(api.post(_posts(site, site_data), {"label": "PSW C"}), 403)
        assert_problem(api.patch(url, {"expected_version": 1, "fte": "0.5"}), 403)
    assert lead_read_api.get(_posts(site, site_data)).status_code == 200


def test_another_sites_lead_cannot_add_or_change_posts(outsider_api, site_data, site):
    url = f"{_posts(site, site_data)}/{site_data['post']}"
    assert_problem(outsider_api.get(_posts(site, site_data)), 404)
    assert_problem(outsider_api.post(_posts(site, site_data), {"label": "PSW D"}), 404)
    assert_problem(outsider_api.patch(url, {"expected_version": 1, "fte": "0.5"}), 404)
    assert not AuditEvent.objects.filter(action__startswith="peer_post.").exists()
