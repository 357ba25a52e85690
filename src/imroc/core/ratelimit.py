"""Rate limits that every app server shares: how many tries a person, an address or a token
gets in a window of time.

Each limit counts in fixed windows (for example each hour from the hour). The counters live
where every app server sees them: in the database (table ``core_ratecounter``) by default, or
in Redis when ``REDIS_URL`` is set. Never in one process's memory, so two app servers behind
a proxy give no one twice the tries.

What is counted is never stored in clear: the key is an HMAC of the limit's name, the value
counted (an address, a contact, a token) and the window, under the installation's secret key.

Use it in a view, after the form is valid, so a refusal keeps what the person typed::

    from imroc.core import ratelimit

    blocked = ratelimit.first_blocked(("my-data-address", ratelimit.client_address(request)))
    if blocked:
        form.add_error(None, ratelimit.wait_text(blocked))   # "Please wait 12 minutes..."
    ...
    return ratelimit.set_retry_after(response, blocked) if blocked else response   # 429

The limits, their defaults and what each counts are in ``LIMITS`` below; ``settings.RATE_LIMITS``
holds the numbers in force (``IMROC_RATE_LIMITS`` in the environment changes them), and
docs/security.md lists them (a test keeps the two the same). The settings module reads
``parse_overrides`` from here, so this module imports nothing that needs settings at import time.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Limit:
    name: str
    counts: str  # what one try is, and who or what it is counted for
    tries: int
    seconds: int


# Name -> (what is counted, default tries, default window in seconds).
LIMITS: dict[str, tuple[str, int, int]] = {
    "enrol-address": ("Public enrolment forms sent from one network address", 30, 3600),
    "enrol-run": ("Public enrolment forms sent for one course run, from everyone", 60, 600),
    "enrol-run-address": (
        "Public enrolment forms sent for one course run from one address",
        6,
        3600,
    ),
    "my-data-contact": ('"See my data" links asked for one email address or phone number', 3, 3600),
    "my-data-address": ('"See my data" links asked for from one network address', 10, 3600),
    "password-reset-email": ("Password reset links asked for one email address", 3, 3600),
    "password-reset-address": ("Password reset links asked for from one network address", 10, 3600),
    "api-token": ("API calls made with one token", 600, 60),
}


def limit(name: str) -> Limit:
    counts, tries, seconds = LIMITS[name]
    tries, seconds = settings.RATE_LIMITS.get(name, (tries, seconds))
    return Limit(name, counts, tries, seconds)


def parse_overrides(text: str) -> dict[str, tuple[int, int]]:
    """``"my-data-contact=5/3600, api-token=1000/60"`` -> {name: (tries, seconds)}."""
    out: dict[str, tuple[int, int]] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, rule = part.partition("=")
        tries, _, seconds = rule.partition("/")
        name = name.strip()
        if name not in LIMITS or not tries.strip().isdigit() or not seconds.strip().isdigit():
            raise ValueError(
                f"IMROC_RATE_LIMITS: {part!r} should be name=tries/seconds with a name from "
                f"{', '.join(LIMITS)}"
            )
        if int(tries) < 1 or int(seconds) < 1:
            raise ValueError(f"IMROC_RATE_LIMITS: {part!r} needs at least 1 try and 1 second")
        out[name] = (int(tries), int(seconds))
    return out


@dataclass(frozen=True)
class Blocked:
    limit: Limit
    retry_after: int  # seconds until the window ends


def client_ip(request) -> str | None:
    """The address the request came from: REMOTE_ADDR, or behind a proxy
    (``IMROC_BEHIND_PROXY``) the last address in X-Forwarded-For, which is the one the proxy
    itself saw. Earlier addresses in that header are whatever the client wrote, so never
    trusted. django-axes uses this too (``AXES_CLIENT_IP_CALLABLE``), so the sign-in lockout,
    the rate limits and the security log all count the same address."""
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.IMROC_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        candidate = forwarded[-1].strip() or candidate
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_address(request) -> str:
    """``client_ip``, or "unknown" when there is no readable address (counted together)."""
    return client_ip(request) or "unknown"


def _key(name: str, value: str, window: int) -> str:
    message = f"{name}\x1f{value}\x1f{window}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@cache
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def _count_in_redis(key: str, seconds: int) -> int:
    pipe = _redis(settings.REDIS_URL).pipeline()
    pipe.incr(f"imroc:rl:{key}")
    pipe.expire(f"imroc:rl:{key}", seconds + 5, nx=True)
    hits, _ = pipe.execute()
    return int(hits)


def _count_in_database(key: str, window_ends: datetime) -> int:
    """Add one to the window's count and return it: one upsert (atomic on SQLite and
    PostgreSQL alike, whatever other app servers do at the same moment), then one read."""
    from django.db import connection

    from imroc.core.models import RateCounter

    table, key_column, ends_column, hits_column = (
        connection.ops.quote_name(name)
        for name in (RateCounter._meta.db_table, "key", "window_ends", "hits")
    )
    # Only names from the model go into the statement; the values are parameters.
    sql = (
        f"INSERT INTO {table} ({key_column}, {ends_column}, {hits_column}) VALUES (%s, %s, 1) "  # noqa: S608 - model names only  # nosec
        f"ON CONFLICT ({key_column}) DO UPDATE SET {hits_column} = {table}.{hits_column} + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, window_ends])
    hits = RateCounter.objects.filter(key=key).values_list("hits", flat=True).get()
    if hits == 1:
        # A new window: clear the windows that have ended, so the table stays small.
        RateCounter.objects.filter(window_ends__lt=timezone.now()).delete()
    return hits


def hit(name: str, value: str) -> Blocked | None:
    """Count one try of ``name`` for ``value``; the block if that try is over the limit."""
    rule = limit(name)
    now = time.time()
    window = math.floor(now / rule.seconds)
    ends = (window + 1) * rule.seconds
    key = _key(name, value, window)
    if settings.REDIS_URL:
        hits = _count_in_redis(key, rule.seconds)
    else:
        hits = _count_in_database(key, datetime.fromtimestamp(ends, UTC))
    if hits > rule.tries:
        return Blocked(rule, retry_after=max(1, math.ceil(ends - now)))
    return None


def first_blocked(*tries: tuple[str, str]) -> Blocked | None:
    """Count every (limit, value) pair and return the first block, if any.

    All are counted even after one blocks, so a person cannot spend one limit's tries while
    another is in force."""
    blocks = [hit(name, value) for name, value in tries]
    return next((b for b in blocks if b is not None), None)


def wait_text(blocked: Blocked) -> str:
    minutes = max(1, math.ceil(blocked.retry_after / 60))
    return ngettext(
        "You have tried this too many times. Please wait %(minutes)d minute and try again.",
        "You have tried this too many times. Please wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def set_retry_after(response, blocked: Blocked):
    response.status_code = 429
    response["Retry-After"] = str(blocked.retry_after)
    return response
