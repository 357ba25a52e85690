"""Login lockout (django-axes): five failures for a username from one address lock that pair."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt

LOGIN = "/accounts/login/"


def _try(client, username="lead-a", password="wrong-password-here", ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_five_failures_lock_the_username_from_that_address(client, site_lead):
    for _ in range(4):
        response = _try(client)
        assert response.status_code == 200
        assert "username or password is not right" in response.content.decode()
    response = _try(client)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many attempts to sign in" in page and "15 minutes" in page
    # Even the right password is refused while locked.
    response = _try(client, password="a-long-test-password")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_lock_is_for_that_username_and_address_only(client, site_lead, site_member):
    for _ in range(5):
        _try(client)
    # The same person from another address, and another person from the same address.
    assert _try(client, password="a-long-test-password", ip="10.0.0.2").status_code == 302
    client.logout()
    response = _try(client, "member-a", "a-long-test-password", ip="10.0.0.1")
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_lock_lifts_after_15_minutes(client, site_lead):
    for _ in range(5):
        _try(client)
    assert _try(client, password="a-long-test-password").status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert _try(client, password="a-long-test-password").status_code == 302


@pytest.mark.django_db
def test_a_good_sign_in_resets_the_count(client, site_lead):
    for _ in range(4):
        _try(client)
    assert _try(client, password="a-long-test-password").status_code == 302
    client.logout()
    for _ in range(4):
        assert _try(client).status_code == 200


@pytest.mark.django_db
def test_a_spoofed_forwarded_for_header_does_not_escape_the_lock(client, site_lead):
    for n in range(6):
        response = client.post(
            LOGIN,
            {"username": "lead-a", "password": "wrong-password-here"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert response.status_code == 429
