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

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username
