"""The Auditor: the one way to write the audit log. Services call it inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import models

from imroc.core.middleware import current_request_id
from imroc.core.models import AuditEvent


@dataclass(frozen=True)
class SystemActor:
    """A named non-human actor, such as the demo loader or a command-line import."""

    name: str

    def __str__(self) -> str:
        return f"system:{self.name}"


class MissingActorError(RuntimeError):
    """A write was attempted without saying who made it."""


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", None) or value.pk)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The audit-ready values of some fields of an object."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    site: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Write one audit event. Refuses a write with no actor."""
    if actor is None:
        raise MissingActorError(f"{action}: every write needs an actor")
    if isinstance(actor, SystemActor):
        user, label = None, str(actor)
    elif getattr(actor, "is_authenticated", False):
        user, label = actor, actor.get_username()
    else:
        raise MissingActorError(f"{action}: the actor must be a signed-in user or a system actor")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = str(getattr(obj, "public_id", None) or getattr(obj, "slug", None) or obj.pk)
        object_repr = object_repr or str(obj)[:200]
    else:
        object_id = ""
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        site_public_id=getattr(site, "public_id", None),
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        request_id=current_request_id(),
    )


def user_of(actor: Any):
    """The user behind an actor, or None for a system actor: for 'recorded by' fields."""
    return actor if getattr(actor, "is_authenticated", False) else None
