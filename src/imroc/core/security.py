"""Refused requests, written down so the programme team can see someone probing.

``SecurityEventMiddleware`` (``imroc.core.middleware``) calls ``record_denial`` after a view
has refused a request: another site's pages, a page above the person's role, an API call
outside a token's rights, or too many tries. Any other page not found is only counted per
day (``count_not_found``): mistyped addresses are normal and nobody is alerted about them.

Writing here must never change the answer a person gets: every failure is logged and
swallowed, so a broken table cannot turn a 404 into a 500. Each write runs in its own
(nested) transaction, so a failed insert cannot spoil a transaction around it either. The
middleware writes after the view has returned, outside any transaction the view opened
(ATOMIC_REQUESTS is off, and would wrap only the view), so a view that rolls back its own
work does not take the record of the refusal with it.

The programme admins' security page (``/programme/security/``) reads through the functions at
the end of this module: the latest refusals, the bursts of repeated refusals, and the daily
not-found counts.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from imroc.core import ratelimit
from imroc.core.middleware import current_request_id
from imroc.core.models import NotFoundDay, SecurityEvent

logger = logging.getLogger("imroc.security")

Kind = SecurityEvent.Kind


def _field_length(name: str) -> int:
    return SecurityEvent._meta.get_field(name).max_length


def _text(value, name: str) -> str:
    """A value made safe for one text column: a string, no NUL characters, cut to fit."""
    text = "" if value is None else str(value)
    return text.replace("\x00", "")[: _field_length(name)]


def _who(request) -> tuple[object | None, str]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None, ""
    return user, user.get_username()


def record_denial(request, kind: str, *, status: int, detail: str = "") -> SecurityEvent | None:
    """Write down one refused request. Never raises: a failure is logged and ignored.

    ``kind`` is a ``SecurityEvent.Kind``. The user (and their username, kept if the account
    is later removed), the API token's prefix (never the secret), the route, the path without
    its query string, the status, the client's address and the request id are kept.
    """
    try:
        user, username = _who(request)
        token = getattr(request, "imroc_token", None)
        match = getattr(request, "resolver_match", None)
        event = SecurityEvent(
            kind=kind,
            user=user,
            username=_text(username, "username"),
            token=_text(getattr(token, "prefix", ""), "token"),
            method=_text(request.method, "method"),
            route=_text(match.view_name if match else "", "route"),
            path=_text(request.path, "path"),
            status=status,
            address=ratelimit.client_ip(request),
            detail=_text(detail, "detail"),
            request_id=_text(getattr(request, "id", "") or current_request_id(), "request_id"),
        )
        with transaction.atomic():
            event.save(force_insert=True)
        return event
    except Exception:
        logger.exception("Could not record a refused request (%s, status %s)", kind, status)
        return None


def count_not_found(day: dt.date | None = None) -> None:
    """Add one to the day's count of pages not found. Never raises."""
    day = day or timezone.localdate()
    try:
        with transaction.atomic():
            if NotFoundDay.objects.filter(day=day).update(count=F("count") + 1):
                return
            try:
                with transaction.atomic():
                    NotFoundDay.objects.create(day=day, count=1)
            except IntegrityError:
                # Another request made the day's row first: add to it instead.
                if not NotFoundDay.objects.filter(day=day).update(count=F("count") + 1):
                    raise
    except Exception:
        logger.exception("Could not count a page not found")


def apply_retention(days: int | None = None) -> tuple[int, int]:
    """Delete refusals and daily counts older than ``days`` (IMROC_SECURITY_RETENTION_DAYS).

    Returns (refusals deleted, daily counts deleted).
    """
    days = days if days is not None else settings.IMROC_SECURITY_RETENTION_DAYS
    cutoff = timezone.now() - dt.timedelta(days=days)
    events = SecurityEvent.objects.filter(occurred_at__lt=cutoff).delete()[0]
    counts = NotFoundDay.objects.filter(day__lt=timezone.localdate(cutoff)).delete()[0]
    return events, counts


# --- Reading: what the security page shows ----------------------------------------------------

# The repeated-refusals check reads at most this many of the latest refusals, so a flood
# cannot make the page slow; the page says so when it stopped there.
SCAN_LIMIT = 20_000
# At most this many people and this many addresses are checked for bursts.
CANDIDATE_LIMIT = 500


def kind_label(kind: str) -> str:
    labels = dict(Kind.choices)
    return str(labels.get(kind, kind))


def _kind_action(kind: str) -> str:
    """What someone did, to follow "Someone signed in as X ..." in a sentence."""
    return {
        Kind.CROSS_SITE: _("asked for another site's pages"),
        Kind.FORBIDDEN: _("asked for pages their role does not allow"),
        Kind.API_REFUSED: _("had API calls refused"),
        Kind.RATE_LIMITED: _("was stopped for trying too often"),
    }.get(kind, _("was refused"))


def duration_text(seconds: float) -> str:
    if seconds < 60:
        return _("under a minute")
    minutes = math.ceil(seconds / 60)
    return ngettext("%(minutes)d minute", "%(minutes)d minutes", minutes) % {"minutes": minutes}


@dataclass
class Burst:
    """One person (or address) refused many times in a short while."""

    username: str
    address: str | None
    signed_in: bool
    first: dt.datetime
    last: dt.datetime
    count: int
    kinds: Counter = field(default_factory=Counter)
    routes: Counter = field(default_factory=Counter)
    addresses: set = field(default_factory=set)
    tokens: set = field(default_factory=set)

    @property
    def who(self) -> str:
        if self.signed_in:
            return self.username
        return self.address or _("an unknown address")

    @property
    def kind_list(self) -> list[tuple[str, int]]:
        return [(kind_label(k), n) for k, n in self.kinds.most_common()]

    @property
    def route_list(self) -> list[tuple[str, int]]:
        return [(r or _("(no page)"), n) for r, n in self.routes.most_common()]

    @property
    def summary(self) -> str:
        """The burst in one plain sentence."""
        if self.signed_in and self.tokens:
            who = _("Someone using an API token of %(name)s (token %(token)s)") % {
                "name": self.username,
                "token": ", ".join(sorted(self.tokens)),
            }
        elif self.signed_in:
            who = _("Someone signed in as %(name)s") % {"name": self.username}
        elif self.address:
            who = _("Someone not signed in, at the address %(address)s") % {"address": self.address}
        else:
            who = _("Someone not signed in, at an unknown address")
        values = {
            "who": who,
            "count": self.count,
            "duration": duration_text((self.last - self.first).total_seconds()),
        }
        if len(self.kinds) == 1:
            (kind,) = self.kinds
            values["what"] = _kind_action(kind)
            return (
                ngettext(
                    "%(who)s %(what)s %(count)d time in %(duration)s.",
                    "%(who)s %(what)s %(count)d times in %(duration)s.",
                    self.count,
                )
                % values
            )
        values["kinds"] = ", ".join(f"{label} {n}" for label, n in self.kind_list)
        sentence = (
            ngettext(
                "%(who)s was refused %(count)d time in %(duration)s: %(kinds)s.",
                "%(who)s was refused %(count)d times in %(duration)s: %(kinds)s.",
                self.count,
            )
            % values
        )
        return sentence


@dataclass
class BurstReport:
    bursts: list[Burst]
    since: dt.datetime
    count: int
    minutes: int
    truncated: bool


def _spans(times: list[dt.datetime], count: int, window: dt.timedelta) -> list[tuple[int, int]]:
    """Index ranges (first, last) of ``times`` (sorted) where at least ``count`` fall within
    ``window`` of each other; overlapping ranges are joined into one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for end, moment in enumerate(times):
        while moment - times[start] > window:
            start += 1
        if end - start + 1 >= count:
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans


def repeated_refusals(
    *, days: int = 7, count: int | None = None, minutes: int | None = None
) -> BurstReport:
    """Everyone refused at least ``count`` times within ``minutes`` in the last ``days`` days.

    Three queries however many refusals there are: who was refused at least ``count`` times
    at all (signed-in people, then addresses of people not signed in), then those people's
    refusals, oldest first, checked with a sliding window.
    """
    count = max(1, count or settings.IMROC_SECURITY_ALERT_COUNT)
    minutes = max(1, minutes or settings.IMROC_SECURITY_ALERT_MINUTES)
    since = timezone.now() - dt.timedelta(days=days)
    recent = SecurityEvent.objects.filter(occurred_at__gte=since)
    users = list(
        recent.filter(user__isnull=False)
        .values("user_id")
        .annotate(n=Count("id"))
        .filter(n__gte=count)
        .order_by("-n")
        .values_list("user_id", flat=True)[:CANDIDATE_LIMIT]
    )
    addresses = list(
        recent.filter(user__isnull=True)
        .values("address")
        .annotate(n=Count("id"))
        .filter(n__gte=count)
        .order_by("-n")
        .values_list("address", flat=True)[:CANDIDATE_LIMIT]
    )
    report = BurstReport([], since, count, minutes, truncated=False)
    if not users and not addresses:
        return report
    anonymous = Q(address__in=[a for a in addresses if a is not None])
    if None in addresses:
        anonymous |= Q(address__isnull=True)
    rows = list(
        recent.filter(Q(user_id__in=users) | (Q(user__isnull=True) & anonymous))
        .order_by("-occurred_at", "-id")
        .values_list("occurred_at", "user_id", "username", "address", "token", "kind", "route")[
            : SCAN_LIMIT + 1
        ]
    )
    report.truncated = len(rows) > SCAN_LIMIT
    rows = rows[:SCAN_LIMIT]
    rows.reverse()
    groups: dict[tuple, list[tuple]] = {}
    for row in rows:
        _when, user_id, username, address = row[:4]
        key = ("user", user_id) if user_id else ("address", username, address)
        groups.setdefault(key, []).append(row)
    window = dt.timedelta(minutes=minutes)
    for events in groups.values():
        times = [event[0] for event in events]
        for first, last in _spans(times, count, window):
            chosen = events[first : last + 1]
            latest = chosen[-1]
            report.bursts.append(
                Burst(
                    username=latest[2],
                    address=latest[3],
                    signed_in=bool(latest[2]),  # a removed account keeps its username
                    first=chosen[0][0],
                    last=latest[0],
                    count=len(chosen),
                    kinds=Counter(event[5] for event in chosen),
                    routes=Counter(event[6] for event in chosen),
                    addresses={event[3] for event in chosen if event[3]},
                    tokens={event[4] for event in chosen if event[4]},
                )
            )
    report.bursts.sort(key=lambda burst: burst.last, reverse=True)
    return report


def latest_refusals(kind: str = ""):
    """Refusals, newest first, of one kind or all."""
    events = SecurityEvent.objects.all()
    if kind:
        events = events.filter(kind=kind)
    return events.order_by("-occurred_at", "-id")


def not_found_days(days: int = 14) -> list[tuple[dt.date, int]]:
    """(day, pages not found) for each of the last ``days`` days, today first."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=days - 1)
    counts = dict(NotFoundDay.objects.filter(day__gte=start).values_list("day", "count"))
    return [
        (day, counts.get(day, 0)) for day in (today - dt.timedelta(days=n) for n in range(days))
    ]
