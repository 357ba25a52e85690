"""Ask people to prove it is still them before a sensitive action.

How to use it (other apps)
--------------------------
Put ``@requires_recent_auth()`` on a view that does something sensitive: an export of
personal data, creating an API token, changing someone's role. Place it *under* the access
decorator, so the access check (404 for another site, 403 for too low a role) comes first::

    from imroc.accounts.reauth import requires_recent_auth

    @site_view(SiteAccess.MANAGE)
    @requires_recent_auth()                       # default: signed in or re-checked in the last 15 minutes
    def export_people(request, site): ...

    @programme_view(ProgrammeAccess.ADMIN)
    @requires_recent_auth(max_age=timedelta(minutes=5))
    def change_role(request, membership): ...

If the person last typed their password (or a two-factor code) longer ago than ``max_age``,
they are sent to ``/accounts/reauth/?next=<this page>``. There they type their password again
(and a code from their authenticator app if they have one set up), and come straight back.

- GET requests come back to the same address, so a download link just works after the check.
- A POST cannot be replayed safely, so it is sent back to the page the form came from if that
  is on this site (the ``Referer``), else to the address it was posted to; the person submits
  the form again.
- ``next`` is only ever followed when it is a path on this site (``url_has_allowed_host_and_scheme``).
- Anonymous people are sent to the sign-in page, as usual.
- Only one branch is sensitive (a POST that grants a role, on a page that is otherwise just
  read)? Call ``check_recent_auth(request)`` in that branch instead; see its docstring.
- The access marker of the wrapped view (``imroc_access``) is kept, so the access walk test
  still sees it.

Session values (set by sign-in, by the re-authentication page and by the test fixtures):

- ``AUTH_AT``: when the person last proved who they are (seconds since the epoch).
- ``LOGIN_AT``: when this session signed in (the absolute timeout counts from here).
- ``VERIFIED``: true once two-factor authentication is done in this session (or not needed).

Too many wrong answers (see "Lockout" below): a wrong password or code on the page counts as a
failed sign-in for this person's username from this address, in django-axes' own store, so the
same limit (``AXES_FAILURE_LIMIT``) and pause (``AXES_COOLOFF_TIME``) apply as on the sign-in
page. When the limit is reached the session is signed out and the page answers 429; while the
pause lasts, every further try there is refused before the password is looked at.

Tests: the ``*_client`` fixtures in tests/conftest.py are freshly authenticated. To test the
redirect, make the session stale with ``make_stale(client)`` from this module.
"""

from __future__ import annotations

import functools
import time
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_credentials
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from imroc.core.middleware import SESSION_LAST_SEEN as LAST_SEEN
from imroc.core.middleware import SESSION_LOGIN_AT as LOGIN_AT

AUTH_AT = "imroc_auth_at"
VERIFIED = "imroc_2fa_verified"

DEFAULT_MAX_AGE = timedelta(minutes=15)


def stamp_login(session, *, verified: bool = False, now: float | None = None) -> None:
    """Record a fresh sign-in in ``session``: the reauth, idle and absolute clocks start now."""
    now = time.time() if now is None else now
    session[AUTH_AT] = now
    session[LOGIN_AT] = now
    session[LAST_SEEN] = now
    session[VERIFIED] = verified


def stamp_reauth(session, now: float | None = None) -> None:
    """Record that the person has just proved who they are again (password or two-factor)."""
    session[AUTH_AT] = time.time() if now is None else now


def authenticated_recently(request, max_age: timedelta = DEFAULT_MAX_AGE) -> bool:
    stamped = request.session.get(AUTH_AT)
    if not isinstance(stamped, (int, float)):
        return False
    age = time.time() - stamped
    return 0 <= age <= max_age.total_seconds()


def safe_next(request, candidate: str | None, default: str = "/") -> str:
    """``candidate`` if it is an address on this site, else ``default``."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _return_to(request) -> str:
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path


def reauth_url(next_path: str) -> str:
    return f"{reverse('accounts:reauth')}?{urlencode({'next': next_path})}"


def check_recent_auth(request, max_age: timedelta = DEFAULT_MAX_AGE):
    """For one branch of a view (say, only the POST that grants a role): ``None`` if the person
    proved who they are recently enough, else the redirect to return::

        if (needed := check_recent_auth(request)) is not None:
            return needed
    """
    if not authenticated_recently(request, max_age):
        return redirect(reauth_url(_return_to(request)))
    return None


def requires_recent_auth(max_age: timedelta = DEFAULT_MAX_AGE):
    """View decorator: the person must have proved who they are within ``max_age``.

    See the module docstring for where to put it and what happens.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not authenticated_recently(request, max_age):
                return redirect(reauth_url(_return_to(request)))
            return view(request, *args, **kwargs)

        wrapper.imroc_requires_recent_auth = max_age
        return wrapper

    return decorator


# --- Lockout: wrong answers here count with sign-in's (django-axes) --------------------------
#
# Someone holding a stolen session must not be able to guess the password here without limit.
# Rather than keep counters of our own, each wrong password or code is reported through Django's
# ``user_login_failed`` signal, which django-axes listens to, with the signed-in person's
# username: axes counts it for that username and this address (AXES_LOCKOUT_PARAMETERS), in
# the same store as the sign-in page's failures. So failures on both pages add up, and a
# lockout from either applies to both. The username always comes from the session, never from
# the form, so a crafted POST cannot spread its failures over other names.
#
# axes counts per address, so the session keeps a count of its own too: a stolen session
# tried from many addresses is still signed out at the limit.

SESSION_FAILURES = "imroc_reauth_failures"


def _axes_on() -> bool:
    return getattr(settings, "AXES_ENABLED", True)


def _credentials(user) -> dict:
    return get_credentials(user.get_username())


def reauth_locked_out(request, user) -> bool:
    """Whether ``user`` is locked out from this address now. Call it before checking anything
    the person typed, so that a locked-out session learns nothing about the password."""
    if not _axes_on():
        return False
    return not AxesProxyHandler.is_allowed(request, _credentials(user))


def count_reauth_failure(request, user) -> bool:
    """Report a wrong password or code to django-axes, and count it in this session.
    True if either reached the limit."""
    if not _axes_on():
        return False
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    in_session = request.session.get(SESSION_FAILURES, 0) + 1
    request.session[SESSION_FAILURES] = in_session
    limit = getattr(settings, "AXES_FAILURE_LIMIT", 5)
    return bool(getattr(request, "axes_locked_out", False)) or in_session >= limit


def reauth_failures(request, user) -> int:
    """How many recent failures axes holds for this person from this address."""
    if not _axes_on():
        return 0
    return AxesProxyHandler.get_failures(request, _credentials(user))


def reset_reauth_failures(request, user) -> None:
    """After a right answer: forget this person's failures from this address, as a successful
    sign-in does (AXES_RESET_ON_SUCCESS). Unlike a sign-in it starts no session clocks."""
    request.session.pop(SESSION_FAILURES, None)
    if not (_axes_on() and getattr(settings, "AXES_RESET_ON_SUCCESS", False)):
        return
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.reset_attempts(
        ip_address=request.axes_ip_address, username=user.get_username()
    )


def lockout_minutes(request) -> int:
    """The pause after too many failures, in whole minutes (AXES_COOLOFF_TIME)."""
    cool_off = get_cool_off(request)
    return round(cool_off.total_seconds() / 60) if cool_off else 15


def make_stale(client, by: timedelta = timedelta(hours=1)) -> None:
    """For tests: move a test client's last authentication ``by`` into the past."""
    session = client.session
    session[AUTH_AT] = time.time() - by.total_seconds()
    session.save()
