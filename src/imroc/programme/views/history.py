"""The audit history of a site and of each of its objects, for site leads."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from imroc.core import audit
from imroc.programme.access import SiteAccess, site_view

PAGE_SIZE = 50


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def _changes(event) -> list[tuple[str, object, object]]:
    """(field, before, after) for each value the event recorded."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    keys = list(before) + [k for k in after if k not in before]
    return [(k, before.get(k, ""), after.get(k, "")) for k in keys]


def _page(request, events):
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.changes = _changes(event)
    return page


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@site_view(SiteAccess.MANAGE)
@require_GET
def site_history(request):
    site = request.site
    events = audit.site_events(site)
    filters = {
        "action": request.GET.get("action", "").strip()[:80],
        "object_type": request.GET.get("object_type", "").strip()[:80],
        "actor": request.GET.get("actor", "").strip()[:150],
        "from": request.GET.get("from", "").strip()[:10],
        "to": request.GET.get("to", "").strip()[:10],
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
            "object_types": audit.site_object_types(site),
            "query": _query_without_page(request),
        },
    )


@site_view(SiteAccess.MANAGE)
@require_GET
def object_history(request, object_type, object_id):
    site = request.site
    events = audit.site_events(site, object_type=object_type[:80], object_id=object_id[:64])
    page = _page(request, events)
    if not page.object_list:
        # Nothing of this site's: another site's object (or none at all) is not found.
        raise Http404("No history for that object at this site")
    return render(
        request,
        "programme/history.html",
        {
            "site": site,
            "page": page,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": page.object_list[0].object_repr,
            "query": _query_without_page(request),
        },
    )
