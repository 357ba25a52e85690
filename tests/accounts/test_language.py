"""Choosing the interface language: a cookie for anyone, a saved preference when signed in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imroc.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_anyone_can_switch_to_welsh_and_back(client):
    response = client.post(reverse("set_language"), {"language": "cy", "next": "/help/"})
    assert response.status_code == 302
    assert response["Location"] == "/help/"
    page = client.get("/help/").content.decode()
    assert '<html lang="cy">' in page
    assert "Canllaw i arweinwyr safle" in page
    # The switcher now offers English, labelled in English.
    assert 'value="en-gb" lang="en-GB"' in page
    client.post(reverse("set_language"), {"language": "en-gb", "next": "/help/"})
    assert '<html lang="en-GB">' in client.get("/help/").content.decode()


def test_a_signed_in_choice_is_saved_on_the_account_and_audited(lead_client, site_lead, site):
    lead_client.post(reverse("set_language"), {"language": "cy", "next": f"/sites/{site.slug}/"})
    site_lead.refresh_from_db()
    assert site_lead.language == "cy"
    event = AuditEvent.objects.get(action="user.language")
    assert event.after == {"language": "cy"}
    # A new device with no cookie still gets the person's language.
    lead_client.cookies.clear()
    lead_client.force_login(site_lead)
    assert '<html lang="cy">' in lead_client.get("/help/").content.decode()


def test_an_unknown_language_changes_nothing(client, lead_client, site_lead):
    response = lead_client.post(reverse("set_language"), {"language": "xx", "next": "/help/"})
    assert response.status_code == 302
    site_lead.refresh_from_db()
    assert site_lead.language == ""
    assert not AuditEvent.objects.filter(action="user.language").exists()


def test_the_switch_never_redirects_to_another_site(client):
    response = client.post(
        reverse("set_language"), {"language": "cy", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_switching_needs_a_post(client):
    assert client.get(reverse("set_language")).status_code == 405
