"""Wrong answers on the re-authentication page count toward the sign-in lockout (django-axes).

Five wrong passwords or codes for a username from one address (AXES_FAILURE_LIMIT) sign the
session out and pause re-authentication and sign-in for that pair for 15 minutes
(AXES_COOLOFF_TIME), with a 429 page. The counts are axes' own, shared with the sign-in page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from imroc.accounts import reauth
from imroc.core.models import AuditEvent

REAUTH = "/accounts/reauth/"
LOGIN = "/accounts/login/"
PASSWORD = "a-long-test-password"
WRONG = "not-my-password-at-all"
LOCKED = "Too many attempts to confirm it is you"


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _another_session(user) -> Client:
    """A second, freshly authenticated session of the same person (another tab or device)."""
    client = Client()
    client.force_login(user)
    session = client.session
    reauth.stamp_login(session, verified=True)
    session.save()
    reauth.make_stale(client)
    return client


def _try(client, password=WRONG, ip="127.0.0.1", **extra):
    return client.post(
        REAUTH, {"password": password, "next": "/accounts/security/", **extra}, REMOTE_ADDR=ip
    )


def _lockouts(user):
    return AuditEvent.objects.filter(action="user.reauth_locked_out", actor=user)


@pytest.mark.django_db
def test_five_wrong_passwords_sign_the_session_out(lead_client, site_lead):
    reauth.make_stale(lead_client)
    for _ in range(4):
        response = _try(lead_client)
        assert response.status_code == 200
        assert "That password is not right" in response.content.decode()
        assert _signed_in(lead_client)
    response = _try(lead_client)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page and "15 minutes" in page and "signed you out" in page
    assert not _signed_in(lead_client)
    event = _lockouts(site_lead).get()
    assert event.object_id == str(getattr(site_lead, "public_id", None) or site_lead.pk)
    assert event.after == {"failures": 5, "session": "signed out"}
    # Signed out: the page now sends them to sign in, where the same lockout applies.
    assert _try(lead_client, PASSWORD)["Location"].startswith(LOGIN)
    response = lead_client.post(LOGIN, {"username": "lead-a", "password": PASSWORD})
    assert response.status_code == 429
    assert not _signed_in(lead_client)


@pytest.mark.django_db
def test_the_sixth_try_is_refused_even_with_the_right_password(lead_client, site_lead, monkeypatch):
    reauth.make_stale(lead_client)
    for _ in range(5):
        _try(lead_client)
    other = _another_session(site_lead)
    checked = []
    real_check = get_user_model().check_password
    monkeypatch.setattr(
        get_user_model(),
        "check_password",
        lambda user, raw: checked.append(raw) or real_check(user, raw),
    )
    response = _try(other, PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert checked == []  # refused before the password was looked at: no oracle
    assert not _signed_in(other)
    assert not reauth.authenticated_recently(type("R", (), {"session": other.session})())
    assert _lockouts(site_lead).count() == 2


@pytest.mark.django_db
def test_a_get_while_locked_out_just_shows_the_page(lead_client, site_lead):
    reauth.make_stale(lead_client)
    for _ in range(5):
        _try(lead_client)
    other = _another_session(site_lead)
    assert other.get(REAUTH).status_code == 200
    assert _signed_in(other)


@pytest.mark.django_db
def test_a_right_password_before_the_limit_works_and_resets_the_count(lead_client, site_lead):
    reauth.make_stale(lead_client)
    for _ in range(4):
        _try(lead_client)
    assert AccessAttempt.objects.filter(username="lead-a").exists()
    response = _try(lead_client, PASSWORD)
    assert response["Location"] == "/accounts/security/"
    assert not AccessAttempt.objects.filter(username="lead-a").exists()
    reauth.make_stale(lead_client)
    for _ in range(4):
        assert _try(lead_client).status_code == 200
    assert _signed_in(lead_client)
    assert not _lockouts(site_lead).exists()


@pytest.mark.django_db
def test_wrong_codes_count_too(member_client, site_member, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=site_member, confirmed=True)
    reauth.make_stale(member_client)
    for _ in range(4):
        response = _try(member_client, PASSWORD, code="000000")
        assert "That code is not right" in response.content.decode()
    code = f"{totp(device.bin_key):06d}"
    # A wrong password with a wrong code is one failure, not two: this is the fifth.
    response = _try(member_client, WRONG, code=code)
    assert response.status_code == 429
    assert not _signed_in(member_client)
    assert _lockouts(site_member).count() == 1
    # axes keeps each failed form: a still-valid code typed with a wrong password is not in it.
    kept = " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert code not in kept and "000000" not in kept


@pytest.mark.django_db
def test_a_right_code_resets_the_count(member_client, site_member, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=site_member, confirmed=True)
    reauth.make_stale(member_client)
    for _ in range(4):
        _try(member_client, PASSWORD, code="000000")
    response = _try(member_client, PASSWORD, code=f"{totp(device.bin_key):06d}")
    assert response["Location"] == "/accounts/security/"
    assert not AccessAttempt.objects.filter(username="member-a").exists()


@pytest.mark.django_db
def test_empty_fields_are_not_counted(member_client, site_member):
    TOTPDevice.objects.create(user=site_member, confirmed=True)
    reauth.make_stale(member_client)
    for _ in range(6):
        assert _try(member_client, "").status_code == 200
        assert _try(member_client, PASSWORD, code="").status_code == 200  # code left empty
    assert not AccessAttempt.objects.exists()
    assert _signed_in(member_client)


@pytest.mark.django_db
def test_other_peoples_failures_do_not_lock_this_person(
    lead_client, member_client, outsider_client
):
    for client in (member_client, outsider_client, lead_client):
        reauth.make_stale(client)
    for _ in range(5):
        _try(member_client)
        _try(outsider_client)
    assert not _signed_in(member_client) and not _signed_in(outsider_client)
    # Same address, another username: not locked.
    assert _try(lead_client, PASSWORD)["Location"] == "/accounts/security/"


@pytest.mark.django_db
def test_the_lock_is_for_that_address_only(lead_client, site_lead):
    reauth.make_stale(lead_client)
    for _ in range(5):
        _try(lead_client, ip="10.0.0.9")
    assert not _signed_in(lead_client)
    other = _another_session(site_lead)
    assert _try(other, PASSWORD, ip="10.0.0.1")["Location"] == "/accounts/security/"


@pytest.mark.django_db
def test_a_session_tried_from_many_addresses_is_still_signed_out(lead_client, site_lead):
    """axes counts per address; the session counts too, so moving address does not help."""
    reauth.make_stale(lead_client)
    for n in range(4):
        assert _try(lead_client, ip=f"10.0.1.{n}").status_code == 200
    response = _try(lead_client, ip="10.0.1.99")
    assert response.status_code == 429
    assert not _signed_in(lead_client)
    assert _lockouts(site_lead).count() == 1


@pytest.mark.django_db
def test_a_right_answer_clears_the_session_count(lead_client):
    reauth.make_stale(lead_client)
    for n in range(4):
        _try(lead_client, ip=f"10.0.2.{n}")
    assert _try(lead_client, PASSWORD, ip="10.0.2.50").status_code == 302
    reauth.make_stale(lead_client)
    for n in range(4):
        assert _try(lead_client, ip=f"10.0.3.{n}").status_code == 200
    assert _signed_in(lead_client)


@pytest.mark.django_db
def test_a_username_in_the_form_does_not_move_the_count(lead_client, site_member):
    reauth.make_stale(lead_client)
    for _ in range(5):
        response = _try(lead_client, username="member-a")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"lead-a"}


@pytest.mark.django_db
def test_sign_in_failures_count_here_too(client, lead_client, site_lead):
    for _ in range(5):
        client.post(LOGIN, {"username": "lead-a", "password": WRONG})
    reauth.make_stale(lead_client)
    response = _try(lead_client, PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(lead_client)
    assert _lockouts(site_lead).get().after["failures"] == 5


@pytest.mark.django_db
def test_the_lock_lifts_after_15_minutes(lead_client, site_lead):
    reauth.make_stale(lead_client)
    for _ in range(5):
        _try(lead_client)
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    other = _another_session(site_lead)
    assert _try(other, PASSWORD)["Location"] == "/accounts/security/"


@pytest.mark.django_db
def test_the_limit_and_pause_follow_the_axes_settings(lead_client, site_lead, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
    reauth.make_stale(lead_client)
    assert _try(lead_client).status_code == 200
    response = _try(lead_client)
    assert response.status_code == 429
    assert "30 minutes" in response.content.decode()


@pytest.mark.django_db
def test_nothing_is_counted_when_axes_is_off(lead_client, site_lead, settings):
    settings.AXES_ENABLED = False
    reauth.make_stale(lead_client)
    for _ in range(6):
        assert _try(lead_client).status_code == 200
    assert _try(lead_client, PASSWORD)["Location"] == "/accounts/security/"
