"""Self-assessment rounds and team TRIPs. Thin views: reads in queries, writes in services."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from imroc.assessment import queries, services
from imroc.assessment.forms import (
    AttendanceForm,
    ConsensusForm,
    GroupForm,
    RatingsForm,
    StartRoundForm,
    TeamBenchmarkForm,
    TeamPrioritiesForm,
    TeamResourcesForm,
    TeamReviewForm,
)
from imroc.assessment.presenters import present_round
from imroc.assessment.tables import ratings_table, rounds_table
from imroc.core import tables
from imroc.core.access import found_or_404
from imroc.core.form_views import handle_form
from imroc.core.services import STALE_EDIT_MESSAGE, ServiceError, StaleEditError
from imroc.framework import queries as framework_queries
from imroc.programme import queries as programme_queries
from imroc.programme.access import SiteAccess, site_view
from imroc.programme.models import StakeholderGroup


def _round_url(assessment_round):
    return reverse(
        "assessment:round",
        kwargs={"site": assessment_round.site.slug, "round": assessment_round.public_id},
    )


@site_view()
def round_list(request):
    if tables.wants_export(request):
        return tables.export(request, rounds_table(request.site, queries.site_rounds(request.site)))
    return render(
        request,
        "assessment/round_list.html",
        {
            "site": request.site,
            "rounds": queries.site_rounds(request.site),
            "can_edit": request.site_access >= SiteAccess.EDIT,
        },
    )


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def round_start(request):
    form = StartRoundForm(request.POST if request.method == "POST" else None)

    def save(form):
        return services.start_round(
            request.site,
            framework=framework_queries.current_version(request.site.programme.framework_key),
            actor=request.user,
            **form.cleaned_data,
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda started: (
            _("Started “%(round)s”. Each group can now give its ratings.")
            % {"round": started.title},
            _round_url(started),
        ),
    )
    if response is not None:
        return response
    return render(request, "assessment/round_start.html", {"site": request.site, "form": form})


@site_view()
def round_detail(request, round):
    site = request.site
    assessment_round = found_or_404(queries.site_round(site, round), "round")
    if tables.wants_export(request):
        return tables.export(request, ratings_table(
            assessment_round, queries.round_ratings(assessment_round),
            queries.round_consensus(assessment_round),
        ))  # fmt: skip
    challenges = list(framework_queries.challenges(assessment_round.framework_version))
    presenter = present_round(
        assessment_round,
        challenges,
        queries.round_ratings(assessment_round),
        queries.round_consensus(assessment_round),
        dict(assessment_round.attendance.values_list("stakeholder_group", "count")),
        queries.rounds_in_order(site),
        queries.consensus_by_round(site),
    )
    return render(
        request,
        "assessment/round_detail.html",
        {
            "site": site,
            "round": assessment_round,
            "view": presenter,
            "can_edit": request.site_access >= SiteAccess.EDIT and assessment_round.is_open,
            "can_rate": request.site_access >= SiteAccess.CONTRIBUTE and assessment_round.is_open,
        },
    )


def _rating_group(request):
    """Partners give their own group's view; members and leads may enter any group's."""
    if request.site_access == SiteAccess.CONTRIBUTE:
        membership = programme_queries.site_membership(request.site, request.user)
        return membership.stakeholder_group, None
    data = request.POST if request.method == "POST" else request.GET
    form = GroupForm(data if "group" in data else None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["group"], form
    return None, form


@site_view(SiteAccess.CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def round_rate(request, round):
    assessment_round = found_or_404(queries.site_round(request.site, round), "round")
    if not assessment_round.is_open:
        messages.error(request, _("This round is closed, so its ratings cannot change."))
        return redirect(_round_url(assessment_round))
    group, group_form = _rating_group(request)
    context = {"site": request.site, "round": assessment_round, "group_form": group_form}
    if group is None:
        return render(request, "assessment/round_rate.html", context)
    challenges = framework_queries.grid(assessment_round.framework_version)[1]

    def current():
        return {
            r.challenge_id: (r.level, r.evidence, r.version)
            for r in queries.round_ratings(assessment_round).filter(stakeholder_group=group)
        }

    form = RatingsForm(
        request.POST if request.method == "POST" else None, challenges=challenges, current=current()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_ratings(
                assessment_round, group=group, entries=form.entries(), actor=request.user
            )
        except StaleEditError:
            form.add_error(None, STALE_EDIT_MESSAGE)
            form.refresh_versions(current())
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Saved the %(group)s ratings.")
                % {"group": str(StakeholderGroup(group).label).lower()},
            )
            return redirect(_round_url(assessment_round))
    context.update(form=form, group=group, group_label=StakeholderGroup(group).label)
    return render(request, "assessment/round_rate.html", context)


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def round_consensus(request, round):
    assessment_round = found_or_404(queries.site_round(request.site, round), "round")
    if not assessment_round.is_open:
        messages.error(request, _("This round is closed, so its consensus cannot change."))
        return redirect(_round_url(assessment_round))
    challenges = framework_queries.grid(assessment_round.framework_version)[1]
    ratings = list(queries.round_ratings(assessment_round))

    def current():
        return {
            c.challenge_id: (c.level, c.rationale, c.version)
            for c in queries.round_consensus(assessment_round)
        }

    form = ConsensusForm(
        request.POST if request.method == "POST" else None, challenges=challenges, current=current()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_consensus(assessment_round, entries=form.entries(), actor=request.user)
        except StaleEditError:
            form.add_error(None, STALE_EDIT_MESSAGE)
            form.refresh_versions(current())
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved the agreed stages."))
            return redirect(_round_url(assessment_round))
    by_challenge = {}
    for rating in ratings:
        by_challenge.setdefault(rating.challenge_id, []).append(rating)
    return render(
        request,
        "assessment/round_consensus.html",
        {
            "site": request.site,
            "round": assessment_round,
            "form": form,
            "rows": [(*row, by_challenge.get(row[0].pk, [])) for row in form.rows()],
        },
    )


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def round_attendance(request, round):
    assessment_round = found_or_404(queries.site_round(request.site, round), "round")
    initial = dict(assessment_round.attendance.values_list("stakeholder_group", "count"))
    form = AttendanceForm(request.POST if request.method == "POST" else None, initial=initial)
    response = handle_form(
        request,
        form,
        save=lambda form: services.record_attendance(
            assessment_round, counts=form.counts(), actor=request.user
        ),
        done=lambda result: (_("Saved who took part."), _round_url(assessment_round)),
    )
    if response is not None:
        return response
    return render(
        request,
        "assessment/round_attendance.html",
        {"site": request.site, "round": assessment_round, "form": form},
    )


@site_view(SiteAccess.EDIT)
@require_POST
def round_close(request, round):
    assessment_round = found_or_404(queries.site_round(request.site, round), "round")
    try:
        services.close_round(assessment_round, actor=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Closed the round. Its agreed stages are now on the dashboard.")
        )
    return redirect(_round_url(assessment_round))


# --- Team TRIP -----------------------------------------------------------------------------


def _team_url(team):
    return reverse("sites:team", kwargs={"site": team.site.slug, "team": team.slug})


def _current_challenges(site):
    framework = framework_queries.current_version(site.programme.framework_key)
    return framework_queries.grid(framework)[1] if framework else []


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def trip_resources(request, team):
    team = found_or_404(programme_queries.site_team(request.site, team), "team")
    resources = queries.team_resources(team)
    initial = {"people": "", "strengths": "", "links": "", "version": 0}
    if resources:
        initial = {f: getattr(resources, f) for f in services.RESOURCE_FIELDS} | {
            "version": resources.version
        }
    form = TeamResourcesForm(request.POST if request.method == "POST" else None, initial=initial)

    def save(form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.save_team_resources(
            team, actor=request.user, expected_version=form.cleaned_data["version"], **data
        )

    def latest_version():
        latest = queries.team_resources(team)
        return latest.version if latest else 0

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda result: (_("Saved the team's resources."), _team_url(team)),
        latest_version=latest_version,
    )
    if response is not None:
        return response
    return render(
        request,
        "assessment/trip_form.html",
        {"site": request.site, "team": team, "form": form, "title": _("The team's resources")},
    )


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def trip_benchmark(request, team):
    team = found_or_404(programme_queries.site_team(request.site, team), "team")
    challenges = _current_challenges(request.site)
    if not challenges:
        messages.error(request, _("The programme has not published a framework yet."))
        return redirect(_team_url(team))
    latest = {
        b.challenge_id: (b.level, b.notes, None) for b in queries.latest_team_benchmarks(team)
    }
    form = TeamBenchmarkForm(
        request.POST if request.method == "POST" else None, challenges=challenges, current=latest
    )

    def save(form):
        return services.benchmark_team(
            team,
            assessed_on=form.cleaned_data["assessed_on"],
            levels={e.challenge: (e.level, e.text) for e in form.entries()},
            actor=request.user,
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda result: (_("Saved the team's benchmark."), _team_url(team)),
    )
    if response is not None:
        return response
    return render(
        request,
        "assessment/trip_benchmark.html",
        {"site": request.site, "team": team, "form": form},
    )


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def trip_priorities(request, team):
    team = found_or_404(programme_queries.site_team(request.site, team), "team")
    challenges = _current_challenges(request.site)
    initial = {}
    for p in queries.team_priorities(team):
        initial[f"challenge_{p.rank}"] = str(p.challenge_id)
        initial[f"aim_{p.rank}"] = p.aim
    form = TeamPrioritiesForm(
        request.POST if request.method == "POST" else None, challenges=challenges, initial=initial
    )
    response = handle_form(
        request,
        form,
        save=lambda form: services.set_team_priorities(
            team, priorities=form.priorities, on=timezone.localdate(), actor=request.user
        ),
        done=lambda result: (_("Saved the team's priorities."), _team_url(team)),
    )
    if response is not None:
        return response
    return render(
        request,
        "assessment/trip_form.html",
        {
            "site": request.site,
            "team": team,
            "form": form,
            "title": _("The team's top three priorities"),
        },
    )


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def trip_review(request, team):
    team = found_or_404(programme_queries.site_team(request.site, team), "team")
    form = TeamReviewForm(request.POST if request.method == "POST" else None)
    response = handle_form(
        request,
        form,
        save=lambda form: services.review_team(team, actor=request.user, **form.cleaned_data),
        done=lambda result: (_("Saved the review."), _team_url(team)),
    )
    if response is not None:
        return response
    return render(
        request,
        "assessment/trip_form.html",
        {"site": request.site, "team": team, "form": form, "title": _("Review and reset the plan")},
    )
