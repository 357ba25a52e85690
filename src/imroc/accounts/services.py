"""Writes to accounts."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from imroc.accounts.models import Invitation
from imroc.core import audit

INVITATION_DAYS = 14


class InvitationError(Exception):
    """The invitation link cannot be used, with the reason in plain words."""


def create_user(*, username: str, password: str | None, display_name: str, actor, email: str = ""):
    User = get_user_model()
    with transaction.atomic():
        user = User(username=username, display_name=display_name, email=email)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        audit.record(actor, "user.create", user, after={"username": username, "name": display_name})
    return user


def set_password(user, password: str, *, actor) -> None:
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        # The new value is never written to the log.
        audit.record(actor, "user.password", user, after={"password": "changed"})


def reset_password(user, password: str) -> None:
    """Set a new password from an emailed reset link, and record that it happened."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        # The new value is never written to the log.
        audit.record(
            user, "user.password_reset", user, after={"password": "changed", "how": "emailed link"}
        )


def unique_username(email: str) -> str:
    base = slugify(email.split("@")[0])[:30] or "person"
    taken = set(
        get_user_model()
        .objects.filter(username__startswith=base)
        .values_list("username", flat=True)
    )
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def hash_secret(token: str) -> str:
    """The SHA-256 of a link's secret: the only form in which imroc stores it."""
    return hashlib.sha256(token.encode()).hexdigest()


def invite(user, *, actor) -> str:
    """Make a one-time link token for a person to set their password. Returns the raw token."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.create(
            user=user,
            token_hash=hash_secret(token),
            expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
        )
        audit.record(actor, "user.invite", user, after={"expires_in_days": INVITATION_DAYS})
    return token


def find_invitation(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("user").filter(token_hash=hash_secret(token)).first()
    )
    if invitation is None:
        raise InvitationError(
            gettext("This link is not right. Check you copied all of it, or ask for a new one.")
        )
    if invitation.used_at is not None:
        raise InvitationError(
            gettext("This link has already been used. Sign in with the password you set.")
        )
    if invitation.expires_at < timezone.now():
        raise InvitationError(
            gettext("This link has expired. Ask the person who invited you for a new one.")
        )
    return invitation


def accept_invitation(token: str, password: str) -> object:
    """Set the password and use up the link. Raises InvitationError or ValidationError."""
    with transaction.atomic():
        invitation = find_invitation(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at is not None:
            raise InvitationError(
                gettext("This link has already been used. Sign in with the password you set.")
            )
        user = invitation.user
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        audit.record(user, "user.accept_invitation", user, after={"password": "set"})
    return user


# --- Two-factor authentication ---------------------------------------------------------------

BACKUP_CODE_COUNT = 10


def start_authenticator_setup(user):
    """A new, unconfirmed authenticator for ``user`` (any earlier unconfirmed one is dropped)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def confirm_authenticator(device, code: str) -> list[str] | None:
    """Switch the authenticator on if ``code`` is right. Returns new backup codes, or None."""
    with transaction.atomic():
        if not device.verify_token(code.strip().replace(" ", "")):
            return None
        user = device.user
        device.__class__.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_backup_codes(user)
        audit.record(user, "user.two_factor_on", user, after={"two_factor": "on"})
    return codes


def new_backup_codes(user, *, actor) -> list[str]:
    with transaction.atomic():
        codes = _replace_backup_codes(user)
        audit.record(actor, "user.backup_codes", user, after={"backup_codes": "replaced"})
    return codes


def _replace_backup_codes(user) -> list[str]:
    from imroc.accounts.models import BackupCode, BackupCodeDevice, hash_backup_code

    device, _ = BackupCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Backup codes", "confirmed": True}
    )
    device.codes.all().delete()
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read back
    codes = []
    for _ in range(BACKUP_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _ in range(12))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 12, 4)))
    BackupCode.objects.bulk_create(
        BackupCode(device=device, code_hash=hash_backup_code(code)) for code in codes
    )
    return codes


def turn_off_two_factor(user, *, actor) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from imroc.accounts.models import BackupCodeDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        BackupCodeDevice.objects.filter(user=user).delete()
        audit.record(actor, "user.two_factor_off", user, after={"two_factor": "off"})


def record_backup_code_used(user) -> None:
    with transaction.atomic():
        audit.record(user, "user.backup_code_used", user, after={"backup_code": "used"})


def record_reauth_locked_out(user, *, failures: int) -> None:
    """Too many wrong passwords or codes on the re-authentication page: the session is being
    signed out and signing in is paused (django-axes). Written before the sign-out, by the
    person whose session it was."""
    with transaction.atomic():
        audit.record(
            user,
            "user.reauth_locked_out",
            user,
            after={"failures": failures, "session": "signed out"},
        )


def set_language(user, code: str, *, actor) -> None:
    """Remember the interface language a person chose."""
    with transaction.atomic():
        before = {"language": user.language}
        user.language = code
        user.save(update_fields=["language"])
        audit.record(actor, "user.language", user, before=before, after={"language": code})
