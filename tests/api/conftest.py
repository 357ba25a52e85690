"""API test helpers: tokens, a client that sends them, and data at two sites."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from imroc.api import services as token_services
from imroc.core.audit import SystemActor
from tests.assessment.factories import RatingFactory, RoundFactory
from tests.college.factories import EnrolmentFactory, LearnerFactory, build_college
from tests.improvement.factories import CycleFactory, GoalFactory
from tests.measures.factories import MeasureFactory, add_points
from tests.surveys.factories import licensed_version, make_responses
from tests.workforce.factories import workforce_samples

ACTOR = SystemActor("tests")


def make_token(user, scope: str = "write", **kwargs) -> str:
    _, raw = token_services.create_token(user, actor=ACTOR, name="tests", scope=scope, **kwargs)
    return raw


class Api:
    """A test client that talks JSON to /api/v1/ with a bearer token."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.token = token

    def _headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params):
        return self.client.get(_url(path), params, **self._headers())

    def send(self, method: str, path: str, body=None):
        call = getattr(self.client, method.lower())
        data = json.dumps(body) if body is not None else ""
        return call(_url(path), data, content_type="application/json", **self._headers())

    def post(self, path: str, body=None):
        return self.send("post", path, body)

    def patch(self, path: str, body=None):
        return self.send("patch", path, body)


def _url(path: str) -> str:
    return path if path.startswith("/api/v1/") else "/api/v1/" + path.lstrip("/")


def build_site_data(site, lead, framework) -> dict:
    """One object of each kind at a site, named by the OpenAPI path parameters."""
    challenge = framework.challenges.order_by("number").first()
    goal = GoalFactory(site=site, challenge=challenge, owner=lead)
    cycle = CycleFactory(goal=goal)
    measure = MeasureFactory(site=site, owner=lead)
    add_points(measure, [3, 4, 5, 6], start=dt.date(2020, 1, 1))
    assessment_round = RoundFactory(site=site, framework_version=framework)
    RatingFactory(round=assessment_round, challenge=challenge)
    college, course, run = build_college(site)
    enrolment = EnrolmentFactory(run=run, learner=LearnerFactory(college=college))
    version = licensed_version(site)
    make_responses(site, version, [(dt.date(2024, 1, 10), "2"), (dt.date(2024, 2, 10), "3")])
    workforce = workforce_samples(site)
    team = site.teams.first()
    return {
        "site": site.slug,
        "team": team.slug if team else "no-team",
        "version": framework.public_id,
        "challenge": challenge.slug,
        "goal": goal.public_id,
        "cycle": cycle.public_id,
        "measure": measure.public_id,
        "round": assessment_round.public_id,
        "course": course.public_id,
        "run": run.public_id,
        "enrolment": enrolment.public_id,
        "cohort": workforce["cohort"],
        "post": workforce["post"],
        "event": workforce["event"],
        "policy": workforce["policy"],
        "instrument": version.instrument.public_id,
        "challenge_obj": challenge,
    }


@pytest.fixture
def site_data(site, team, site_lead, framework):
    return build_site_data(site, site_lead, framework)


@pytest.fixture
def lead_api(site_lead):
    return Api(make_token(site_lead, "write"))


@pytest.fixture
def lead_read_api(site_lead):
    return Api(make_token(site_lead, "read"))


@pytest.fixture
def member_api(site_member):
    return Api(make_token(site_member, "write"))


@pytest.fixture
def viewer_api(viewer):
    return Api(make_token(viewer, "write"))


@pytest.fixture
def partner_api(partner):
    return Api(make_token(partner, "write"))


@pytest.fixture
def outsider_api(outsider):
    return Api(make_token(outsider, "write"))


def assert_problem(response, status: int):
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = response.json()
    assert body["status"] == status
    assert body["type"] and body["title"] and body["detail"]
    assert isinstance(body["errors"], list)
    return body
