"""The audit history of a site and of each of its objects, for site leads.

Events are shown in words (``imroc.core.audit_labels``). One object's history leaves out the
events that only put a list in another order; the site's history keeps every event and says
so. Labelling is in memory: a page costs the same few queries however many events it shows.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from imroc.accounts.personal_data import personal_data
from imroc.core import audit, audit_labels
from imroc.programme.access import SiteAccess, site_view

PAGE_SIZE = 50
# Dates outside these years are typing mistakes (and a day after 9999-12-31 cannot exist).
FIRST_YEAR, LAST_YEAR = 1900, 2200


def _typed(request, name: str, limit: int) -> str:
    """A filter as typed, without NUL characters (no database can search for them)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def _page(request, events):
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        audit_labels.describe(event)
    return page


def _only_reordered_ids(events) -> list[int]:
    """The events that only put a list in another order (one query, over one object's events
    that recorded a before)."""
    return [
        pk
        for pk, before, after in events.filter(before__isnull=False).values_list(
            "pk", "before", "after"
        )
        if audit_labels.only_reordered(before, after)
    ]


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@site_view(SiteAccess.MANAGE)
@personal_data()
@require_GET
def site_history(request):
    site = request.site
    events = audit.site_events(site)
    filters = {
        "action": _typed(request, "action", 80),
        "object_type": _typed(request, "object_type", 80),
        "actor": _typed(request, "actor", 150),
        "from": _typed(request, "from", 10),
        "to": _typed(request, "to", 10),
    }
    errors = {}
    if filters["action"]:
        events = events.filter(action__startswith=filters["action"])
    if filters["object_type"]:
        events = events.filter(object_type=filters["object_type"])
    if filters["actor"]:
        events = events.filter(actor_label__icontains=filters["actor"])
    for name, lookup in (("from", "gte"), ("to", "lt")):
        if not filters[name]:
            continue
        day = _day(filters[name])
        if day is None:
            errors[name] = _("Enter a date like 2024-03-01.")
            continue
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            errors[name] = _("Enter a date between the years %(first)d and %(last)d.") % {
                "first": FIRST_YEAR,
                "last": LAST_YEAR,
            }
            continue
        if name == "to":
            day += dt.timedelta(days=1)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        events = events.filter(**{f"occurred_at__{lookup}": start})
    return render(
        request,
        "programme/history.html",
        {
            "site": site,
            "page": _page(request, events),
            "filters": filters,
            "errors": errors,
            "object_types": audit_labels.kind_choices(audit.site_object_types(site)),
            "query": _query_without_page(request),
        },
    )


@site_view(SiteAccess.MANAGE)
@personal_data()
@require_GET
def object_history(request, object_type, object_id):
    site = request.site
    events = audit.site_events(site, object_type=object_type[:80], object_id=object_id[:64])
    latest = events.first()
    if latest is None:
        # Nothing of this site's: another site's object (or none at all) is not found.
        raise Http404("No history for that object at this site")
    hidden = _only_reordered_ids(events)
    page = _page(request, events.exclude(pk__in=hidden) if hidden else events)
    return render(
        request,
        "programme/history.html",
        {
            "site": site,
            "page": page,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": audit_labels.record_label(
                latest.object_type, latest.object_repr, latest.object_id
            ),
            "kind": audit_labels.kind_label(latest.object_type),
            "query": _query_without_page(request),
        },
    )
