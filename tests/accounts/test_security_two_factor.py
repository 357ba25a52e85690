"""TOTP two-factor authentication: required for programme admins and site leads."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from imroc.accounts import services
from imroc.accounts.models import BackupCode
from imroc.core.models import AuditEvent

LOGIN = "/accounts/login/"
SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _require(settings):
    settings.IMROC_REQUIRE_2FA = True
    # No growing wait after a wrong code, so a test can type the right one straight after;
    # test_repeated_wrong_codes_are_slowed_down puts it back.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _sign_in(client, username, next_path=""):
    data = {"username": username, "password": PASSWORD}
    if next_path:
        data["next"] = next_path
    response = client.post(LOGIN, data)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def _code(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _device(user):
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    codes = services.new_backup_codes(user, actor=user)
    return device, codes


@pytest.mark.django_db
def test_lead_without_a_device_is_sent_to_set_one_up(client, site_lead, site):
    _sign_in(client, "lead-a")
    response = client.get(f"/sites/{site.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)
    assert "next=%2Fsites%2Fashdown%2F" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "<?xml" not in page  # the QR code, drawn on the server
    secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=site_lead, confirmed=False)
    assert secret.replace(" ", "") in device.config_url


@pytest.mark.django_db
def test_programme_admin_is_also_required(client, programme_admin):
    _sign_in(client, "prog-admin")
    assert client.get("/programme/")["Location"].startswith(SETUP)


@pytest.mark.django_db
def test_setting_up_shows_ten_backup_codes_once_and_lets_the_lead_in(client, site_lead, site):
    _sign_in(client, "lead-a")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=site_lead, confirmed=False)
    wrong = client.post(SETUP, {"code": "000000" if _code(device) != "000000" else "111111"})
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=site_lead, confirmed=True).exists()

    done = client.post(SETUP, {"code": _code(device), "next": f"/sites/{site.slug}/"})
    page = done.content.decode()
    codes = re.findall(r"<code>([a-z0-9-]+)</code>", page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "only time imroc shows them" in page
    # Stored hashed: no code appears in the database.
    stored = set(BackupCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & set(codes)
    assert client.get(f"/sites/{site.slug}/").status_code == 200
    assert AuditEvent.objects.filter(action="user.two_factor_on").exists()


@pytest.mark.django_db
def test_lead_with_a_device_must_enter_a_code(client, site_lead, site):
    device, _ = _device(site_lead)
    response = _sign_in(client, "lead-a", next_path=f"/sites/{site.slug}/goals/")
    response = client.get(response["Location"])
    assert response["Location"].startswith(VERIFY)
    # Not even the set-up page can be used to swap the device before the code is entered.
    assert client.get(SETUP)["Location"].startswith(VERIFY)

    wrong = client.post(VERIFY, {"code": "12345", "next": f"/sites/{site.slug}/goals/"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get(f"/sites/{site.slug}/").status_code == 302

    right = client.post(VERIFY, {"code": _code(device), "next": f"/sites/{site.slug}/goals/"})
    assert right["Location"] == f"/sites/{site.slug}/goals/"
    assert client.get(f"/sites/{site.slug}/").status_code == 200


@pytest.mark.django_db
def test_verify_never_follows_a_next_to_another_site(client, site_lead):
    device, _ = _device(site_lead)
    _sign_in(client, "lead-a")
    response = client.post(VERIFY, {"code": _code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_a_backup_code_works_once(client, site_lead, site):
    _, codes = _device(site_lead)
    _sign_in(client, "lead-a")
    response = client.post(VERIFY, {"code": codes[3].upper().replace("-", " ")})
    assert response.status_code == 302
    assert client.get(f"/sites/{site.slug}/").status_code == 200
    assert AuditEvent.objects.filter(action="user.backup_code_used").count() == 1
    assert BackupCode.objects.filter(device__user=site_lead).count() == 9

    client.post("/accounts/logout/")
    _sign_in(client, "lead-a")
    again = client.post(VERIFY, {"code": codes[3]})
    assert again.status_code == 200
    assert "That code is not right" in again.content.decode()


@pytest.mark.django_db
def test_other_roles_may_skip_two_factor(client, site_member, site):
    _sign_in(client, "member-a")
    assert client.get(f"/sites/{site.slug}/").status_code == 200
    page = client.get("/accounts/security/").content.decode()
    assert "Turn on two-factor authentication" in page


@pytest.mark.django_db
def test_others_who_turn_it_on_are_asked_for_a_code(client, site_member, site):
    device, _ = _device(site_member)
    _sign_in(client, "member-a")
    assert client.get(f"/sites/{site.slug}/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": _code(device)})
    assert client.get(f"/sites/{site.slug}/").status_code == 200


@pytest.mark.django_db
def test_a_member_can_turn_it_off_but_a_lead_cannot(
    member_client, lead_client, site_member, site_lead
):
    _device(site_member)
    _device(site_lead)
    member_client.post("/accounts/security/two-factor-off/")
    assert not TOTPDevice.objects.filter(user=site_member).exists()
    lead_client.post("/accounts/security/two-factor-off/")
    assert TOTPDevice.objects.filter(user=site_lead).exists()


@pytest.mark.django_db
def test_when_not_required_leads_may_skip_it(client, site_lead, site, settings):
    settings.IMROC_REQUIRE_2FA = False
    _sign_in(client, "lead-a")
    assert client.get(f"/sites/{site.slug}/").status_code == 200


@pytest.mark.django_db
def test_sign_out_health_and_static_work_before_the_code(client, site_lead):
    _sign_in(client, "lead-a")
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/logout/").status_code == 200
    assert client.get("/static/imroc/imroc.css").status_code == 200
    assert client.get("/accounts/security/")["Location"].startswith(SETUP)
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_new_backup_codes_replace_the_old_ones(lead_client, site_lead):
    _, old = _device(site_lead)
    page = lead_client.post("/accounts/security/backup-codes/").content.decode()
    new = re.findall(r"<code>([a-z0-9-]+)</code>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert BackupCode.objects.filter(device__user=site_lead).count() == 10


@pytest.mark.django_db
def test_default_setting_follows_debug():
    import subprocess
    import sys

    def value(env):
        code = "from django.conf import settings; print(settings.IMROC_REQUIRE_2FA)"
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "imroc.settings",
                 "IMROC_TESTING": "0", "SECRET_KEY": "x" * 50, **env},
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return result.stdout.strip()

    assert value({}) == "True"
    assert value({"DEBUG": "1", "IMROC_DATA_DIR": "/tmp/imroc-2fa-check"}) == "False"
    assert (
        value({"DEBUG": "1", "IMROC_REQUIRE_2FA": "1", "IMROC_DATA_DIR": "/tmp/imroc-2fa-check"})
        == "True"
    )


@pytest.mark.django_db
def test_repeated_wrong_codes_are_slowed_down(client, site_lead, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device, _ = _device(site_lead)
    _sign_in(client, "lead-a")
    client.post(VERIFY, {"code": "000001"})
    page = client.post(VERIFY, {"code": _code(device)}).content.decode()
    assert "too many wrong codes" in page


@pytest.mark.django_db
def test_setting_up_a_first_authenticator_from_a_stale_session_asks_for_the_password(
    member_client, site_member
):
    from imroc.accounts.reauth import make_stale

    make_stale(member_client)

    response = member_client.get("/accounts/two-factor/setup/")
    posted = member_client.post("/accounts/two-factor/setup/", {"code": "123456"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauth/?next=")
    assert posted.status_code == 302 and posted["Location"].startswith("/accounts/reauth/")
    assert not TOTPDevice.objects.filter(user=site_member).exists()
