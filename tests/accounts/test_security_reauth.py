"""Re-authentication before sensitive actions (imroc.accounts.reauth)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from imroc.accounts import reauth
from imroc.programme.models import Application
from tests.programme.factories import ApplicationFactory

REAUTH = "/accounts/reauth/"
PASSWORD = "a-long-test-password"


def test_the_decorator_keeps_the_access_marker():
    def view(request):
        return HttpResponse("ok")

    view.imroc_access = ("signed_in", None)
    wrapped = reauth.requires_recent_auth()(view)
    assert wrapped.imroc_access == ("signed_in", None)


@pytest.mark.django_db
def test_fresh_fixture_sessions_pass(lead_client):
    response = lead_client.get("/accounts/security/")
    assert response.status_code == 200
    assert lead_client.post("/accounts/security/backup-codes/").status_code == 302  # no device


@pytest.mark.django_db
def test_a_stale_session_must_type_the_password_again(member_client, site_member):
    TOTPDevice.objects.create(user=site_member, confirmed=False)
    reauth.make_stale(member_client)
    response = member_client.post(
        "/accounts/security/two-factor-off/", HTTP_REFERER="http://testserver/accounts/security/"
    )
    assert response["Location"] == f"{REAUTH}?next=%2Faccounts%2Fsecurity%2F"
    page = member_client.get(response["Location"]).content.decode()
    assert "Confirm it is you" in page and 'value="/accounts/security/"' in page

    wrong = member_client.post(
        REAUTH, {"password": "not-my-password", "next": "/accounts/security/"}
    )
    assert "That password is not right" in wrong.content.decode()
    right = member_client.post(REAUTH, {"password": PASSWORD, "next": "/accounts/security/"})
    assert right["Location"] == "/accounts/security/"
    assert member_client.post("/accounts/security/two-factor-off/").status_code == 302
    assert not TOTPDevice.objects.filter(user=site_member).exists()


@pytest.mark.django_db
def test_a_get_comes_back_to_the_same_address():
    request = RequestFactory().get("/sites/ashdown/export.csv?period=2024")
    request.user = type("U", (), {"is_authenticated": True})()
    request.session = {}
    response = reauth.requires_recent_auth()(lambda r: HttpResponse("ok"))(request)
    assert response["Location"] == f"{REAUTH}?next=%2Fsites%2Fashdown%2Fexport.csv%3Fperiod%3D2024"


@pytest.mark.django_db
def test_reauth_never_follows_a_next_elsewhere(lead_client):
    reauth.make_stale(lead_client)
    for bad in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = lead_client.post(REAUTH, {"password": PASSWORD, "next": bad})
        assert response["Location"] == "/", bad


@pytest.mark.django_db
def test_people_with_an_authenticator_also_type_a_code(member_client, site_member, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=site_member, confirmed=True)
    reauth.make_stale(member_client)
    page = member_client.get(f"{REAUTH}?next=/accounts/security/").content.decode()
    assert "authenticator app" in page
    response = member_client.post(REAUTH, {"password": PASSWORD, "code": "000000x"})
    assert "That code is not right" in response.content.decode()
    code = f"{totp(device.bin_key):06d}"
    response = member_client.post(
        REAUTH, {"password": PASSWORD, "code": code, "next": "/accounts/security/"}
    )
    assert response["Location"] == "/accounts/security/"
    assert reauth.authenticated_recently(type("R", (), {"session": member_client.session})())


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(REAUTH)["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_accepting_an_application_makes_a_lead_so_it_needs_a_recent_sign_in(
    programme_admin_client, site, framework
):
    application = ApplicationFactory(programme=site.programme)
    reauth.make_stale(programme_admin_client)
    url = f"/programme/applications/{application.public_id}/"
    response = programme_admin_client.post(
        url,
        {"decision": "accept", "accept-category": "network"},
        HTTP_REFERER=f"http://testserver{url}",
    )
    assert response["Location"] == f"{REAUTH}?next={url.replace('/', '%2F')}"
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert programme_admin_client.get(url).status_code == 200  # reading needs no re-check
