"""People who sign in to imroc. Their roles at sites are in imroc.programme (see ADR 1)."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="The name other people see. Leave blank to use the username.",
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
