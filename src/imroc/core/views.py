"""Site-independent views: health check and friendly error pages."""

from __future__ import annotations

import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from imroc.core import help
from imroc.core.access import found_or_404, public_view

logger = logging.getLogger(__name__)
COMPACT = {"separators": (",", ":")}


@public_view
@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: database did not answer")
        return JsonResponse(
            {"status": "error", "database": "error"}, status=503, json_dumps_params=COMPACT
        )
    return JsonResponse({"status": "ok", "database": "ok"}, json_dumps_params=COMPACT)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def server_error(request):
    # Rendered without a request context: the error may have come from the context itself.
    return render(None, "500.html", status=500)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


@public_view
@require_GET
def help_index(request):
    language = help.current_language()
    guides = [
        {"slug": g.slug, "title": g.title(language), "summary": g.summary(language)}
        for g in help.GUIDES
    ]
    return render(request, "core/help/index.html", {"guides": guides})


@public_view
@require_GET
def help_guide(request, guide: str):
    found = found_or_404(help.BY_SLUG.get(guide), "guide")
    language = help.current_language()
    body = help.guide_template(found, language)
    others = [
        {"slug": g.slug, "title": g.title(language)} for g in help.GUIDES if g.slug != found.slug
    ]
    return render(
        request,
        "core/help/guide.html",
        {"title": found.title(language), "body": body.template.name, "others": others},
    )


@public_view
@require_GET
def accessibility(request):
    return render(request, "core/accessibility.html")
