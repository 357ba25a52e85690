"""Send people who must use two-factor authentication to set it up or enter a code."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from imroc.accounts import reauth, twofactor

# Pages a person can open before finishing two-factor authentication.
EXEMPT_PREFIXES = (
    "/static/",
    "/healthz",
    "/accessibility/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/accounts/password-reset/",
    "/accounts/invitation/",
)


class TwoFactorMiddleware:
    """Until a session has passed two-factor authentication, allow only the pages to do it.

    A person who has set up an authenticator app must always enter a code after their
    password. Programme admins and site leads must set one up first when IMROC_REQUIRE_2FA
    is on. Whether a session still needs this is worked out once, at sign-in, and kept in the
    session (``reauth.VERIFIED``), so ordinary requests cost no database query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            if reauth.VERIFIED not in session:  # a session from before this check existed
                session[reauth.VERIFIED] = not twofactor.needed_at_sign_in(user)
            if session[reauth.VERIFIED] is not True and self._guarded(request.path):
                target = (
                    "accounts:two_factor_verify"
                    if twofactor.has_authenticator(user)
                    else "accounts:two_factor_setup"
                )
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)

    @staticmethod
    def _guarded(path: str) -> bool:
        return not path.startswith(EXEMPT_PREFIXES) and path != "/favicon.ico"
