"""Helpers every app's services use: optimistic concurrency."""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STALE_EDIT_MESSAGE = _(
    "Someone else saved changes here after you opened this page. Your changes have not been "
    "saved: they are still in the form below. Check them against the latest version, then save again."
)


class StaleEditError(Exception):
    """Someone else saved the object after this editor opened it."""

    def __init__(self, obj: models.Model):
        super().__init__(f"{obj} was changed by someone else")
        self.obj = obj


def save_versioned(obj: models.Model, expected_version: int, fields: list[str]) -> None:
    """Save the given fields only if the stored version is still the one the editor saw."""
    values = {name: getattr(obj, name) for name in fields}
    updated = (
        type(obj)
        ._base_manager.filter(pk=obj.pk, version=expected_version)
        .update(**values, version=F("version") + 1, updated_at=timezone.now())
    )
    if updated == 0:
        raise StaleEditError(obj)
    obj.version = expected_version + 1
