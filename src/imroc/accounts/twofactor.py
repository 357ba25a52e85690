"""Reads for two-factor authentication: who needs it, who has it, and the set-up QR code."""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from imroc.accounts.models import BackupCodeDevice


def role_requires(user) -> bool:
    """Programme admins and site leads must use two-factor authentication."""
    return (
        user.programme_memberships.filter(role="admin").exists()
        or user.site_memberships.filter(role="lead").exists()
    )


def required_for(user) -> bool:
    return bool(getattr(settings, "IMROC_REQUIRE_2FA", True)) and role_requires(user)


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needed_at_sign_in(user) -> bool:
    """After the password, must this person still set up or enter a code?"""
    return has_authenticator(user) or required_for(user)


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def backup_codes_left(user) -> int:
    device = BackupCodeDevice.objects.filter(user=user, confirmed=True).first()
    return device.codes.count() if device else 0


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps expect it typed: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The set-up QR code as inline SVG markup, drawn on the server (no script, no styles)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # The XML declaration is not allowed inside an HTML page.
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2 :].lstrip()
    return svg
