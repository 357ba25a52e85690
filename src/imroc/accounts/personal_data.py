"""One rule for views that hold personal data: never cached, and downloads ask for the password.

How to use it (other apps)
--------------------------
Put ``@personal_data()`` on a page that shows people's details, and
``@personal_data(download=True)`` on a view that only hands out a file of them. Place it
*under* the access decorator, so the access check (404 for another site, 403 for too low a
role) comes first, and above ``require_http_methods`` so every answer is covered::

    from imroc.accounts.personal_data import personal_data

    @site_view(LEARNER_ACCESS)
    @personal_data()                  # the page, and its ?format=csv|xlsx download
    def learners(request): ...

    @site_view(SiteAccess.EDIT)
    @personal_data(download=True)     # every request is a download
    def responses_fhir(request, instrument): ...

What it does
------------
- Every answer of the view says ``Cache-Control: no-store, private`` (Django's
  ``add_never_cache_headers``), so neither the browser nor a proxy keeps a copy.
- A download (a ``download=True`` view, or a page asked for ``?format=``, which is how
  ``tables.export`` lists are downloaded) needs a recent password check, exactly as
  ``requires_recent_auth`` asks (same 15 minutes): a stale session goes to
  ``/accounts/reauth/`` and comes straight back to the download. Opening the page itself
  asks for nothing more, so it stays quick.
- A download that is handed out (a 2xx answer sent as an attachment) is in the audit log
  once. Most downloads already write their own event (``exports.list`` from
  ``tables.export``, ``exports.site``, ``exported.learner``, ``survey.responses.export``,
  ``resource.download``...); for one that does not, this writes
  ``exported.<app>.<view>`` with ``audit.record_access``. Opening a page writes nothing.
- The view keeps its access marker (``imroc_access``) and gains ``imroc_personal_data``
  (``"page"`` or ``"download"``): tests/test_personal_data_walk.py walks every route and
  checks that marked views do all of the above.

Which views hold personal data
------------------------------
Pages and files that tell you about a person: names with contact details, answers,
attendance, roles, lived experience, learning plans, questionnaire respondents' codes, the
audit history (who did what), registers, and the board report. A staff member named only as
the owner of a piece of work (a measure's owner) is not enough on its own.

Pages a learner or respondent opens with a private link (``public_college_view(private=True)``,
the questionnaire links under ``/r/``) are not marked: those people have no password. They are
``never_cache`` already, and the walk checks that they send ``no-store``.
"""

from __future__ import annotations

import functools
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers

from imroc.accounts.reauth import DEFAULT_MAX_AGE, check_recent_auth
from imroc.core import audit, tables
from imroc.core.middleware import current_request_id
from imroc.core.models import AuditEvent

PAGE = "page"
DOWNLOAD = "download"


def is_download_request(request, download: bool) -> bool:
    """A request for a file of people's details rather than a page about them."""
    return download or tables.wants_export(request)


def _handed_out(response) -> bool:
    disposition = response.get("Content-Disposition", "")
    return 200 <= response.status_code < 300 and disposition.lower().startswith("attachment")


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _what(request, view) -> str:
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match and match.url_name else f"{view.__module__}.{view.__name__}"
    return name.replace(":", ".")


def _record_once(request, view, since: int) -> None:
    """Log the download unless the view already wrote an event for this request."""
    request_id = current_request_id()
    if request_id and AuditEvent.objects.filter(pk__gt=since, request_id=request_id).exists():
        return
    audit.record_access(
        request.user,
        _what(request, view),
        site=getattr(request, "site", None),
        exported=True,
        details={"path": request.path, "format": request.GET.get(tables.FORMAT_PARAM, "")},
    )


def _step_up(request, max_age: timedelta):
    """The redirect to sign in or to type the password again, or None if this person may go on."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    return check_recent_auth(request, max_age)


def personal_data(download: bool = False, max_age: timedelta = DEFAULT_MAX_AGE):
    """View decorator: see the module docstring."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not is_download_request(request, download):
                response = view(request, *args, **kwargs)
            elif (response := _step_up(request, max_age)) is None:
                since = _last_event_id()
                response = view(request, *args, **kwargs)
                if _handed_out(response):
                    _record_once(request, view, since)
            add_never_cache_headers(response)
            return response

        wrapper.imroc_personal_data = DOWNLOAD if download else PAGE
        return wrapper

    return decorator
