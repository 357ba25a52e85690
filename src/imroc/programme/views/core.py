"""Programme and site pages. Thin: access checks in decorators, reads in queries, writes in services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from imroc.core import panels, tables
from imroc.core.access import found_or_404
from imroc.core.form_views import handle_form
from imroc.core.services import ServiceError, StaleEditError
from imroc.framework import queries as framework_queries
from imroc.framework import services as framework_services
from imroc.framework.loader import FrameworkFileError
from imroc.programme import presenters, queries, services
from imroc.programme.access import (
    ProgrammeAccess,
    SiteAccess,
    access_profile,
    programme_view,
    public_view,
    signed_in_view,
    site_view,
)
from imroc.programme.forms import FrameworkUploadForm, ProgrammeFilterForm, TeamForm
from imroc.programme.models import CATEGORY_PLURAL_LABELS, Category
from imroc.programme.tables import sites_table, teams_table


@public_view
def home(request):
    """Send each person to where their work is."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    profile = access_profile(request)
    if profile.programme_roles:
        return redirect("programme:home")
    if len(profile.site_roles) == 1:
        site = queries.sites_for_user(request.user).first()
        return redirect("sites:dashboard", site=site.slug)
    return redirect("sites:index")


@signed_in_view
def sites_index(request):
    return render(
        request, "programme/sites_index.html", {"sites": queries.sites_for_user(request.user)}
    )


# --- Programme team ----------------------------------------------------------------------


@programme_view()
def programme_home(request):
    programme = request.programme
    regions, countries = queries.regions_and_countries(programme)
    filters = ProgrammeFilterForm(request.GET or None, regions=regions, country_codes=countries)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    sites = list(
        queries.programme_sites(programme).filter(
            pk__in=queries.filtered_sites(programme, **chosen).values("pk")
        )
    )
    if tables.wants_export(request):
        return tables.export(request, sites_table(programme, sites))
    by_category = [
        (CATEGORY_PLURAL_LABELS[value], [s for s in sites if s.category == value])
        for value in Category.values
    ]
    counts = queries.application_counts(programme)
    return render(
        request,
        "programme/home.html",
        {
            "programme": programme,
            "sites": sites,
            "by_category": by_category,
            "filters": filters,
            "filtered": any(chosen.values()),
            "application_count": counts["total"],
            "accepted_count": counts["accepted"],
            "framework": framework_queries.current_version(programme.framework_key),
            "panels": panels.panels_for(panels.PROGRAMME_DASHBOARD, request, sites),
        },
    )


@programme_view()
@require_http_methods(["GET", "POST"])
def framework_index(request):
    form = FrameworkUploadForm()
    problems: list[str] = []
    if request.method == "POST":
        if request.programme_access < ProgrammeAccess.ADMIN:
            raise PermissionDenied
        form = FrameworkUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                version = framework_services.load_framework(
                    upload.read(), upload.name, request.user
                )
            except FrameworkFileError as error:
                problems = error.lines()
                form.add_error(
                    "file", _("The file could not be loaded. The problems are listed below.")
                )
            else:
                messages.success(
                    request,
                    _("Loaded version %(version)s as a draft.") % {"version": version.version},
                )
                return redirect("programme:framework_version", version=version.public_id)
    current = framework_queries.current_version(request.programme.framework_key)
    stages, challenges = framework_queries.grid(current) if current else ([], [])
    return render(
        request,
        "programme/framework.html",
        {
            "current": current,
            "stages": stages,
            "challenges": challenges,
            "versions": framework_queries.versions(),
            "form": form,
            "problems": problems,
            "can_admin": request.programme_access >= ProgrammeAccess.ADMIN,
        },
    )


@programme_view()
def framework_version(request, version):
    version = found_or_404(framework_queries.version_by_public_id(version), "framework version")
    stages, challenges = framework_queries.grid(version)
    return render(
        request,
        "programme/framework_version.html",
        {
            "version": version,
            "stages": stages,
            "challenges": challenges,
            "can_admin": request.programme_access >= ProgrammeAccess.ADMIN,
        },
    )


@programme_view(ProgrammeAccess.ADMIN)
@require_POST
def framework_publish(request, version):
    version = found_or_404(framework_queries.version_by_public_id(version), "framework version")
    try:
        framework_services.publish_version(version, request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Version %(version)s is now the framework in use.") % {"version": version.version},
        )
    return redirect("programme:framework_version", version=version.public_id)


# --- Sites --------------------------------------------------------------------------------


@site_view()
def site_dashboard(request):
    site = request.site
    if tables.wants_export(request):
        return tables.export(request, teams_table(site, queries.site_teams(site)))
    history = list(queries.site_category_history(site))
    return render(
        request,
        "programme/site_dashboard.html",
        {
            "site": site,
            "teams": queries.site_teams(site),
            "history": history,
            "category_since": presenters.category_since(site, history),
            "memberships": queries.site_memberships(site),
            "partners": queries.site_partner_organisations(site),
            "can_edit": request.site_access >= SiteAccess.EDIT,
            "panels": panels.panels_for(panels.SITE_DASHBOARD, request, site),
        },
    )


@site_view()
def team_detail(request, team):
    team = found_or_404(queries.site_team(request.site, team), "team")
    return render(
        request,
        "programme/team_detail.html",
        {
            "site": request.site,
            "team": team,
            "can_edit": request.site_access >= SiteAccess.EDIT,
            "panels": panels.panels_for(panels.TEAM_PAGE, request, team),
        },
    )


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def team_create(request):
    form = TeamForm(request.POST if request.method == "POST" else None)

    def save(form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.create_team(request.site, actor=request.user, **data)

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda team: (
            _("Added the team %(team)s.") % {"team": team.name},
            reverse("sites:team", kwargs={"site": request.site.slug, "team": team.slug}),
        ),
    )
    if response is not None:
        return response
    return render(
        request, "programme/team_form.html", {"site": request.site, "form": form, "team": None}
    )


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def team_edit(request, team):
    team = found_or_404(queries.site_team(request.site, team), "team")
    if request.method == "POST":
        form = TeamForm(request.POST, instance=team)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            expected = form.cleaned_data["version"] or 0
            try:
                services.update_team(team, actor=request.user, expected_version=expected, **data)
            except StaleEditError:
                latest = queries.site_team(request.site, team.slug)
                form.add_error(
                    None,
                    _(
                        "Someone else saved changes to this team after you opened this page. "
                        "Your changes have not been saved: they are still in the form below. "
                        "Check them against the latest version, then save again."
                    ),
                )
                # Saving again now knowingly replaces the other person's changes.
                form.data = form.data.copy()
                form.data["version"] = latest.version
            except ServiceError as error:
                error.show_on(form)
            else:
                messages.success(request, _("Saved the changes to %(team)s.") % {"team": team.name})
                return redirect("sites:team", site=request.site.slug, team=team.slug)
    else:
        form = TeamForm(instance=team, initial={"version": team.version})
    return render(
        request, "programme/team_form.html", {"site": request.site, "form": form, "team": team}
    )
