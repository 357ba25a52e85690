"""Measures: the summary board, definitions, data entry and import, charts. Thin views."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from imroc.core import tables
from imroc.core.access import found_or_404
from imroc.core.form_views import handle_form
from imroc.core.services import ServiceError
from imroc.framework import queries as framework_queries
from imroc.improvement import queries as improvement_queries
from imroc.measures import parsing, presenters, queries, services
from imroc.measures.forms import (
    AdoptForm,
    AnnotationForm,
    CycleLinkForm,
    ImportForm,
    MeasureForm,
    PointForm,
    ProgrammeMeasureForm,
    RebaseForm,
)
from imroc.measures.models import DataType
from imroc.measures.tables import board_table, points_table, programme_measures_table
from imroc.programme import queries as programme_queries
from imroc.programme.access import ProgrammeAccess, SiteAccess, programme_view, site_view


def _can_enter(request, measure) -> bool:
    """Members and leads enter data for any measure; partners for the measures they own."""
    if request.site_access >= SiteAccess.EDIT:
        return True
    return request.site_access == SiteAccess.CONTRIBUTE and measure.owner_id == request.user.pk


def _require_enter(request, measure) -> None:
    if not _can_enter(request, measure):
        raise PermissionDenied


def _detail_url(measure):
    return reverse(
        "measures:detail", kwargs={"site": measure.site.slug, "measure": measure.public_id}
    )


def _detail(measure):
    return redirect(_detail_url(measure))


def _post(request):
    return request.POST if request.method == "POST" else None


def _measure_form(request, site, *, initial=None, shared=None):
    return MeasureForm(
        _post(request), initial=initial or {}, shared=shared,
        teams=programme_queries.site_teams(site), people=improvement_queries.site_people_users(site),
        challenges=framework_queries.current_challenges(site.programme.framework_key),
        goals=queries.site_goals(site),
    )  # fmt: skip


@site_view()
def board(request):
    site = request.site
    if tables.wants_export(request):
        return tables.export(request, board_table(site, presenters.board_rows(site)))
    board = presenters.board_page(site, request.GET.get("page"))
    return render(request, "measures/board.html", {
        "site": site, "rows": board.rows, "can_edit": request.site_access >= SiteAccess.EDIT,
        "page": board.page, "total": board.total,
        "improvement": board.improvement, "concern": board.concern,
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def measure_create(request):
    site = request.site
    form = _measure_form(
        request, site,
        initial={"owner": request.user.pk, "kind": "outcome", "frequency": "monthly", "improvement": "increase", "rate_per": 1},
    )  # fmt: skip

    def save(form):
        return services.create_measure(
            site,
            actor=request.user,
            goals=form.cleaned_data["goals"],
            **form.definition_fields(),
            **form.site_fields(),
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda measure: (
            _("Added the measure. Now add its data: one period at a time, or import many."),
            _detail_url(measure),
        ),
    )
    if response is not None:
        return response
    return render(
        request, "measures/measure_form.html", {"site": site, "form": form, "measure": None}
    )


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def measure_adopt(request):
    site = request.site
    adopted = queries.adopted_shared_ids(site)
    available = queries.programme_measures(site.programme).exclude(pk__in=adopted)
    form = AdoptForm(
        _post(request), shared=available, people=improvement_queries.site_people_users(site),
        initial={"owner": request.user.pk, "shared": request.GET.get("shared")},
    )  # fmt: skip

    def save(form):
        c = form.cleaned_data
        return services.adopt_measure(
            site,
            c["shared"],
            actor=request.user,
            owner=c["owner"],
            target=float(c["target"]) if c["target"] is not None else None,
            target_date=c["target_date"],
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda measure: (
            _("The site now reports this programme measure."),
            _detail_url(measure),
        ),
    )
    if response is not None:
        return response
    return render(request, "measures/adopt.html", {
        "site": site, "form": form, "available": list(available),
    })  # fmt: skip


@site_view()
def measure_detail(request, measure):
    site = request.site
    measure = found_or_404(queries.site_measure(site, measure), "measure")
    if tables.wants_export(request):
        return tables.export(request, points_table(measure))
    view = presenters.chart_views([measure])[0]
    return render(request, "measures/measure_detail.html", {
        "site": site, "measure": measure, "chart": view,
        "goals": list(measure.goals.all()), "corrections": list(queries.point_revisions(measure)),
        "can_edit": request.site_access >= SiteAccess.EDIT, "can_enter": _can_enter(request, measure),
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def measure_edit(request, measure):
    site = request.site
    measure = found_or_404(queries.site_measure(site, measure), "measure")
    initial = {name: getattr(measure, name) for name in services.DEFINITION_FIELDS} | {
        "team": measure.team_id, "owner": measure.owner_id, "challenge": measure.challenge_id,
        "target": measure.target, "target_date": measure.target_date,
        "goals": [g.pk for g in measure.goals.all()], "version": measure.version,
    }  # fmt: skip
    form = _measure_form(request, site, initial=initial, shared=measure.shared)

    def save(form):
        fields = form.site_fields()
        if measure.shared is None:
            fields |= form.definition_fields()
        return services.update_measure(
            measure,
            actor=request.user,
            expected_version=form.cleaned_data["version"] or 0,
            goals=form.cleaned_data["goals"],
            **fields,
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda result: (_("Saved the measure."), _detail_url(measure)),
        latest_version=lambda: queries.site_measure(site, measure.public_id).version,
    )
    if response is not None:
        return response
    return render(
        request, "measures/measure_form.html", {"site": site, "form": form, "measure": measure}
    )


@site_view(SiteAccess.CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def point_entry(request, measure):
    site = request.site
    measure = found_or_404(queries.site_measure(site, measure), "measure")
    _require_enter(request, measure)
    initial, existing = {}, None
    if request.method == "GET" and request.GET.get("period"):
        try:
            period = parsing.parse_period(request.GET["period"], measure)
        except parsing.BadValue:
            period = None
        existing = queries.measure_point(measure, period) if period else None
        initial["period"] = request.GET["period"][:20]
        if existing is not None:
            initial |= {
                "value": f"{existing.value:g}",
                "numerator": f"{existing.numerator:g}" if existing.numerator is not None else "",
                "denominator": f"{existing.denominator:g}"
                if existing.denominator is not None
                else "",
            }
    form = PointForm(_post(request), measure=measure, initial=initial)

    def save(form):
        c = form.cleaned_data
        return services.record_point(
            measure,
            actor=request.user,
            period=c["period"],
            value=c["value"],
            numerator=c["numerator"],
            denominator=c["denominator"],
            note=c["note"],
        )

    def done(outcome):
        label = presenters.period_label(measure, form.cleaned_data["period"])
        message = {
            "created": _("Added the value for %(period)s."),
            "corrected": _(
                "Corrected the value for %(period)s. The old value is kept in the history."
            ),
            "unchanged": _("The value for %(period)s was already saved; nothing changed."),
        }[outcome]
        return message % {"period": label}, _detail_url(measure)

    response = handle_form(request, form, save=save, done=done)
    if response is not None:
        return response
    return render(request, "measures/point_form.html", {
        "site": site, "measure": measure, "form": form, "existing": existing,
    })  # fmt: skip


@site_view(SiteAccess.CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def import_start(request, measure):
    site = request.site
    measure = found_or_404(queries.site_measure(site, measure), "measure")
    _require_enter(request, measure)
    form = ImportForm(_post(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            if upload is not None:
                table = parsing.read_upload(upload.name, upload.read(parsing.MAX_BYTES + 1))
                name = upload.name
            else:
                table = parsing.read_csv_text(form.cleaned_data["text"])
                name = _("pasted data")
            imported = services.preview_import(
                measure, actor=request.user, table=table, filename=name
            )
        except parsing.ImportRefused as error:
            form.add_error("file" if upload is not None else "text", str(error))
        except ServiceError as error:
            form.add_error("file" if upload is not None else "text", str(error))
        else:
            return redirect(
                "measures:import_preview",
                site=site.slug,
                measure=measure.public_id,
                token=imported.token,
            )
    columns = "period,numerator,denominator" if measure.is_fraction else "period,value"
    example = (
        "period,numerator,denominator\n2021-01,12,40\n2021-02,15,42"
        if measure.is_fraction
        else "period,value\n2021-01,12\n2021-02,15"
    )
    return render(request, "measures/import_form.html", {
        "site": site, "measure": measure, "form": form, "columns": columns, "example": example,
    })  # fmt: skip


@site_view(SiteAccess.CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def import_preview(request, measure, token):
    site = request.site
    measure = found_or_404(queries.site_measure(site, measure), "measure")
    _require_enter(request, measure)
    imported = found_or_404(queries.measure_import(measure, token, request.user), "import")
    error = None
    if request.method == "POST":
        try:
            counts = services.commit_import(imported, actor=request.user)
        except ServiceError as exc:
            error = str(exc)
        else:
            if counts["created"] or counts["corrected"]:
                messages.success(
                    request,
                    _(
                        "Imported: %(created)d new, %(corrected)d corrected, %(unchanged)d unchanged."
                    )
                    % counts,
                )
            else:
                messages.success(request, _("Every value was already saved, so nothing changed."))
            return _detail(measure)
    counts = {"new": 0, "same": 0, "correction": 0, "error": 0}
    for row in imported.rows:
        counts[row["status"]] += 1
    return render(request, "measures/import_preview.html", {
        "site": site, "measure": measure, "imported": imported, "counts": counts, "error": error,
        "fraction": measure.is_fraction, "rate": measure.data_type == DataType.RATE,
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def rebase_add(request, measure):
    site = request.site
    measure = found_or_404(queries.site_measure(site, measure), "measure")
    form = RebaseForm(_post(request), measure=measure)
    response = handle_form(
        request,
        form,
        save=lambda form: services.add_rebase(measure, actor=request.user, **form.cleaned_data),
        done=lambda result: (
            _("Added the rebase. Limits start again from that period."),
            _detail_url(measure),
        ),
    )
    if response is not None:
        return response
    return render(request, "measures/simple_form.html", {
        "site": site, "measure": measure, "form": form, "title": _("Start a new baseline (rebase)"),
        "intro": _("Rebase only when the process has really changed, for example after a change was adopted and the chart shows a sustained shift. Limits are then worked out again from that period."),
        "button": _("Add the rebase"),
    })  # fmt: skip


@site_view(SiteAccess.CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def annotation_add(request, measure):
    site = request.site
    measure = found_or_404(queries.site_measure(site, measure), "measure")
    _require_enter(request, measure)
    form = AnnotationForm(_post(request))
    response = handle_form(
        request,
        form,
        save=lambda form: services.add_annotation(measure, actor=request.user, **form.cleaned_data),
        done=lambda result: (_("Added the note to the chart."), _detail_url(measure)),
    )
    if response is not None:
        return response
    return render(request, "measures/simple_form.html", {
        "site": site, "measure": measure, "form": form, "title": _("Add a note to the chart"),
        "intro": _("Mark something that happened, so people reading the chart can see what might explain a change."),
        "button": _("Add the note"),
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def cycle_links(request, measure):
    site = request.site
    measure = found_or_404(queries.site_measure(site, measure), "measure")
    linked = list(measure.cycles.select_related("goal").order_by("starts_on"))
    available = queries.site_cycles(site).exclude(pk__in=[c.pk for c in linked])
    form = CycleLinkForm(
        _post(request) if request.POST.get("action") != "unlink" else None, cycles=available
    )
    if request.method == "POST" and request.POST.get("action") == "unlink":
        cycle = (
            queries.site_cycle(site, request.POST.get("cycle"))
            if _is_uuid(request.POST.get("cycle"))
            else None
        )
        if cycle is None:
            raise Http404("No such cycle")
        services.unlink_cycle(measure, cycle, actor=request.user)
        messages.success(request, _("Removed the link to the PDSA cycle."))
        return redirect("measures:cycles", site=site.slug, measure=measure.public_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_cycle(measure, form.cleaned_data["cycle"], actor=request.user)
        except ServiceError as error:
            form.add_error("cycle", str(error))
        else:
            messages.success(request, _("Linked the PDSA cycle. It is marked on the chart."))
            return _detail(measure)
    return render(request, "measures/cycle_links.html", {
        "site": site, "measure": measure, "form": form, "linked": linked, "any_available": available.exists(),
    })  # fmt: skip


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# --- Programme measures ----------------------------------------------------------------------


@programme_view()
def programme_measures(request):
    programme = request.programme
    shared = list(queries.programme_measures(programme))
    counts = queries.adoption_counts(programme)
    rows = [(m, counts.get(m.pk, 0)) for m in shared]
    if tables.wants_export(request):
        return tables.export(request, programme_measures_table(programme, rows))
    return render(request, "measures/programme_measures.html", {
        "programme": programme, "rows": rows,
        "can_edit": request.programme_access >= ProgrammeAccess.ADMIN,
    })  # fmt: skip


@programme_view(ProgrammeAccess.ADMIN)
@require_http_methods(["GET", "POST"])
def programme_measure_create(request):
    form = ProgrammeMeasureForm(
        _post(request),
        initial={
            "kind": "process",
            "frequency": "monthly",
            "improvement": "increase",
            "rate_per": 1,
        },
    )
    response = handle_form(
        request,
        form,
        save=lambda form: services.create_programme_measure(
            request.programme, actor=request.user, **form.definition_fields()
        ),
        done=lambda result: (
            _("Added the programme measure. Sites can now adopt it."),
            reverse("programme_measures:list"),
        ),
    )
    if response is not None:
        return response
    return render(request, "measures/programme_measure_form.html", {"form": form, "shared": None})


@programme_view(ProgrammeAccess.ADMIN)
@require_http_methods(["GET", "POST"])
def programme_measure_edit(request, shared):
    measure = found_or_404(
        queries.programme_measure(request.programme, shared), "programme measure"
    )
    initial = {name: getattr(measure, name) for name in services.DEFINITION_FIELDS}
    form = ProgrammeMeasureForm(_post(request), initial={**initial, "version": measure.version})

    def save(form):
        return services.update_programme_measure(
            measure,
            actor=request.user,
            expected_version=form.cleaned_data["version"] or 0,
            **form.definition_fields(),
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda result: (
            _("Saved. Every site that reports this measure now uses the new definition."),
            reverse("programme_measures:list"),
        ),
        latest_version=lambda: (
            queries.programme_measure(request.programme, measure.public_id).version
        ),
    )
    if response is not None:
        return response
    return render(
        request, "measures/programme_measure_form.html", {"form": form, "shared": measure}
    )
