"""Choosing the interface language: a button on every page, remembered for each person.

Someone who is signed in keeps their choice on their account, so it follows them to any
device; anyone else keeps it in a cookie. Without a choice, the browser's language decides.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from imroc.accounts import services
from imroc.core.access import public_view

CODES = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """Use a signed-in person's chosen language. Goes after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None else ""
        if chosen in CODES and chosen != request.LANGUAGE_CODE:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)


@public_view
@require_POST
def choose_language(request):
    """Switch language and go back to the page the person was on."""
    code = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    if code not in CODES:
        # An unknown code changes nothing; the page the person was on shows again.
        return HttpResponseRedirect(target)
    translation.activate(code)
    if request.user.is_authenticated and request.user.language != code:
        services.set_language(request.user, code, actor=request.user)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 60 * 60,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response
