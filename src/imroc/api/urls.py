"""/api/v1/: the REST API (django-ninja), its schema at openapi.json and docs at docs.

Every answer that is an error is a problem document, including the ones Django or ninja would
give as HTML or plain text: an unknown address (404) and a method a route does not have (405).
"""

from __future__ import annotations

import functools

from django.urls import re_path
from django.utils import translation

from imroc.api.api import api
from imroc.api.core import PROBLEM_CONTENT_TYPE, problem

# Bulk uploads may be larger than the site-wide request limit (DATA_UPLOAD_MAX_MEMORY_SIZE).
BULK_MAX_BYTES = 64 * 1024 * 1024


def _allow_large_body(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not hasattr(request, "_body"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > BULK_MAX_BYTES:
                return problem(
                    request, 413, f"Send at most {BULK_MAX_BYTES // (1024 * 1024)} MB at once."
                )
            request._body = request.read(length) if length else b""
        return view(request, *args, **kwargs)

    return wrapper


def _problem_for_405(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != PROBLEM_CONTENT_TYPE:
            allowed = response.get("Allow", "")
            return problem(
                request, 405, f"This address does not accept {request.method}. Use: {allowed}.",
                Allow=allowed,
            )  # fmt: skip
        return response

    return wrapper


def _in_english(view):
    """API answers (problem details included) are for developers: always English."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with translation.override("en-gb"):
            return view(request, *args, **kwargs)

    return wrapper


def not_found(request, rest: str = ""):
    return problem(request, 404, "There is no such API address. See /api/v1/docs.")


patterns, _, _ = api.urls
for entry in patterns:
    if str(entry.pattern).endswith("bulk"):
        entry.callback = _allow_large_body(entry.callback)
    entry.callback = _in_english(_problem_for_405(entry.callback))

app_name = "api"
urlpatterns = [*patterns, re_path(r"^(?P<rest>.*)$", not_found, name="not_found")]
