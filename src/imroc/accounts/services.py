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


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(user, *, actor) -> str:
    """Make a one-time link token for a person to set their password. Returns the raw token."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.create(
            user=user,
            token_hash=_hash(token),
            expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
        )
        audit.record(actor, "user.invite", user, after={"expires_in_days": INVITATION_DAYS})
    return token


def find_invitation(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if invitation is None:
        raise InvitationError(
            "This link is not right. Check you copied all of it, or ask for a new one."
        )
    if invitation.used_at is not None:
        raise InvitationError("This link has already been used. Sign in with the password you set.")
    if invitation.expires_at < timezone.now():
        raise InvitationError(
            "This link has expired. Ask the person who invited you for a new one."
        )
    return invitation


def accept_invitation(token: str, password: str) -> object:
    """Set the password and use up the link. Raises InvitationError or ValidationError."""
    with transaction.atomic():
        invitation = find_invitation(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at is not None:
            raise InvitationError(
                "This link has already been used. Sign in with the password you set."
            )
        user = invitation.user
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        audit.record(user, "user.accept_invitation", user, after={"password": "set"})
    return user
