"""A site lead sets up two-factor authentication in a real browser, then signs in with a
backup code; the password reset, re-authentication and lockout pages pass axe too."""

from __future__ import annotations

import base64
import re

import pytest
from django.core import mail
from django_otp.oath import totp

from imroc.accounts.models import BackupCode
from tests.browser.conftest import check_page, sign_in


def _code_from_secret(secret_text: str) -> str:
    secret = secret_text.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


@pytest.fixture
def require_2fa(settings):
    settings.IMROC_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.mark.django_db(transaction=True)
def test_lead_sets_up_an_authenticator_and_later_uses_a_backup_code(
    page, site, site_lead, require_2fa
):
    sign_in(page, "lead-a")
    check_page(page, "Set up two-factor authentication")
    assert page.locator(".qr-image svg").count() == 1
    # The CSP forbids inline styles; the QR code must still be drawn at a readable size.
    box = page.locator(".qr-image svg").bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150

    page.fill(
        "#id_code",
        "000000" if _code_from_secret(page.inner_text("#secret-key")) != "000000" else "111111",
    )
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    check_page(page, "Error: Set up two-factor authentication")
    assert "That code is not right" in page.locator(".error-summary").inner_text()

    page.fill("#id_code", _code_from_secret(page.inner_text("#secret-key")))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    check_page(page, "Your backup codes")
    codes = [c.strip() for c in page.locator(".backup-codes code").all_inner_texts()]
    assert len(codes) == 10
    page.get_by_role("link", name=re.compile("continue")).click()
    check_page(page, site.name)
    assert page.url.endswith(f"/sites/{site.slug}/")

    # Sign out, and back in with a backup code.
    page.get_by_role("button", name=re.compile("Sign out")).click()
    sign_in(page, "lead-a")
    check_page(page, "Enter your code")
    page.fill("#id_code", codes[0])
    page.get_by_role("button", name="Continue").click()
    check_page(page, site.name)
    assert "You used a backup code. You have 9 left" in page.locator(".notice").inner_text()
    assert BackupCode.objects.filter(device__user=site_lead).count() == 9

    page.goto(page.base + "/accounts/security/")
    check_page(page, "Your account security")
    assert "9 backup codes left" in page.inner_text("main")


@pytest.mark.django_db(transaction=True)
def test_a_member_can_turn_it_on_from_their_account_page(page, site, site_member, require_2fa):
    sign_in(page, "member-a")
    check_page(page, site.name)
    page.get_by_role("link", name="Your account").click()
    check_page(page, "Your account security")
    page.get_by_role("link", name="Turn on two-factor authentication").click()
    check_page(page, "Set up two-factor authentication")


@pytest.mark.django_db(transaction=True)
def test_password_reset_pages(page, site, settings):
    from tests.programme.factories import UserFactory

    UserFactory(username="kim", email="kim@example.org")
    page.goto(page.base + "/accounts/login/")
    page.get_by_role("link", name="Reset your password").click()
    check_page(page, "Reset your password")
    page.get_by_role("button", name="Send the link").click()
    check_page(page, "Error: Reset your password")
    page.fill("#id_email", "kim@example.org")
    page.get_by_role("button", name="Send the link").click()
    check_page(page, "Check your email")
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[-1].body).group(
        1
    )
    page.goto(page.base + link)
    check_page(page, "Choose a new password")
    page.fill("#id_new_password1", "velvet harbour lantern")
    page.fill("#id_new_password2", "velvet harbour lantern")
    page.get_by_role("button", name="Set my new password").click()
    check_page(page, "Your password is set")


@pytest.mark.django_db(transaction=True)
def test_reauth_and_lockout_pages(page, site, site_lead):
    sign_in(page, "lead-a")
    page.goto(page.base + "/accounts/reauth/?next=/accounts/security/")
    check_page(page, "Confirm it is you")
    page.fill("#id_password", "a-long-test-password")
    page.get_by_role("button", name="Continue").click()
    check_page(page, "Your account security")

    page.get_by_role("button", name=re.compile("Sign out")).click()
    for _ in range(5):
        page.goto(page.base + "/accounts/login/")
        page.fill("#id_username", "lead-a")
        page.fill("#id_password", "not the right password")
        page.press("#id_password", "Enter")
        page.wait_for_load_state()
    check_page(page, "Too many attempts to sign in")
