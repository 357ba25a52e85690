"""Tokens, problem documents, pagination, the schema and the docs page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from imroc.api import services as token_services
from imroc.api.models import ApiToken
from imroc.core.models import AuditEvent
from imroc.core.services import ServiceError
from tests.api.conftest import ACTOR, Api, assert_problem, make_token
from tests.measures.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def test_no_token_is_401_problem(site):
    response = Api(None).get(f"sites/{site.slug}")
    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "token" in body["detail"]


@pytest.mark.parametrize(
    "header", ["Bearer nonsense", "Bearer imroc_0000_x", "Basic abc", "Bearer"]
)
def test_bad_tokens_are_401(site, header):
    response = Api(None).client.get(f"/api/v1/sites/{site.slug}", HTTP_AUTHORIZATION=header)
    assert_problem(response, 401)


def test_session_cookie_alone_is_not_enough(lead_client, site):
    assert_problem(lead_client.get(f"/api/v1/sites/{site.slug}"), 401)


def test_revoked_token_is_401(site, site_lead):
    raw = make_token(site_lead)
    api = Api(raw)
    assert api.get(f"sites/{site.slug}").status_code == 200
    token = ApiToken.objects.get(token_hash=token_services.hash_token(raw))
    token_services.revoke_token(token, actor=site_lead)
    assert_problem(api.get(f"sites/{site.slug}"), 401)
    assert AuditEvent.objects.filter(
        action="api_token.revoke", object_id=str(token.public_id)
    ).exists()


def test_expired_token_is_401(site, site_lead):
    raw = make_token(site_lead)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_problem(Api(raw).get(f"sites/{site.slug}"), 401)


def test_inactive_user_token_is_401(site, site_lead):
    raw = make_token(site_lead)
    site_lead.is_active = False
    site_lead.save()
    assert_problem(Api(raw).get(f"sites/{site.slug}"), 401)


def test_only_a_hash_is_stored_and_last_used_is_noted(site, site_lead):
    raw = make_token(site_lead)
    token = ApiToken.objects.get()
    assert raw not in (token.token_hash, token.prefix) and raw.startswith(f"imroc_{token.prefix}_")
    assert token.last_used_at is None
    Api(raw).get("me")
    token.refresh_from_db()
    assert token.last_used_at is not None
    event = AuditEvent.objects.get(action="api_token.create")
    assert raw not in str(event.after)


def test_me(site_lead):
    response = Api(make_token(site_lead, "read")).get("me")
    assert response.status_code == 200
    assert response.json() == {
        "username": "lead-a",
        "name": str(site_lead),
        "token_name": "tests",
        "scopes": ["read"],
    }


def test_unknown_site_and_other_site_are_404(lead_api, other_site):
    assert_problem(lead_api.get("sites/no-such-site"), 404)
    assert_problem(lead_api.get(f"sites/{other_site.slug}"), 404)


def test_site_list_shows_only_own_sites(lead_api, site, other_site, programme_admin):
    slugs = [s["slug"] for s in lead_api.get("sites").json()["results"]]
    assert slugs == [site.slug]
    admin = Api(make_token(programme_admin, "read"))
    assert sorted(s["slug"] for s in admin.get("sites").json()["results"]) == sorted(
        [site.slug, other_site.slug]
    )


def test_validation_errors_are_problems_with_errors(lead_api, site):
    response = lead_api.post(f"sites/{site.slug}/goals", {"title": "x" * 300})
    body = assert_problem(response, 422)
    locs = [e["loc"] for e in body["errors"]]
    assert ["body", "title"] in locs and ["body", "target_date"] in locs


def test_bad_path_and_query_values_are_problems(lead_api, site):
    assert_problem(lead_api.get(f"sites/{site.slug}/goals/not-a-uuid"), 422)
    assert_problem(lead_api.get(f"sites/{site.slug}/goals", limit=0), 422)
    assert_problem(lead_api.get(f"sites/{site.slug}/goals", updated_since="yesterday"), 422)


def test_malformed_json_is_a_problem(lead_api, site):
    response = lead_api.client.post(
        f"/api/v1/sites/{site.slug}/goals", "{not json", content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {lead_api.token}",
    )  # fmt: skip
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/problem+json")


def test_pagination_count_and_links(lead_api, site):
    for i in range(7):
        MeasureFactory(site=site, name=f"M{i}")
    first = lead_api.get(f"sites/{site.slug}/measures", limit=3).json()
    assert first["count"] == 7 and len(first["results"]) == 3 and first["previous"] is None
    assert "offset=3" in first["next"] and first["next"].startswith("http")
    second = lead_api.client.get(
        first["next"], HTTP_AUTHORIZATION=f"Bearer {lead_api.token}"
    ).json()
    assert [m["name"] for m in second["results"]] == ["M3", "M4", "M5"]
    last = lead_api.get(f"sites/{site.slug}/measures", limit=3, offset=6).json()
    assert last["next"] is None and len(last["results"]) == 1


def test_openapi_schema_documents_problems(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["securitySchemes"]
    operation = schema["paths"]["/api/v1/sites/{site}/goals"]["post"]
    assert "application/problem+json" in operation["responses"]["422"]["content"]
    assert "application/json" in operation["responses"]["201"]["content"]


def test_docs_use_only_local_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls and all(u.startswith("/static/") for u in urls), urls
    assert "cdn" not in page.lower() and "https://" not in page


def test_token_create_service_refuses_bad_input(site_lead):
    with pytest.raises(ServiceError):
        token_services.create_token(site_lead, actor=ACTOR, name=" ")
    with pytest.raises(ServiceError):
        token_services.create_token(site_lead, actor=ACTOR, name="x", scope="admin")
    with pytest.raises(ServiceError):
        token_services.create_token(site_lead, actor=ACTOR, name="x", expires_at=timezone.now())


def test_unknown_address_and_wrong_method_are_problems(lead_api, site):
    assert_problem(lead_api.get("no/such/thing"), 404)
    response = lead_api.client.delete(
        f"/api/v1/sites/{site.slug}", HTTP_AUTHORIZATION=f"Bearer {lead_api.token}"
    )
    body = assert_problem(response, 405)
    assert "GET" in response["Allow"] and "DELETE" in body["detail"]
