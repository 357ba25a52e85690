"""Walk every operation in the OpenAPI schema and prove site isolation.

New operations are covered without editing this test: each path parameter needs a sample
value (from build_site_data) and each write operation a valid body below; one that lacks
either fails here. For every operation:

- with no token, or a revoked one: 401;
- a lead of another site, naming the first site: 404 (as if it did not exist);
- that lead naming their own site but the first site's objects: 404;
- a programme admin naming a site that does not exist: 404.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from imroc.api.api import api
from imroc.api.models import ApiToken
from imroc.api.services import revoke_token
from tests.api.conftest import ACTOR, Api, assert_problem, build_site_data, make_token

SCHEMA = api.get_openapi_schema(path_prefix="/api/v1/")
OPERATIONS = [
    (method.upper(), path, op["operationId"])
    for path, item in SCHEMA["paths"].items()
    for method, op in item.items()
]
SITE_OPERATIONS = [o for o in OPERATIONS if "{site}" in o[1]]
# Operations whose only object is the site: another site's lead naming their own site is fine.
OWN_SITE_ONLY = {o for o in SITE_OPERATIONS if re.findall(r"{(\w+)}", o[1]) == ["site"]}


def _bodies(data) -> dict:
    """A valid body for every write operation, so a 404 is not hidden behind a 422."""
    today = timezone.localdate()
    return {
        "create_goal": {"challenge": data["challenge"], "title": "A goal", "target_date": str(today)},
        "update_goal": {"expected_version": 1, "reason": "Because", "title": "Changed"},
        "create_cycle": {
            "change_idea": "Idea", "objective": "Objective", "who": "Us", "starts_on": str(today),
            "ends_on": str(today), "prediction": "Better",
        },
        "update_cycle": {"expected_version": 1, "do_notes": "Did it"},
        "create_measure": {"name": "A new measure", "definition": "What it counts"},
        "update_measure": {"expected_version": 1, "unit": "people"},
        "record_point": {"period": "2021-01-01", "value": 4},
        "bulk_points": {"rows": [{"measure": str(data["measure"]), "period": "2021-01-01", "value": 4}]},
        "bulk_measure_points": {"rows": [{"period": "2021-01-01", "value": 4}]},
        "start_round": {"title": "Spring", "held_on": str(today)},
        "save_ratings": {"group": "staff", "ratings": [{"challenge": data["challenge"], "level": 1}]},
        "create_course": {
            "title": "Course", "description": "About", "learning_outcomes": "Learn", "length": "2 hours",
        },
        "update_course": {"expected_version": 1, "title": "Renamed"},
        "enrol_learner": {"name": "Sam", "contact": "sam@example.org", "consent": True},
        "update_enrolment": {"status": "cancelled"},
        "create_post": {"label": "Peer support worker 9", "fte": "0.6"},
        "update_post": {"expected_version": 1, "fte": "0.8"},
        "create_paper_response": {
            "completed_on": str(today), "answers": {f"q{i}": "2" for i in range(1, 16)},
        },
    }  # fmt: skip


def _url(path: str, values: dict) -> str:
    def fill(match):
        name = match[1]
        if name not in values:
            pytest.fail(
                f"No sample value for path parameter {{{name}}} in {path}: add it to build_site_data"
            )
        return str(values[name])

    return re.sub(r"{(\w+)}", fill, path)


def _call(client: Api, method: str, path: str, operation_id: str, values: dict, bodies: dict):
    url = _url(path, values)
    if method == "GET":
        return client.get(url)
    if operation_id not in bodies:
        pytest.fail(f"No sample body for write operation {operation_id}: add one to _bodies")
    return client.send(method, url, bodies[operation_id])


def _walk(operations, check):
    assert operations, "the walk found no operations"
    failures = []
    for method, path, operation_id in operations:
        try:
            check(method, path, operation_id)
        except AssertionError as error:
            failures.append(f"{method} {path}: {str(error)[:300]}")
    assert not failures, "\n".join(failures)


def test_walk_found_the_operations():
    assert len(OPERATIONS) >= 30
    assert len(SITE_OPERATIONS) >= 25
    assert any(m != "GET" for m, _, _ in SITE_OPERATIONS)


@pytest.fixture
def both_sites(site, other_site, team, other_team, site_lead, outsider, framework):
    return build_site_data(site, site_lead, framework), build_site_data(
        other_site, outsider, framework
    )


@pytest.mark.django_db
def test_every_operation_needs_a_token(both_sites, site_lead):
    mine, _ = both_sites
    bodies = _bodies(mine)
    raw = make_token(site_lead)
    revoke_token(ApiToken.objects.get(), actor=ACTOR)
    clients = [Api(None), Api("imroc_deadbeef_forged"), Api(raw)]

    def check(method, path, operation_id):
        for client in clients:
            assert_problem(_call(client, method, path, operation_id, mine, bodies), 401)

    _walk(OPERATIONS, check)


@pytest.mark.django_db
def test_another_sites_lead_gets_404_for_every_site_operation(both_sites, outsider):
    mine, theirs = both_sites
    bodies = _bodies(mine)
    outsider_api = Api(make_token(outsider, "write"))

    def check(method, path, operation_id):
        # Naming the first site itself.
        assert_problem(_call(outsider_api, method, path, operation_id, mine, bodies), 404)
        # Naming their own site, with the first site's objects.
        if (method, path, operation_id) not in OWN_SITE_ONLY:
            mixed = {**mine, "site": theirs["site"]}
            assert_problem(_call(outsider_api, method, path, operation_id, mixed, bodies), 404)

    _walk(SITE_OPERATIONS, check)


@pytest.mark.django_db
def test_unknown_site_is_404_even_for_programme_staff(both_sites, programme_admin):
    mine, _ = both_sites
    bodies = _bodies(mine)
    admin_api = Api(make_token(programme_admin, "write"))

    def check(method, path, operation_id):
        values = {**mine, "site": "no-such-site"}
        assert_problem(_call(admin_api, method, path, operation_id, values, bodies), 404)

    _walk(SITE_OPERATIONS, check)


@pytest.mark.django_db
def test_the_sample_bodies_are_valid(both_sites, site_lead):
    """Guards the walk: with the right person, each write gets past validation (no 422 on the body)."""
    mine, _ = both_sites
    bodies = _bodies(mine)
    lead_api = Api(make_token(site_lead, "write"))

    def check(method, path, operation_id):
        if method == "GET":
            return
        response = _call(lead_api, method, path, operation_id, mine, bodies)
        assert response.status_code < 500, response.content[:300]
        if response.status_code == 422:
            locs = [e["loc"][:2] for e in response.json()["errors"]]
            assert all(loc[0] == "body" for loc in locs), locs

    _walk(SITE_OPERATIONS, check)
