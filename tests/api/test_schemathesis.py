"""Schemathesis against the running app (its WSGI application, inside the test's database).

For every operation in /api/v1/openapi.json it sends generated requests, valid and invalid,
as a site lead with a read and write token, at a site with demo-like data: the path
parameters are the site's real slug and ids (so the requests reach the code behind them);
query strings and bodies are generated. Checks: no 5xx, responses match their documented
schema, and every status code is documented.

Bounded (MAX_EXAMPLES per operation) and derandomised, so CI runs it on SQLite and
PostgreSQL. The data is built once and every operation runs in the one test; failures are
collected per operation and reported together.
"""

from __future__ import annotations

import collections

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from imroc.api.api import api
from tests.api.conftest import build_site_data, make_token

MAX_EXAMPLES = 25

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = get_wsgi_application()
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def _keep_test_connection():
    """Like Django's test client: a request must not close the test's database connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _run(operation, values: dict, token: str, statuses: collections.Counter) -> None:
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        for name in list(case.path_parameters or {}):
            case.path_parameters[name] = str(values[name])
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
        )
        statuses[response.status_code] += 1

    check()


def test_found_the_operations():
    assert len(OPERATIONS) >= 30


@pytest.mark.django_db
def test_api_conforms_to_its_schema(site, team, site_lead, framework, _keep_test_connection):
    values = build_site_data(site, site_lead, framework)
    token = make_token(site_lead, "write")
    failures, statuses = [], collections.Counter()
    for operation in OPERATIONS:
        try:
            _run(operation, values, token, statuses)
        except Exception as error:
            failures.append(f"{operation.method.upper()} {operation.path}:\n{str(error)[:1500]}")
    assert not failures, "\n\n".join(failures)
    # Guards the run itself: it must have reached the code behind the routes, not only errors.
    assert statuses[200] > 100 and statuses[201] > 0 and statuses[422] > 0, statuses
