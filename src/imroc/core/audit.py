"""The Auditor: the one way to write the audit log. Services call it inside their transaction.

The log is tamper-evident. Each site's events form a hash chain (events with no site form one
more): every event stores its number in the chain (``seq``), the previous event's hash and its
own SHA-256 hash over a canonical JSON of its content plus that previous hash. Appends lock the
chain's head row, so concurrent writers queue instead of forking the chain. Triggers in the
database refuse UPDATE and DELETE on the table; ``verify_chains`` (``imroc audit verify``)
recomputes every hash and finds an edited, deleted or reordered event even when someone with
database rights has removed the triggers first.

Sensitive values (passwords, tokens, secrets, contact details, dates of birth) are masked in
``before``/``after`` before they are stored: see SENSITIVE_KEY_PARTS.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from imroc.core.middleware import current_request_id
from imroc.core.models import AuditChainHead, AuditEvent

# A key containing any of these (in any case) has its value replaced by MASK in before/after.
SENSITIVE_KEY_PARTS = (
    "password", "passwd", "token", "secret", "api_key", "otp_", "totp", "backup_code",
    "email", "phone", "mobile", "contact", "address", "postcode", "date_of_birth", "birth",
)  # fmt: skip
MASK = "***"
GENESIS = ""  # the prev_hash of a chain's first event


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


def is_sensitive(key: str) -> bool:
    key = str(key).lower()
    return any(part in key for part in SENSITIVE_KEY_PARTS)


def mask(value: Any) -> Any:
    """The value with every sensitive key's value replaced by MASK (empty values stay empty)."""
    if isinstance(value, dict):
        return {
            k: (MASK if is_sensitive(k) and v not in (None, "", [], {}) else mask(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask(v) for v in value]
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
    site_public_id = getattr(site, "public_id", None)
    event = AuditEvent(
        actor=user,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        site_public_id=site_public_id,
        before=mask(_plain(before)) if before is not None else None,
        after=mask(_plain(after)) if after is not None else None,
        request_id=current_request_id(),
        chain=str(site_public_id) if site_public_id else "",
    )
    _append(event)
    return event


def record_access(
    actor: Any,
    what: str,
    obj: models.Model | None = None,
    *,
    site: Any = None,
    exported: bool = False,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Log that someone saw or exported sensitive data (a learner's record, an export).

    The action is ``viewed.<what>`` or, with ``exported=True``, ``exported.<what>``; a ``what``
    that already starts with one of those prefixes is used as it is.
    """
    if what.startswith(("viewed.", "exported.")):
        action = what
    else:
        action = f"{'exported' if exported else 'viewed'}.{what}"
    return record(actor, action, obj, site=site, after=details)


# --- The hash chain ----------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    # Whole floats hash as integers: PostgreSQL's jsonb gives 1e+20 back as 100000000000000000000.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def event_content(event) -> dict[str, Any]:
    """What an event's hash covers: everything but its database id and the actor link
    (which is cleared when a user is removed; ``actor_label`` keeps who it was)."""
    occurred = event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return {
        "chain": event.chain,
        "seq": event.seq,
        "prev_hash": event.prev_hash,
        "occurred_at": occurred,
        "actor": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "site": str(event.site_public_id) if event.site_public_id else "",
        "before": _canonical(event.before),
        "after": _canonical(event.after),
        "request_id": event.request_id,
    }


def event_hash(event) -> str:
    text = json.dumps(
        event_content(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _append(event: AuditEvent) -> None:
    """Give the event the next place in its chain and store it, in the caller's transaction.

    The upsert takes the chain's head row lock (PostgreSQL) or runs inside SQLite's IMMEDIATE
    write transaction, so two writers to one chain queue; the unique (chain, seq) constraint
    backs that up.
    """
    head = connection.ops.quote_name(AuditChainHead._meta.db_table)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {head} (chain, seq, hash) VALUES (%s, 1, %s) "  # noqa: S608 - our table  # nosec
            f"ON CONFLICT (chain) DO UPDATE SET seq = {head}.seq + 1 RETURNING seq, hash",
            [event.chain, GENESIS],
        )
        event.seq, event.prev_hash = cursor.fetchone()
        event.occurred_at = timezone.now()
        event.hash = event_hash(event)
        event.save(force_insert=True)
        cursor.execute(
            f"UPDATE {head} SET hash = %s WHERE chain = %s",  # noqa: S608 - our table  # nosec
            [event.hash, event.chain],
        )


@dataclass(frozen=True)
class ChainBreak:
    chain: str
    seq: int
    event_id: int | None
    message: str


@dataclass
class VerifyResult:
    events: int = 0
    chains: int = 0
    breaks: list[ChainBreak] | None = None

    @property
    def intact(self) -> bool:
        return not self.breaks


def _chain_events(chain: str) -> Iterator[AuditEvent]:
    return AuditEvent.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000)


def verify_chain(chain: str) -> tuple[int, ChainBreak | None]:
    """Walk one chain from its first event. Returns (events checked, the first break or None)."""
    expected, prev, count = 1, GENESIS, 0
    for event in _chain_events(chain):
        count += 1
        if event.seq != expected:
            missing = (
                f"#{expected}" if event.seq == expected + 1 else f"#{expected}–#{event.seq - 1}"
            )
            return count, ChainBreak(
                chain, expected, event.id,
                f"event {missing} is missing (deleted); the chain jumps to #{event.seq}",
            )  # fmt: skip
        if event.prev_hash != prev:
            return count, ChainBreak(
                chain, event.seq, event.id,
                "does not follow the event before it (events reordered, or the one before "
                "was changed and re-hashed)",
            )  # fmt: skip
        if event_hash(event) != event.hash:
            return count, ChainBreak(
                chain, event.seq, event.id, "was edited: its content no longer matches its hash"
            )
        prev, expected = event.hash, event.seq + 1
    head = AuditChainHead.objects.filter(chain=chain).first()
    last = expected - 1
    if head is None:
        if last:
            return count, ChainBreak(chain, last, None, "the chain's head record is missing")
    elif head.seq != last:
        if head.seq > last:
            return count, ChainBreak(
                chain, last + 1, None,
                f"events #{last + 1}–#{head.seq} at the end are missing (deleted)",
            )  # fmt: skip
        return count, ChainBreak(chain, last, None, "the chain has events beyond its head")
    elif head.hash != prev:
        return count, ChainBreak(chain, last, None, "the last event does not match the head")
    return count, None


def verify_chains(chains: list[str] | None = None) -> VerifyResult:
    """Check every chain (or the given ones); reports the first break in each chain."""
    if chains is None:
        found = set(AuditChainHead.objects.values_list("chain", flat=True))
        found |= set(AuditEvent.objects.values_list("chain", flat=True).distinct())
        chains = sorted(found)
    result = VerifyResult(breaks=[])
    for chain in chains:
        count, broken = verify_chain(chain)
        result.events += count
        result.chains += 1
        if broken is not None:
            result.breaks.append(broken)
    return result


# --- Append-only triggers ----------------------------------------------------------------------

_REFUSED = "audit events are append-only"
_HASHED_COLUMNS = (
    "id", "occurred_at", "actor_label", "action", "object_type", "object_id", "object_repr",
    "site_public_id", "before", "after", "request_id", "chain", "seq", "prev_hash", "hash",
)  # fmt: skip


def append_only_sql(vendor: str) -> list[str]:
    """SQL creating the triggers that refuse UPDATE and DELETE on the audit table.

    Clearing ``actor_id`` (a removed user) is allowed; so is a full wipe by ``imroc flush``,
    which switches the guard off for its own connection only.
    """
    table = AuditEvent._meta.db_table
    if vendor == "sqlite":
        columns = ", ".join(f'"{c}"' for c in _HASHED_COLUMNS)
        return [
            f'CREATE TRIGGER IF NOT EXISTS "{table}_no_update" BEFORE UPDATE OF {columns} '
            f"ON \"{table}\" BEGIN SELECT RAISE(ABORT, '{_REFUSED}: UPDATE refused'); END",
            f'CREATE TRIGGER IF NOT EXISTS "{table}_actor_cleared_only" BEFORE UPDATE OF '
            f'"actor_id" ON "{table}" WHEN NEW."actor_id" IS NOT NULL '
            f"BEGIN SELECT RAISE(ABORT, '{_REFUSED}: UPDATE refused'); END",
            f'CREATE TRIGGER IF NOT EXISTS "{table}_no_delete" BEFORE DELETE ON "{table}" '
            "WHEN NOT imroc_audit_unlocked() "
            f"BEGIN SELECT RAISE(ABORT, '{_REFUSED}: DELETE refused'); END",
        ]
    if vendor == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION imroc_audit_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            "  IF TG_OP = 'UPDATE' THEN\n"
            "    IF NEW.actor_id IS NULL\n"
            "       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN\n"
            "      RETURN NEW;\n"
            "    END IF;\n"
            "  ELSIF coalesce(current_setting('imroc.audit_unlocked', true), '') = 'on' THEN\n"
            "    RETURN OLD;\n"
            "  END IF;\n"
            f"  RAISE EXCEPTION '{_REFUSED}: % refused', TG_OP USING ERRCODE = '42501';\n"
            "END $$",
            f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"',
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION imroc_audit_append_only()",
            f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}"',
            f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION imroc_audit_append_only()",
        ]
    return []


def drop_append_only_sql(vendor: str) -> list[str]:
    table = AuditEvent._meta.db_table
    if vendor == "sqlite":
        return [
            f'DROP TRIGGER IF EXISTS "{table}_{name}"'
            for name in ("no_update", "actor_cleared_only", "no_delete")
        ]
    if vendor == "postgresql":
        return [
            f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"',
            f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}"',
            "DROP FUNCTION IF EXISTS imroc_audit_append_only()",
        ]
    return []


def append_only_triggers(conn=None) -> list[str]:
    """The names of the audit table's append-only triggers present in the database."""
    conn = conn or connection
    table = AuditEvent._meta.db_table
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
        elif conn.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
        else:
            return []
        return sorted(row[0] for row in cursor.fetchall())


def user_of(actor: Any):
    """The user behind an actor, or None for a system actor: for 'recorded by' fields."""
    return actor if getattr(actor, "is_authenticated", False) else None


# --- Reading the log (site-scoped) -------------------------------------------------------------


def site_events(site, *, object_type: str = "", object_id: str = ""):
    """A site's events, newest first; optionally one object's."""
    events = AuditEvent.objects.filter(chain=str(site.public_id))
    if object_type:
        events = events.filter(object_type=object_type, object_id=object_id)
    return events.order_by("-seq")


def site_object_types(site) -> list[str]:
    """The kinds of record in a site's log, each once. The explicit order_by replaces the
    model's default ordering, which would otherwise join the DISTINCT (one row per event)."""
    return list(
        AuditEvent.objects.filter(chain=str(site.public_id))
        .exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
