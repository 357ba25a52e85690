"""Base models and the audit log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PublicModel(TimestampedModel):
    """A model shown in URLs by a random public id, never by its sequential key."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class VersionedModel(PublicModel):
    """A model edited by people, with a version number for optimistic concurrency."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One change to the data: who, when, what, before and after. Append-only and hash-chained.

    Each site's events form one chain (events with no site form another): ``seq`` counts
    1, 2, 3... in its chain, ``prev_hash`` is the previous event's ``hash``, and ``hash`` is
    SHA-256 over the event's content and ``prev_hash`` (see ``imroc.core.audit.event_hash``).
    ``imroc audit verify`` recomputes every chain, so an edited, deleted or reordered event is
    found. Database triggers refuse UPDATE and DELETE (migration 0002); the one change allowed
    is clearing ``actor`` when a user is removed, which the hash does not cover
    (``actor_label`` keeps who it was). On SQLite, a later migration that rebuilds this table
    drops the triggers: re-create them (``imroc.core.audit.append_only_sql``) in that migration.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Kept even if the user is later removed, and used for system actors (the demo loader).
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    # The site the object belongs to, by public id, so the log never depends on the programme app.
    site_public_id = models.UUIDField(null=True, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    # The hash chain: "" for events with no site, else the site's public id.
    chain = models.CharField(max_length=36, blank=True, default="")
    seq = models.PositiveBigIntegerField(default=0)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_one_event_per_seq")
        ]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
        )


class AuditChainHead(models.Model):
    """The latest event of each audit chain. Appends lock this row, so a chain never forks;
    verify also compares it with the last event, so a deleted tail is noticed."""

    chain = models.CharField(max_length=36, unique=True, blank=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.chain or 'programme'} #{self.seq}"


class SecurityEvent(models.Model):
    """A refused request worth a second look: someone asking for another site's records, a
    page above their role, an API call outside a token's scope, or too many tries.

    Kept apart from the audit log: nothing changed, and a probe can make many of these. Written
    by ``imroc.core.security``; the programme admins' security page reads them.
    """

    class Kind(models.TextChoices):
        CROSS_SITE = "cross_site", _("Another site's pages")
        FORBIDDEN = "forbidden", _("Above their role")
        API_REFUSED = "api_refused", _("API call refused")
        RATE_LIMITED = "rate_limited", _("Too many tries")

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Kept if the user is later removed; "" for someone not signed in.
    username = models.CharField(max_length=150, blank=True)
    # The API token's prefix (never the secret) when the request came through the API.
    token = models.CharField(max_length=40, blank=True)
    method = models.CharField(max_length=10)
    route = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=36, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["address", "occurred_at"]),
            models.Index(fields=["user", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.kind} {self.path}"


class NotFoundDay(models.Model):
    """How many pages were not found on one day: counted, never alerted on (mistyped addresses)."""

    day = models.DateField(unique=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.count}"


class RateCounter(models.Model):
    """One fixed window of one rate limit, shared by every app server through the database.

    ``key`` is a hash of the limit's name, who or what is counted, and the window's start, so no
    address or contact is stored in clear. ``imroc.core.ratelimit`` adds to ``hits`` atomically.
    """

    key = models.CharField(max_length=64, unique=True)
    window_ends = models.DateTimeField(db_index=True)
    hits = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key[:8]}: {self.hits}"


# --- Append-only guard: the switch a flush (wiping the whole database) uses ---------------------

_AUDIT_UNLOCK = {"on": False}


def audit_unlocked() -> bool:
    return _AUDIT_UNLOCK["on"]


def set_audit_unlocked(on: bool) -> None:
    """Let the append-only triggers allow a full wipe (``imroc flush`` only)."""
    _AUDIT_UNLOCK["on"] = bool(on)


@receiver(connection_created)
def _register_audit_guard(sender, connection, **kwargs):
    # SQLite's delete trigger asks this function; a connection without it (the sqlite3 shell)
    # gets "no such function", so its DELETE is refused too.
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "imroc_audit_unlocked", 0, lambda: 1 if audit_unlocked() else 0
        )
