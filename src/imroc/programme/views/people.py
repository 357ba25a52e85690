"""People pages: who has a role at a site or in the programme, invitations, changes, endings.

Leads manage their site's people; programme admins manage programme roles and every site's
leads. Everyone with a role sees the list of names and roles; only those who manage people
see email addresses and invitations.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from imroc.accounts.personal_data import personal_data
from imroc.core import tables
from imroc.core.access import found_or_404
from imroc.core.form_views import handle_form
from imroc.core.services import ServiceError
from imroc.programme import queries
from imroc.programme.access import (
    ProgrammeAccess,
    SiteAccess,
    programme_view,
    public_view,
    site_view,
)
from imroc.programme.models import SiteRole
from imroc.programme.people_forms import (
    EndRoleForm,
    NewAccountForm,
    PeopleUploadForm,
    ProgrammeInviteForm,
    ProgrammeRoleChangeForm,
    SiteInviteForm,
    SiteLeadInviteForm,
    SiteRoleChangeForm,
)
from imroc.programme.services import people as services
from imroc.programme.tables import people_table

FORM_TEMPLATE = "programme/people/form.html"


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _with_actions(invitations, url_name: str, **kwargs) -> list:
    """Invitations, each with the addresses of its "send again" and "withdraw" buttons."""
    invitations = list(invitations)
    for invitation in invitations:
        ids = {**kwargs, "invitation": invitation.public_id}
        invitation.resend_url = reverse(f"{url_name}_resend", kwargs=ids)
        invitation.withdraw_url = reverse(f"{url_name}_withdraw", kwargs=ids)
    return invitations


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _site_people_url(request: HttpRequest) -> str:
    return reverse("sites:people", kwargs={"site": request.site.slug})


def _sent_page(request: HttpRequest, sent: services.Sent, back: str) -> HttpResponse:
    """The invitation's link, shown once to the person who sent it (for when email fails)."""
    response = render(
        request,
        "programme/people/sent.html",
        {"site": getattr(request, "site", None), "sent": sent, "back": back},
    )
    response["Cache-Control"] = "no-store"
    return response


def _form_page(request: HttpRequest, form, *, title, intro="", submit, back, **extra):
    return render(
        request,
        FORM_TEMPLATE,
        {
            "site": getattr(request, "site", None),
            "form": form,
            "title": title,
            "intro": intro,
            "submit": submit,
            "back": back,
            **extra,
        },
    )


def _invite_page(request: HttpRequest, form, *, back: str, title: str, intro: str = "", **fixed):
    """Send an invitation from a valid form, then show its link once; else show the form.

    `fixed` holds what the page decides rather than the form: the site, or the role.
    """
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, **fixed}
        try:
            sent = services.invite(
                data.pop("programme"), actor=request.user, base_url=_base_url(request), **data
            )
        except ServiceError as error:
            error.show_on(form)
        else:
            return _sent_page(request, sent, back)
    return _form_page(
        request, form, title=title, intro=intro, submit=_("Send the invitation"), back=back
    )


def _resend(request: HttpRequest, invitation, back: str) -> HttpResponse:
    try:
        sent = services.resend(invitation, actor=request.user, base_url=_base_url(request))
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(back)
    return _sent_page(request, sent, back)


def _withdraw(request: HttpRequest, invitation, back: str) -> HttpResponse:
    try:
        services.withdraw(invitation, actor=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Withdrew the invitation to %(name)s. Its link no longer works.")
            % {"name": invitation.name},
        )
    return redirect(back)


def _end_role_page(request: HttpRequest, membership, *, end, back: str, title: str, intro: str):
    """The form that ends a person's role (`end` is the service), then back to the list."""
    form = EndRoleForm(_data(request))
    response = handle_form(
        request,
        form,
        save=lambda form: end(membership, actor=request.user, **form.cleaned_data),
        done=lambda past: (
            _("%(name)s's role has ended. What they recorded keeps their name.")
            % {"name": past.user},
            back,
        ),
    )
    if response is not None:
        return response
    return _form_page(request, form, title=title, intro=intro, submit=_("End the role"), back=back)


# --- A site's people ------------------------------------------------------------------------


@site_view()
@personal_data()
def site_people(request: HttpRequest) -> HttpResponse:
    site = request.site
    manage = request.site_access >= SiteAccess.MANAGE
    people = list(queries.site_people(site))
    past = list(queries.site_past_roles(site))
    if tables.wants_export(request):
        return tables.export(request, people_table(site.name, people, past, emails=manage))
    own = next((m for m in people if m.user_id == request.user.pk), None)
    only_lead = own is not None and [m.role for m in people].count(SiteRole.LEAD) == 1
    can_leave = own is not None and not (own.role == SiteRole.LEAD and only_lead)
    return render(
        request,
        "programme/people/site_people.html",
        {
            "site": site,
            "people": people,
            "past": past,
            "invitations": _with_actions(
                queries.site_invitations(site) if manage else [],
                "sites:invitation",
                site=site.slug,
            ),
            "manage": manage,
            "can_leave": can_leave,
        },
    )


@never_cache
@site_view(SiteAccess.MANAGE)
@personal_data()
@require_http_methods(["GET", "POST"])
def site_person_invite(request: HttpRequest) -> HttpResponse:
    site = request.site
    return _invite_page(
        request,
        SiteInviteForm(_data(request)),
        programme=site.programme,
        site=site,
        back=_site_people_url(request),
        title=_("Invite someone to %(site)s") % {"site": site.name},
        intro=_(
            "They get an email with a link. When they open it they set a password, or sign "
            "in to the account they already have, and the role is theirs."
        ),
    )


@site_view(SiteAccess.MANAGE)
@personal_data()
@require_http_methods(["GET", "POST"])
def site_people_upload(request: HttpRequest) -> HttpResponse:
    site = request.site
    form = PeopleUploadForm(_data(request), request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.invite_many(
            site.programme,
            site=site,
            data=form.cleaned_data["file"].read(),
            actor=request.user,
            base_url=_base_url(request),
        )
        if not result.problems:
            messages.success(
                request,
                ngettext(
                    "Sent %(count)d invitation.", "Sent %(count)d invitations.", len(result.sent)
                )
                % {"count": len(result.sent)}
                if result.sent
                else _("Nobody new to invite: everyone in the file already has their role."),
            )
            for line, note in result.already_there:
                messages.info(request, _("Line %(line)d: %(note)s") % {"line": line, "note": note})
            return redirect(_site_people_url(request))
    return render(
        request,
        "programme/people/upload.html",
        {"site": site, "form": form, "result": result, "back": _site_people_url(request)},
    )


@never_cache
@site_view(SiteAccess.MANAGE)
@personal_data()
@require_POST
def site_invitation_resend(request: HttpRequest, invitation) -> HttpResponse:
    found = found_or_404(queries.site_invitation(request.site, invitation), "invitation")
    return _resend(request, found, _site_people_url(request))


@site_view(SiteAccess.MANAGE)
@personal_data()
@require_POST
def site_invitation_withdraw(request: HttpRequest, invitation) -> HttpResponse:
    found = found_or_404(queries.site_invitation(request.site, invitation), "invitation")
    return _withdraw(request, found, _site_people_url(request))


@site_view(SiteAccess.MANAGE)
@personal_data()
@require_http_methods(["GET", "POST"])
def site_person_change(request: HttpRequest, person) -> HttpResponse:
    membership = found_or_404(queries.site_person(request.site, person), "person")
    initial = {
        "role": membership.role,
        "stakeholder_group": membership.stakeholder_group,
        "version": membership.version,
    }
    form = SiteRoleChangeForm(_data(request), initial=initial)

    def save(form):
        return services.change_site_role(
            membership,
            role=form.cleaned_data["role"],
            stakeholder_group=form.cleaned_data["stakeholder_group"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"] or 0,
            actor=request.user,
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda changed: (
            _("Changed %(name)s's role.") % {"name": changed.user},
            _site_people_url(request),
        ),
        latest_version=lambda: getattr(queries.site_person(request.site, person), "version", None),
    )
    if response is not None:
        return response
    return _form_page(
        request,
        form,
        title=_("Change %(name)s's role") % {"name": membership.user},
        submit=_("Save the change"),
        back=_site_people_url(request),
    )


@site_view(SiteAccess.MANAGE)
@personal_data()
@require_http_methods(["GET", "POST"])
def site_person_end(request: HttpRequest, person) -> HttpResponse:
    membership = found_or_404(queries.site_person(request.site, person), "person")
    return _end_role_page(
        request,
        membership,
        end=services.end_site_role,
        back=_site_people_url(request),
        title=_("End %(name)s's role at %(site)s")
        % {"name": membership.user, "site": request.site.name},
        intro=_(
            "They will no longer be able to use this site. Their ratings, goals, cycles and "
            "other records stay, with their name. If this is their last role anywhere, their "
            "account is switched off."
        ),
    )


@site_view()
@personal_data()
@require_http_methods(["GET", "POST"])
def site_leave(request: HttpRequest) -> HttpResponse:
    """A person ends their own role at the site."""
    membership = found_or_404(queries.site_membership(request.site, request.user), "role")
    if request.method == "POST":
        try:
            services.leave_site(membership, actor=request.user)
        except ServiceError as error:
            messages.error(request, str(error))
            return redirect(_site_people_url(request))
        request.user.refresh_from_db()
        if not request.user.is_active:
            logout(request)
            messages.success(request, _("You have left. You have no other roles in imroc."))
            return redirect("accounts:login")
        messages.success(request, _("You have left %(site)s.") % {"site": request.site.name})
        return redirect("home")
    return render(
        request,
        "programme/people/leave.html",
        {"site": request.site, "membership": membership, "back": _site_people_url(request)},
    )


# --- The programme's people -----------------------------------------------------------------


def _programme_people_url() -> str:
    return reverse("programme:people")


@programme_view()
@personal_data()
def programme_people(request: HttpRequest) -> HttpResponse:
    programme = request.programme
    admin = request.programme_access >= ProgrammeAccess.ADMIN
    people = list(queries.programme_people(programme))
    past = list(queries.programme_past_roles(programme))
    if tables.wants_export(request):
        return tables.export(request, people_table(programme.name, people, past, emails=admin))
    return render(
        request,
        "programme/people/programme_people.html",
        {
            "programme": programme,
            "people": people,
            "past": past,
            "leads": list(queries.site_leads(programme)),
            "invitations": _with_actions(
                queries.programme_invitations(programme) if admin else [],
                "programme:invitation",
            ),
            "admin": admin,
            "active": "people",
        },
    )


@never_cache
@programme_view(ProgrammeAccess.ADMIN)
@personal_data()
@require_http_methods(["GET", "POST"])
def programme_person_invite(request: HttpRequest) -> HttpResponse:
    return _invite_page(
        request,
        ProgrammeInviteForm(_data(request)),
        programme=request.programme,
        site=None,
        back=_programme_people_url(),
        title=_("Invite someone to the programme team"),
    )


@never_cache
@programme_view(ProgrammeAccess.ADMIN)
@personal_data()
@require_http_methods(["GET", "POST"])
def programme_site_lead_invite(request: HttpRequest) -> HttpResponse:
    programme = request.programme
    return _invite_page(
        request,
        SiteLeadInviteForm(_data(request), sites=queries.programme_sites(programme)),
        programme=programme,
        role=SiteRole.LEAD,
        back=_programme_people_url(),
        title=_("Add a lead to a site"),
        intro=_(
            "For example when a site's only lead is leaving. The new lead gets an email "
            "with a link, and manages the site's people from then on."
        ),
    )


@never_cache
@programme_view(ProgrammeAccess.ADMIN)
@personal_data()
@require_POST
def programme_invitation_resend(request: HttpRequest, invitation) -> HttpResponse:
    found = found_or_404(queries.programme_invitation(request.programme, invitation), "invitation")
    return _resend(request, found, _programme_people_url())


@programme_view(ProgrammeAccess.ADMIN)
@personal_data()
@require_POST
def programme_invitation_withdraw(request: HttpRequest, invitation) -> HttpResponse:
    found = found_or_404(queries.programme_invitation(request.programme, invitation), "invitation")
    return _withdraw(request, found, _programme_people_url())


@programme_view(ProgrammeAccess.ADMIN)
@personal_data()
@require_http_methods(["GET", "POST"])
def programme_person_change(request: HttpRequest, person) -> HttpResponse:
    membership = found_or_404(queries.programme_person(request.programme, person), "person")
    form = ProgrammeRoleChangeForm(
        _data(request), initial={"role": membership.role, "version": membership.version}
    )
    response = handle_form(
        request,
        form,
        save=lambda form: services.change_programme_role(
            membership,
            role=form.cleaned_data["role"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"] or 0,
            actor=request.user,
        ),
        done=lambda changed: (
            _("Changed %(name)s's role.") % {"name": changed.user},
            _programme_people_url(),
        ),
        latest_version=lambda: getattr(
            queries.programme_person(request.programme, person), "version", None
        ),
    )
    if response is not None:
        return response
    return _form_page(
        request,
        form,
        title=_("Change %(name)s's role") % {"name": membership.user},
        submit=_("Save the change"),
        back=_programme_people_url(),
    )


@programme_view(ProgrammeAccess.ADMIN)
@personal_data()
@require_http_methods(["GET", "POST"])
def programme_person_end(request: HttpRequest, person) -> HttpResponse:
    membership = found_or_404(queries.programme_person(request.programme, person), "person")
    return _end_role_page(
        request,
        membership,
        end=services.end_programme_role,
        back=_programme_people_url(),
        title=_("End %(name)s's programme role") % {"name": membership.user},
        intro=_(
            "They will no longer see the programme's pages. If this is their last role "
            "anywhere, their account is switched off."
        ),
    )


# --- Accepting an invitation ---------------------------------------------------------------


@public_view
@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Where an invitation's link leads: make an account, or sign in, and take up the role."""
    try:
        invitation = services.find_invitation(token)
    except ServiceError as error:
        return render(request, "programme/people/accept.html", {"problem": str(error)}, status=410)
    existing = services.account_for_invitation(invitation)
    signed_in = request.user.is_authenticated
    context = {
        "invitation": invitation,
        "role": services.role_label(invitation),
        "where": invitation.site.name if invitation.site else invitation.programme.name,
        "existing": existing,
    }
    if existing is not None or signed_in:
        if not signed_in:
            context["sign_in"] = f"{reverse('accounts:login')}?next={request.path}"
        elif request.method == "POST":
            try:
                services.accept_as(token, request.user)
            except ServiceError as error:
                context["refused"] = str(error)
            else:
                messages.success(
                    request,
                    _("You are now %(role)s at %(where)s.")
                    % {"role": context["role"].lower(), "where": context["where"]},
                )
                return redirect(_after_accepting(invitation))
        return render(request, "programme/people/accept.html", context)
    form = NewAccountForm(_data(request), initial={"display_name": invitation.name})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_with_new_account(
                token,
                display_name=form.cleaned_data["display_name"],
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except ServiceError as error:
            error.show_on(form)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Welcome to imroc. You are now %(role)s at %(where)s. You sign in with the "
                    "username %(username)s."
                )
                % {
                    "role": context["role"].lower(),
                    "where": context["where"],
                    "username": user.username,
                },
            )
            return redirect(_after_accepting(invitation))
    context["form"] = form
    return render(request, "programme/people/accept.html", context)


def _after_accepting(invitation) -> str:
    if invitation.site is not None:
        return reverse("sites:dashboard", kwargs={"site": invitation.site.slug})
    return reverse("programme:home")
