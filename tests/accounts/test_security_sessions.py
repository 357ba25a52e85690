"""Session timeouts: 30 minutes idle (sliding) and 12 hours since sign-in. Time is moved by
editing the session's clocks, never by sleeping."""

from __future__ import annotations

import time

import pytest

from imroc.core.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT


@pytest.fixture(autouse=True)
def _record_activity_once_a_minute(settings):
    settings.IMROC_SESSION_ACTIVITY_SECONDS = 60


def _shift(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def _dashboard(site):
    return f"/sites/{site.slug}/"


@pytest.mark.django_db
def test_29_minutes_idle_is_fine_and_slides_the_clock(lead_client, site):
    _shift(lead_client, **{SESSION_LAST_SEEN: 29 * 60})
    assert lead_client.get(_dashboard(site)).status_code == 200
    assert time.time() - lead_client.session[SESSION_LAST_SEEN] < 5  # the clock moved


@pytest.mark.django_db
def test_31_minutes_idle_signs_out_with_a_plain_message(lead_client, site):
    _shift(lead_client, **{SESSION_LAST_SEEN: 31 * 60})
    response = lead_client.get(_dashboard(site))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/sites/{site.slug}/"
    assert "_auth_user_id" not in lead_client.session
    page = lead_client.get(response["Location"]).content.decode()
    assert "had not used imroc for 30 minutes" in page


@pytest.mark.django_db
def test_12_hours_after_sign_in_signs_out_even_when_busy(lead_client, site):
    _shift(lead_client, **{SESSION_LOGIN_AT: 12 * 3600 + 60, SESSION_LAST_SEEN: 10})
    response = lead_client.get(_dashboard(site))
    assert response["Location"].startswith("/accounts/login/")
    page = lead_client.get(response["Location"]).content.decode()
    assert "more than 12 hours ago" in page
    assert lead_client.get(_dashboard(site)).status_code == 302


@pytest.mark.django_db
def test_11_hours_of_steady_use_is_fine(lead_client, site):
    _shift(lead_client, **{SESSION_LOGIN_AT: 11 * 3600, SESSION_LAST_SEEN: 60})
    assert lead_client.get(_dashboard(site)).status_code == 200


@pytest.mark.django_db
def test_a_timed_out_post_is_not_acted_on(lead_client, site):
    _shift(lead_client, **{SESSION_LAST_SEEN: 31 * 60})
    response = lead_client.post(f"/sites/{site.slug}/teams/new/", {"name": "Late Ward"})
    assert response["Location"].startswith("/accounts/login/")
    assert not site.teams.filter(name="Late Ward").exists()


@pytest.mark.django_db
def test_signing_in_starts_the_clocks(client, site_lead):
    client.post("/accounts/login/", {"username": "lead-a", "password": "a-long-test-password"})
    session = client.session
    assert abs(session[SESSION_LOGIN_AT] - time.time()) < 10
    assert abs(session[SESSION_LAST_SEEN] - time.time()) < 10


@pytest.mark.django_db
def test_ordinary_requests_do_not_write_the_session(
    lead_client, site, django_assert_max_num_queries
):
    lead_client.get(_dashboard(site))
    with django_assert_max_num_queries(30) as captured:
        lead_client.get(_dashboard(site))
    assert not [
        q
        for q in captured.captured_queries
        if "django_session" in q["sql"] and q["sql"].startswith("UPDATE")
    ]
