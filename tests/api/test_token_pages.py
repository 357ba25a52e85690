"""The /accounts/tokens/ pages: make (shown once), list and revoke personal API tokens."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from imroc.accounts.reauth import make_stale
from imroc.api.models import ApiToken
from imroc.core.models import AuditEvent
from tests.api.conftest import Api, make_token

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client):
    for url in ("/accounts/tokens/", "/accounts/tokens/new/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post("/accounts/tokens/revoke/").status_code == 302


def test_make_a_token_shown_once_and_it_works(lead_client, site_lead, site):
    page = lead_client.get("/accounts/tokens/new/")
    assert page.status_code == 200 and b"<h1>Make an API token</h1>" in page.content
    response = lead_client.post(
        "/accounts/tokens/new/", {"name": "Monthly upload", "scope": "write"}
    )
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    secret = re.search(r'value="(imroc_[^"]+)"', response.content.decode())[1]
    token = ApiToken.objects.get(user=site_lead)
    assert token.scope == "write" and secret not in token.token_hash
    assert AuditEvent.objects.filter(action="api_token.create", actor=site_lead).exists()
    assert Api(secret).get(f"sites/{site.slug}").status_code == 200
    listing = lead_client.get("/accounts/tokens/").content.decode()
    assert "Monthly upload" in listing and secret not in listing and token.prefix in listing


def test_form_errors_are_shown(lead_client):
    response = lead_client.post(
        "/accounts/tokens/new/", {"name": "", "scope": "admin", "expires_on": "2001-01-01"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Say what the token is for." in page and not ApiToken.objects.exists()


def test_expiry_date(lead_client, site_lead):
    day = timezone.localdate() + timezone.timedelta(days=30)
    lead_client.post(
        "/accounts/tokens/new/", {"name": "Short", "scope": "read", "expires_on": day.isoformat()}
    )
    token = ApiToken.objects.get(user=site_lead)
    assert token.expires_at is not None and token.expires_at.date() >= day


def test_making_a_token_needs_recent_sign_in(lead_client):
    make_stale(lead_client)
    response = lead_client.get("/accounts/tokens/new/")
    assert response.status_code == 302 and "/accounts/reauth/" in response["Location"]
    response = lead_client.post("/accounts/tokens/new/", {"name": "x", "scope": "read"})
    assert response.status_code == 302 and not ApiToken.objects.exists()


def test_revoke_own_token_only(lead_client, member_client, site_lead, site):
    secret = make_token(site_lead)
    token = ApiToken.objects.get()
    assert (
        member_client.post("/accounts/tokens/revoke/", {"token": token.public_id}).status_code
        == 404
    )
    assert (
        member_client.post("/accounts/tokens/revoke/", {"token": "not-a-uuid"}).status_code == 404
    )
    response = lead_client.post("/accounts/tokens/revoke/", {"token": token.public_id})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=site_lead).exists()
    assert Api(secret).get(f"sites/{site.slug}").status_code == 401
    assert "Revoked" in lead_client.get("/accounts/tokens/").content.decode()
