"""People who sign in to imroc. Their roles at sites are in imroc.programme (see ADR 1)."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin


class User(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(
        max_length=150,
        blank=True,
        help_text=_("The name other people see. Leave blank to use the username."),
    )
    # The interface language this person chose, as a code from settings.LANGUAGES; blank
    # means "follow the browser".
    language = models.CharField(max_length=10, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Invitation(models.Model):
    """A one-time link that lets a new person set their password. Only a hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation for {self.user}"


class BackupCodeDevice(ThrottlingMixin, Device):
    """A person's single-use backup codes, for when their authenticator app is not to hand.

    django-otp's own static codes are kept in plain text, so imroc keeps only a SHA-256 hash of
    each code. A code has 60 random bits, so the hash cannot be reversed by guessing. Each code
    works once: it is deleted as it is used.
    """

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        match = self.codes.filter(code_hash=hash_backup_code(str(token))).first()
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.save()
        return True


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return "Backup code"


def normalise_backup_code(token: str) -> str:
    return "".join(ch for ch in token.lower() if ch.isalnum())


def hash_backup_code(token: str) -> str:
    return hashlib.sha256(normalise_backup_code(token).encode()).hexdigest()
