"""Helpers every app's services use: the one error they raise, and optimistic concurrency
with an audit of what changed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imroc.core import audit

STALE_EDIT_MESSAGE = _(
    "Someone else saved changes here after you opened this page. Your changes have not been "
    "saved: they are still in the form below. Check them against the latest version, then save again."
)


class ServiceError(Exception):
    """A change that breaks a rule, with a message for the person who asked for it.

    Every app's services raise this one class. ``field`` names the form field (or API body
    field) the message is about, or is None when it is about the whole change. Views show it
    with `show_on`; the API answers it with a 422 problem document pointing at the field.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field

    def show_on(self, form: forms.BaseForm) -> None:
        """Put the message on the form: by its field when the form has one, else at the top."""
        form.add_error(self.field if self.field in form.fields else None, str(self))


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


def update_versioned(
    obj: models.Model,
    *,
    actor: Any,
    expected_version: int,
    changes: dict[str, Any],
    action: str,
    site: Any = None,
) -> models.Model:
    """Apply `changes` to `obj` unless someone saved it after `expected_version`, and audit it.

    Every field in `changes` is saved and audited, so there is no second list of field names
    to keep in step with the form. The audit event holds the fields whose values changed,
    before and after. A stale version raises StaleEditError and changes nothing.
    """
    with transaction.atomic():
        stored = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
        if stored.version != expected_version:
            raise StaleEditError(obj)
        names = list(changes)
        before = audit.snapshot(stored, names)
        for name, value in changes.items():
            setattr(obj, name, value)
        save_versioned(obj, expected_version, names)
        after = audit.snapshot(obj, names)
        changed = [name for name in names if before[name] != after[name]]
        audit.record(
            actor,
            action,
            obj,
            site=site,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    return obj
