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
