"""Request ids, session timeouts and the Permissions-Policy header."""

from __future__ import annotations

import contextvars
import time
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("imroc_request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = str(uuid.uuid4())
        token = _request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


# --- Session timeouts -------------------------------------------------------------------------
# Session values shared with imroc.accounts (which stamps them at sign-in); seconds since epoch.
SESSION_LOGIN_AT = "imroc_login_at"
SESSION_LAST_SEEN = "imroc_last_seen"
# The last-seen time is saved at most this often, so a busy page does not write the session
# on every request; the idle timeout is exact to within this many seconds.
LAST_SEEN_GRANULARITY = 60


def idle_message(minutes: int) -> str:
    from django.utils.translation import ngettext

    return ngettext(
        "You were signed out because you had not used imroc for %(minutes)d minute. "
        "Sign in again to carry on.",
        "You were signed out because you had not used imroc for %(minutes)d minutes. "
        "Sign in again to carry on.",
        minutes,
    ) % {"minutes": minutes}


def absolute_message(hours: int) -> str:
    from django.utils.translation import ngettext

    return ngettext(
        "You were signed out because you signed in more than %(hours)d hour ago. "
        "Sign in again to carry on.",
        "You were signed out because you signed in more than %(hours)d hours ago. "
        "Sign in again to carry on.",
        hours,
    ) % {"hours": hours}


class SessionTimeoutMiddleware:
    """Sign people out after 30 minutes without a request, and 12 hours after signing in.

    Both limits are settings (IMROC_SESSION_IDLE_SECONDS, IMROC_SESSION_ABSOLUTE_SECONDS).
    On expiry the person is signed out and sent to the sign-in page with a plain message,
    and back to the page they asked for once they sign in again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._expired(request)
            if expired:
                return self._sign_out(request, expired)
        return self.get_response(request)

    @staticmethod
    def _expired(request) -> str:
        from django.conf import settings

        session = request.session
        now = time.time()
        login_at = session.get(SESSION_LOGIN_AT)
        last_seen = session.get(SESSION_LAST_SEEN)
        if not isinstance(login_at, (int, float)):
            # A session from before these clocks existed: start them now.
            session[SESSION_LOGIN_AT] = session[SESSION_LAST_SEEN] = now
            return ""
        if not isinstance(last_seen, (int, float)):
            last_seen = login_at
        if now - login_at > settings.IMROC_SESSION_ABSOLUTE_SECONDS:
            return absolute_message(settings.IMROC_SESSION_ABSOLUTE_SECONDS // 3600)
        if now - last_seen > settings.IMROC_SESSION_IDLE_SECONDS:
            return idle_message(settings.IMROC_SESSION_IDLE_SECONDS // 60)
        if now - last_seen >= getattr(
            settings, "IMROC_SESSION_ACTIVITY_SECONDS", LAST_SEEN_GRANULARITY
        ):
            session[SESSION_LAST_SEEN] = now
        return ""

    @staticmethod
    def _sign_out(request, message: str):
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login

        logout(request)
        messages.info(request, message)
        if request.method in ("GET", "HEAD"):
            return redirect_to_login(request.get_full_path())
        return redirect_to_login("/")


class PermissionsPolicyMiddleware:
    """Add the Permissions-Policy header: switch off browser features imroc never uses."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.policy = getattr(settings, "IMROC_PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.policy
        return response


# --- Refused requests -------------------------------------------------------------------------


def denial_kind(request, status: int) -> str:
    """The kind of security event a refused answer is, or "" for one that is not."""
    from imroc.core.models import SecurityEvent

    kind = SecurityEvent.Kind
    marked = getattr(request, "imroc_denied", "")
    if marked:  # a view said what it refused: site_view, for another site's pages
        return marked
    if status in (401, 403) and request.path_info.startswith("/api/"):
        return kind.API_REFUSED
    if status == 403:
        return kind.FORBIDDEN
    if status == 429:
        return kind.RATE_LIMITED
    return ""


class SecurityEventMiddleware:
    """Write down refused requests, after the view has answered (``imroc.core.security``).

    Another site's pages (``site_view`` marks the request), any 403, an API call answered
    401 or 403, and 429 (too many tries) each become one ``SecurityEvent``: one insert. Any
    other 404 only adds one to the day's count of pages not found, and answers below 400
    cost nothing at all. Nothing here can change the answer: failures are logged, not raised.
    """

    def __init__(self, get_response):
        from django.middleware.common import CommonMiddleware

        self.get_response = get_response
        # Asked only whether a 404 is about to become a redirect to the address with a slash.
        self._common = CommonMiddleware(get_response)

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code >= 400:
            self._note(request, response.status_code)
        return response

    def _note(self, request, status: int) -> None:
        import logging

        from imroc.core import security

        try:
            kind = denial_kind(request, status)
            if kind:
                security.record_denial(request, kind, status=status)
            elif status == 404 and not self._common.should_redirect_with_slash(request):
                security.count_not_found()
        except Exception:
            logging.getLogger("imroc.security").exception("Could not note a refused request")
