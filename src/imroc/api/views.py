"""Pages for personal API tokens: list, create (the secret is shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from imroc.accounts.reauth import requires_recent_auth
from imroc.api import services
from imroc.api.forms import TokenForm
from imroc.core.services import ServiceError
from imroc.programme.access import signed_in_view


@signed_in_view
@never_cache
def token_list(request):
    tokens = services.tokens_of(request.user)
    return render(request, "api/tokens.html", {"tokens": tokens})


@signed_in_view
@requires_recent_auth()
@never_cache
@require_http_methods(["GET", "POST"])
def token_create(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.create_token(
                request.user, actor=request.user, name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"], expires_at=form.expires_at(),
            )  # fmt: skip
        except ServiceError as error:
            error.show_on(form)
        else:
            return render(request, "api/token_created.html", {"token": token, "secret": raw})
    return render(request, "api/token_form.html", {"form": form})


@signed_in_view
@require_POST
def token_revoke(request):
    token = (
        services.tokens_of(request.user).filter(public_id=_uuid(request.POST.get("token"))).first()
    )
    if token is None:
        raise Http404("No such token")
    services.revoke_token(token, actor=request.user)
    messages.success(
        request, gettext("Revoked “%(name)s”. It no longer works.") % {"name": token.name}
    )
    return redirect("api_tokens:list")


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
