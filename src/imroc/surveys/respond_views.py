"""The respondent's side: one-time links at /r/<token>/ and kiosks at /r/kiosk/<token>/.

No sign-in. Pages show only the questionnaire and the answers saved on this one link; they
are never cached. A forged, used, cancelled or expired link opens nothing (404) and says why.
"""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from imroc.core.access import public_view
from imroc.surveys import queries, services, tokens
from imroc.surveys.forms import AnswerForm
from imroc.surveys.translation import shown

NOT_FOUND = _("This link does not work. It may have been copied wrongly: check it against the one you were given.")  # fmt: skip


def _closed(request, message: str, site=None):
    return render(request, "surveys/respond/closed.html", {"message": message, "site_name": site.name if site else ""}, status=404)  # fmt: skip


def _private(view):
    marked = public_view(never_cache(view))
    marked.imroc_private_link = True
    return marked


@_private
@require_http_methods(["GET", "POST"])
def respond(request, link_token):
    public_id = tokens.read(tokens.LINK, link_token)
    link = queries.link_by_id(public_id) if public_id else None
    if link is None:
        return _closed(request, NOT_FOUND)
    problem = services.link_problem(link)
    if problem:
        return _closed(request, problem, link.site)
    version = link.version
    display = shown(version)  # in the active language, falling back to the version's own
    with timezone.override(link.site.organisation.time_zone):
        form = AnswerForm(display.definition, request.POST if request.method == "POST" else None, answers=link.draft)  # fmt: skip
        saved = False
        if request.method == "POST":
            raw = form.raw()
            try:
                if request.POST.get("action") == "save":
                    checked = services.save_link_draft(link, raw)
                    form.show(checked)
                    saved = True
                else:
                    services.submit_link(link, raw, language=translation.get_language() or "")
                    return render(request, "surveys/respond/thanks.html", {"version": version, "shown": display, "site_name": link.site.name})  # fmt: skip
            except services.LinkClosed as closed:
                return _closed(request, str(closed), link.site)
            except services.AnswerError as error:
                form.show(error.checked)
        return render(request, "surveys/respond/form.html", {
            "version": version, "shown": display, "form": form, "site_name": link.site.name, "expires_at": link.expires_at,
            "saved": saved, "can_save": True,
        })  # fmt: skip


@_private
@require_http_methods(["GET", "POST"])
def kiosk(request, kiosk_token):
    public_id = tokens.read(tokens.KIOSK, kiosk_token)
    session = queries.kiosk_by_id(public_id) if public_id else None
    if session is None:
        return _closed(request, NOT_FOUND)
    problem = services.kiosk_problem(session)
    if problem:
        return _closed(request, problem, session.site)
    version = session.version
    display = shown(version)
    form = AnswerForm(display.definition, request.POST if request.method == "POST" else None, kiosk=True)  # fmt: skip
    if request.method == "POST":
        try:
            services.submit_kiosk(session, form.raw(), language=translation.get_language() or "")
        except services.LinkClosed as closed:
            return _closed(request, str(closed), session.site)
        except services.AnswerError as error:
            form.show(error.checked)
        else:
            # A new page with a blank form: the last person's answers are gone from this device.
            return redirect(request.path + "?sent=1")
    return render(request, "surveys/respond/form.html", {
        "version": version, "shown": display, "form": form, "site_name": session.site.name, "kiosk": session,
        "sent": request.GET.get("sent") == "1" and request.method == "GET",
    })  # fmt: skip
