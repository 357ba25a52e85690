"""The security page: refused requests, for programme admins (docs/security.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from imroc.accounts.personal_data import personal_data
from imroc.core import security, tables
from imroc.core.models import SecurityEvent
from imroc.core.tables import Table, col
from imroc.programme.access import ProgrammeAccess, programme_view

PAGE_SIZE = 50
NOT_FOUND_DAYS = 14
BURST_DAYS = 7


def refusals_table(events) -> Table:
    return Table(
        "Refused requests",
        [
            col("When", "occurred_at"),
            col("Kind", "get_kind_display"),
            col("Username", "username"),
            col("API token", "token"),
            col("Method", "method"),
            col("Page", "route"),
            col("Address asked for", "path"),
            col("Answer", "status"),
            col("Client address", "address"),
            col("Detail", "detail"),
            col("Request id", "request_id"),
        ],
        events,
        name="refused-requests",
    )


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@programme_view(ProgrammeAccess.ADMIN)
@personal_data()
@require_GET
def security_page(request):
    kind = request.GET.get("kind", "").strip()[:40]
    errors = {}
    if kind and kind not in SecurityEvent.Kind.values:
        errors["kind"] = _("Choose one of the kinds in the list. Showing every kind.")
        kind = ""
    events = security.latest_refusals(kind)
    if tables.wants_export(request):
        return tables.export(request, refusals_table(events))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    report = security.repeated_refusals(days=BURST_DAYS)
    not_found = security.not_found_days(NOT_FOUND_DAYS)
    return render(
        request,
        "programme/security.html",
        {
            "report": report,
            "page": page,
            "kind": kind,
            "kinds": SecurityEvent.Kind.choices,
            "errors": errors,
            "query": _query_without_page(request),
            "not_found": not_found,
            "not_found_total": sum(n for _day, n in not_found),
            "not_found_days": NOT_FOUND_DAYS,
            "burst_days": BURST_DAYS,
            "retention_days": settings.IMROC_SECURITY_RETENTION_DAYS,
            "security_contact": settings.IMROC_SECURITY_CONTACT,
        },
    )
