"""The learning network: applications, support, learning sets and the resource library."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from imroc.accounts.personal_data import personal_data
from imroc.accounts.reauth import check_recent_auth
from imroc.core import audit, suppression, tables
from imroc.core.access import found_or_404
from imroc.core.form_views import handle_form
from imroc.core.services import ServiceError
from imroc.framework import queries as framework_queries
from imroc.programme import presenters, queries, services
from imroc.programme.access import ProgrammeAccess, SiteAccess, programme_view, site_view
from imroc.programme.forms import (
    AcceptForm,
    ActionForm,
    ApplicationForm,
    AttendanceForm,
    CategoryChangeForm,
    DeclineForm,
    EvaluationForm,
    LearningSetForm,
    LibrarySearchForm,
    ResourceForm,
    SupportEntryForm,
)
from imroc.programme.models import Application, Resource
from imroc.programme.tables import (
    applications_table,
    learning_set_attendance_table,
    learning_sets_table,
    resources_table,
    site_learning_sets_table,
)

__all__ = [
    "application_detail", "application_new", "applications", "learning_set_detail", "learning_set_new",
    "learning_sets", "library", "library_new", "resource_file", "site_admin", "site_learning_set",
    "site_learning_sets", "site_library", "site_library_new", "site_resource_file", "support_followed_up",
]  # fmt: skip


def _post(request):
    return request.POST if request.method == "POST" else None


def _require_admin(request) -> None:
    if request.programme_access < ProgrammeAccess.ADMIN:
        raise PermissionDenied


def _challenges(programme):
    return framework_queries.current_challenges(programme.framework_key)


# --- Applications ---------------------------------------------------------------------------


@programme_view()
def applications(request):
    status = request.GET.get("status", "")
    rows = queries.applications(request.programme)
    if status in Application.Status.values:
        rows = rows.filter(status=status)
    if tables.wants_export(request):
        return tables.export(request, applications_table(rows))
    return render(request, "programme/applications.html", {
        "applications": rows, "status": status, "statuses": Application.Status.choices,
        "can_admin": request.programme_access >= ProgrammeAccess.ADMIN,
    })  # fmt: skip


@programme_view(ProgrammeAccess.ADMIN)
@require_http_methods(["GET", "POST"])
def application_new(request):
    programme = request.programme
    form = ApplicationForm(
        _post(request),
        challenges=_challenges(programme),
        initial={"submitted_on": timezone.localdate()},
    )
    response = handle_form(
        request,
        form,
        save=lambda form: services.record_application(
            programme, actor=request.user, **form.cleaned_data
        ),
        done=lambda application: (
            _("Recorded the application from %(organisation)s.")
            % {"organisation": application.organisation.name},
            reverse("programme:application", kwargs={"application": application.public_id}),
        ),
    )
    if response is not None:
        return response
    return render(request, "programme/application_new.html", {"form": form})


@programme_view()
@personal_data()
@require_http_methods(["GET", "POST"])
def application_detail(request, application):
    programme = request.programme
    found = found_or_404(queries.application(programme, application), "application")
    application = found
    accept = AcceptForm(prefix="accept", initial={"joined_on": timezone.localdate()})
    decline = DeclineForm(prefix="decline")
    if request.method == "POST":
        _require_admin(request)
        if "accept-category" in request.POST or request.POST.get("decision") == "accept":
            # Accepting makes someone a site lead: a role change, so confirm it is still them.
            if (needed := check_recent_auth(request)) is not None:
                return needed
            accept = AcceptForm(request.POST, prefix="accept")
            if accept.is_valid():
                data = accept.cleaned_data
                try:
                    site = services.accept_and_invite(
                        application,
                        actor=request.user,
                        base_url=request.build_absolute_uri("/"),
                        **data,
                    )
                except ServiceError as error:
                    accept.add_error(None, str(error))
                else:
                    messages.success(
                        request,
                        _(
                            "Accepted %(site)s as a %(category)s. We emailed %(email)s an invitation."
                        )
                        % {
                            "site": site.name,
                            "category": site.get_category_display().lower(),
                            "email": data["lead_email"],
                        },
                    )
                    return redirect("programme:application", application=application.public_id)
        else:
            decline = DeclineForm(request.POST, prefix="decline")
            if decline.is_valid():
                try:
                    services.decline_application(
                        application,
                        on=timezone.localdate(),
                        reason=decline.cleaned_data["reason"],
                        actor=request.user,
                    )
                except ServiceError as error:
                    decline.add_error(None, str(error))
                else:
                    messages.success(
                        request, _("Declined the application. The reason is kept with it.")
                    )
                    return redirect("programme:application", application=application.public_id)
    challenge_titles = {c.slug: c.short_title for c in _challenges(programme)}
    return render(request, "programme/application_detail.html", {
        "application": application, "accept": accept, "decline": decline,
        "wanted": [challenge_titles.get(s, s) for s in application.challenges],
        "can_admin": request.programme_access >= ProgrammeAccess.ADMIN,
    })  # fmt: skip


# --- A site, from the programme's side ------------------------------------------------------


def _programme_site(request, slug):
    site = found_or_404(queries.programme_site(request.programme, slug), "site")
    return site


@programme_view()
@require_http_methods(["GET", "POST"])
def site_admin(request, site):
    site = _programme_site(request, site)
    category_form = CategoryChangeForm(
        prefix="category", initial={"effective_from": timezone.localdate()}
    )
    support_form = SupportEntryForm(prefix="support", initial={"happened_on": timezone.localdate()})
    if request.method == "POST":
        _require_admin(request)
        if request.POST.get("form") == "category":
            category_form = CategoryChangeForm(request.POST, prefix="category")
            if category_form.is_valid():
                try:
                    services.change_category(site, actor=request.user, **category_form.cleaned_data)
                except ServiceError as error:
                    error.show_on(category_form)
                else:
                    messages.success(
                        request, _("Changed the site's category. The history keeps the old one.")
                    )
                    return redirect("programme:site", site=site.slug)
        else:
            support_form = SupportEntryForm(request.POST, prefix="support")
            if support_form.is_valid():
                try:
                    services.add_support_entry(
                        site, actor=request.user, **support_form.cleaned_data
                    )
                except ServiceError as error:
                    error.show_on(support_form)
                else:
                    messages.success(request, _("Added to the support log."))
                    return redirect("programme:site", site=site.slug)
    history = list(queries.site_category_history(site))
    context = {
        "site": site,
        "history": history,
        "category_since": presenters.category_since(site, history),
        "support": queries.support_entries(site),
        "category_form": category_form,
        "support_form": support_form,
        "can_admin": request.programme_access >= ProgrammeAccess.ADMIN,
    }
    return render(request, "programme/site_admin.html", context)


@programme_view(ProgrammeAccess.ADMIN)
@require_POST
def support_followed_up(request, site, entry):
    site = _programme_site(request, site)
    found = found_or_404(queries.support_entry(site, entry), "entry")
    services.mark_followed_up(found, actor=request.user)
    messages.success(request, _("Marked as followed up."))
    return redirect("programme:site", site=site.slug)


# --- Learning sets -------------------------------------------------------------------------


@programme_view()
def learning_sets(request):
    if tables.wants_export(request):
        return tables.export(request, learning_sets_table(queries.learning_sets(request.programme)))
    return render(request, "programme/learning_sets.html", {
        "sets": queries.learning_sets(request.programme), "by_site": queries.attendance_by_site(request.programme),
        "now": timezone.now(), "can_admin": request.programme_access >= ProgrammeAccess.ADMIN,
    })  # fmt: skip


@programme_view(ProgrammeAccess.ADMIN)
@require_http_methods(["GET", "POST"])
def learning_set_new(request):
    form = LearningSetForm(_post(request), challenges=_challenges(request.programme))

    def save(form):
        data = dict(form.cleaned_data)
        return services.schedule_learning_set(
            request.programme,
            actor=request.user,
            themes=data.pop("themes"),
            facilitators=data.pop("facilitators"),
            invited_categories=data.pop("invited_categories"),
            **data,
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda learning_set: (
            _("Scheduled “%(title)s” and invited the sites.") % {"title": learning_set.title},
            reverse("programme:learning_set", kwargs={"learning_set": learning_set.public_id}),
        ),
    )
    if response is not None:
        return response
    return render(request, "programme/learning_set_new.html", {"form": form})


@programme_view()
@personal_data()
@require_http_methods(["GET", "POST"])
def learning_set_detail(request, learning_set):
    found = found_or_404(queries.learning_set(request.programme, learning_set), "learning set")
    learning_set = found
    if request.method == "GET" and tables.wants_export(request):
        attendance = learning_set.attendance.select_related("site__organisation")
        return tables.export(request, learning_set_attendance_table(learning_set, list(attendance)))  # fmt: skip
    detail = queries.learning_set_detail(learning_set)
    sites = learning_set.programme.sites.filter(
        learning_set_invitations__learning_set=learning_set
    ).select_related("organisation")
    attendance = AttendanceForm(prefix="attend", sites=sites)
    action = ActionForm(prefix="action", sites=sites)
    if request.method == "POST":
        _require_admin(request)
        which = request.POST.get("form")
        try:
            if which == "attend":
                attendance = AttendanceForm(request.POST, prefix="attend", sites=sites)
                if attendance.is_valid():
                    services.record_learning_set_attendance(
                        learning_set, actor=request.user, **attendance.cleaned_data
                    )
                    messages.success(request, _("Added to the attendance list."))
                    return redirect("programme:learning_set", learning_set=learning_set.public_id)
            elif which == "unattend":
                row = found_or_404(
                    queries.attendance_record(learning_set, request.POST.get("row", "")),
                    "attendance",
                )
                services.remove_learning_set_attendance(row, actor=request.user)
                messages.success(request, _("Removed from the attendance list."))
                return redirect("programme:learning_set", learning_set=learning_set.public_id)
            elif which == "action":
                action = ActionForm(request.POST, prefix="action", sites=sites)
                if action.is_valid():
                    services.add_learning_set_action(
                        learning_set, actor=request.user, **action.cleaned_data
                    )
                    messages.success(request, _("Added the note."))
                    return redirect("programme:learning_set", learning_set=learning_set.public_id)
            elif which == "cancel":
                services.cancel_learning_set(learning_set, actor=request.user)
                messages.success(request, _("Cancelled the learning set."))
                return redirect("programme:learning_set", learning_set=learning_set.public_id)
        except ServiceError as error:
            (attendance if which == "attend" else action).add_error(error.field, str(error))
    return render(request, "programme/learning_set_detail.html", {
        "learning_set": learning_set, **detail, "attendance_form": attendance, "action_form": action,
        "started": learning_set.starts_at <= timezone.now(),
        "small_number": suppression.threshold(),
        "can_admin": request.programme_access >= ProgrammeAccess.ADMIN,
    })  # fmt: skip


@site_view()
def site_learning_sets(request):
    if tables.wants_export(request):
        return tables.export(request, site_learning_sets_table(request.site, queries.site_learning_sets(request.site)))  # fmt: skip
    return render(request, "programme/site_learning_sets.html", {
        "site": request.site, "sets": queries.site_learning_sets(request.site), "now": timezone.now(),
    })  # fmt: skip


@site_view()
@personal_data()
@require_http_methods(["GET", "POST"])
def site_learning_set(request, learning_set):
    site = request.site
    found = found_or_404(queries.site_learning_set(site, learning_set), "learning set")
    learning_set = found
    form = EvaluationForm(_post(request))
    if request.method == "POST" and request.site_access < SiteAccess.CONTRIBUTE:
        raise PermissionDenied
    response = handle_form(
        request,
        form,
        save=lambda form: services.evaluate_learning_set(
            learning_set, site=site, actor=request.user, **form.cleaned_data
        ),
        done=lambda evaluation: (
            _("Thank you. Your answers are anonymous."),
            reverse(
                "sites:learning_set",
                kwargs={"site": site.slug, "learning_set": learning_set.public_id},
            ),
        ),
    )
    if response is not None:
        return response
    return render(request, "programme/site_learning_set.html", {
        "site": site, "learning_set": learning_set, "form": form,
        "our_attendance": learning_set.attendance.filter(site=site),
        "our_actions": learning_set.actions.filter(site=site),
        "evaluated": learning_set.evaluation_receipts.filter(user=request.user).exists(),
        "can_evaluate": request.site_access >= SiteAccess.CONTRIBUTE and learning_set.starts_at <= timezone.now(),
    })  # fmt: skip


# --- The resource library ------------------------------------------------------------------


def _library_page(request, *, site, template):
    programme = site.programme if site else request.programme
    challenges = _challenges(programme)
    search = LibrarySearchForm(request.GET or None, challenges=challenges)
    resources = queries.visible_resources(programme, site=site)
    if search.is_valid():
        resources = queries.search_resources(resources, **search.cleaned_data)
    if tables.wants_export(request):
        return tables.export(request, resources_table(resources), site=site)
    can_share = (
        request.site_access >= SiteAccess.EDIT
        if site
        else request.programme_access >= ProgrammeAccess.ADMIN
    )
    return render(
        request,
        template,
        {"site": site, "search": search, "resources": resources[:200], "can_share": can_share},
    )


@programme_view()
def library(request):
    return _library_page(request, site=None, template="programme/library.html")


@site_view()
def site_library(request):
    return _library_page(request, site=request.site, template="programme/site_library.html")


def _share(request, *, site, done_url):
    programme = site.programme if site else request.programme
    form = ResourceForm(
        _post(request),
        request.FILES or None,
        challenges=_challenges(programme),
        for_site=site is not None,
    )

    def save(form):
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        return services.share_resource(
            programme,
            site=site,
            actor=request.user,
            upload=upload,
            challenges=list(data.pop("challenges")),
            **data,
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda resource: (
            _("Shared “%(title)s”.") % {"title": form.cleaned_data["title"]},
            done_url,
        ),
    )
    if response is not None:
        return response
    return render(request, "programme/library_new.html", {"site": site, "form": form})


@programme_view(ProgrammeAccess.ADMIN)
@require_http_methods(["GET", "POST"])
def library_new(request):
    return _share(request, site=None, done_url=reverse("programme:library"))


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def site_library_new(request):
    return _share(
        request,
        site=request.site,
        done_url=reverse("sites:library", kwargs={"site": request.site.slug}),
    )


def _file_response(request, resource: Resource, site):
    if resource.kind == Resource.Kind.LINK or not resource.file:
        raise Http404("This resource has no file")
    try:
        stored = resource.file.open("rb")
    except OSError:  # listed, but gone from the disk: say so, and record no download
        context = {"resource": resource, "site": site}
        return render(request, "programme/file_missing.html", context, status=404)
    audit.record(request.user, "resource.download", resource, site=site)
    response = FileResponse(stored, as_attachment=True, filename=resource.file_name,
                            content_type=resource.content_type)  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@programme_view()
@personal_data(download=True)
def resource_file(request, resource):
    found = (
        queries.visible_resources(request.programme, site=None).filter(public_id=resource).first()
    )
    if found is None:
        raise Http404("No such resource")
    return _file_response(request, found, None)


@site_view()
@personal_data(download=True)
def site_resource_file(request, resource):
    found = (
        queries.visible_resources(request.site.programme, site=request.site)
        .filter(public_id=resource)
        .first()
    )
    if found is None:
        raise Http404("No such resource")
    return _file_response(request, found, request.site)
