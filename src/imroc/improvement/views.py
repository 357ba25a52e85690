"""Priorities, goals, PDSA cycles and reviews. Thin views: reads in queries, writes in services."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from imroc.accounts.personal_data import personal_data
from imroc.core import panels, tables
from imroc.core.access import found_or_404
from imroc.core.form_views import handle_form
from imroc.framework import queries as framework_queries
from imroc.improvement import queries, services
from imroc.improvement.forms import (
    AdjustGoalForm,
    CycleForm,
    DriverForm,
    GoalForm,
    PlanForm,
    PrioritiesForm,
    ReviewForm,
)
from imroc.improvement.presenters import driver_tree, goal_history, ramps
from imroc.improvement.tables import cycles_table, goals_table
from imroc.programme.access import SiteAccess, site_view


def _framework_challenges(site):
    return framework_queries.current_challenges(site.programme.framework_key)


def _can_change(request, goal) -> bool:
    """Members and leads change any goal; partners change the goals they co-lead."""
    if request.site_access >= SiteAccess.EDIT:
        return True
    return request.site_access == SiteAccess.CONTRIBUTE and goal.co_lead_id == request.user.pk


def _require_change(request, goal) -> None:
    if not _can_change(request, goal):
        raise PermissionDenied


def _goal_url(goal):
    return reverse("improvement:goal", kwargs={"site": goal.site.slug, "goal": goal.public_id})


def _cycle_url(site, goal, cycle):
    return reverse(
        "improvement:cycle",
        kwargs={"site": site.slug, "goal": goal.public_id, "cycle": cycle.public_id},
    )


@site_view()
@personal_data()
def goal_list(request):
    site = request.site
    goals = list(queries.site_goals(site))
    if tables.wants_export(request):
        return tables.export(request, goals_table(site, goals))
    return render(
        request,
        "improvement/goal_list.html",
        {
            "site": site,
            "priorities": list(queries.active_priorities(site)),
            "goals": goals,
            "site_reviews": list(queries.site_reviews(site)[:5]),
            "can_edit": request.site_access >= SiteAccess.EDIT,
            "today": timezone.localdate(),
        },
    )


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def priorities(request):
    site = request.site
    current = [p.challenge_id for p in queries.active_priorities(site)]
    form = PrioritiesForm(
        request.POST if request.method == "POST" else None,
        challenges=_framework_challenges(site),
        initial={"challenges": current},
    )

    def save(form):
        return services.choose_priorities(
            site,
            challenges=list(form.cleaned_data["challenges"]),
            on=timezone.localdate(),
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda result: (
            gettext("Saved the priorities. Now set goals for them."),
            reverse("improvement:goals", kwargs={"site": site.slug}),
        ),
    )
    if response is not None:
        return response
    return render(request, "improvement/priorities.html", {"site": site, "form": form})


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def goal_create(request):
    site = request.site
    initial = {"owner": request.user.pk, "status": "active"}
    if request.GET.get("challenge"):
        initial["challenge"] = request.GET["challenge"]
    form = GoalForm(
        request.POST if request.method == "POST" else None, initial=initial, challenges=_framework_challenges(site),
        people=queries.site_people_users(site), partners=queries.site_partner_users(site),
    )  # fmt: skip
    response = handle_form(
        request,
        form,
        save=lambda form: services.create_goal(site, actor=request.user, **form.goal_fields()),
        done=lambda goal: (gettext("Added the goal."), _goal_url(goal)),
    )
    if response is not None:
        return response
    return render(request, "improvement/goal_form.html", {"site": site, "form": form, "goal": None})


@site_view()
@personal_data()
def goal_detail(request, goal):
    site = request.site
    goal = found_or_404(queries.site_goal(site, goal), "goal")
    cycles = queries.goal_cycles(goal)
    if tables.wants_export(request):
        return tables.export(request, cycles_table(goal, cycles))
    return render(
        request,
        "improvement/goal_detail.html",
        {
            "site": site,
            "goal": goal,
            "ramps": ramps(cycles),
            "cycle_count": len(cycles),
            "drivers": driver_tree(queries.goal_drivers(goal)),
            "history": goal_history(queries.goal_changes(goal)),
            "reviews": queries.goal_reviews(goal),
            "can_change": _can_change(request, goal),
            "panels": panels.panels_for(panels.GOAL_PAGE, request, goal),
        },
    )


@site_view(SiteAccess.CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def goal_adjust(request, goal):
    site = request.site
    goal = found_or_404(queries.site_goal(site, goal), "goal")
    _require_change(request, goal)
    initial = {
        name: getattr(goal, name)
        for name in services.GOAL_FIELDS
        if name not in ("challenge", "owner", "co_lead")
    } | {
        "challenge": goal.challenge_id,
        "owner": goal.owner_id,
        "co_lead": goal.co_lead_id,
        "version": goal.version,
    }
    form = AdjustGoalForm(
        request.POST if request.method == "POST" else None, initial=initial, challenges=_adjust_challenges(site, goal),
        people=queries.site_people_users(site), partners=queries.site_partner_users(site),
    )  # fmt: skip

    def save(form):
        return services.adjust_goal(
            goal,
            actor=request.user,
            expected_version=form.cleaned_data["version"] or 0,
            reason=form.cleaned_data["reason"],
            **form.goal_fields(),
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda result: (
            gettext("Saved the change. The goal's history shows what changed and why."),
            _goal_url(goal),
        ),
        latest_version=lambda: queries.site_goal(site, goal.public_id).version,
    )
    if response is not None:
        return response
    return render(request, "improvement/goal_form.html", {"site": site, "form": form, "goal": goal})


def _adjust_challenges(site, goal):
    """The framework in use, plus the goal's own challenge if it came from an older version."""
    return framework_queries.current_challenges(
        site.programme.framework_key, also=goal.challenge_id
    )


@site_view(SiteAccess.CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def driver_add(request, goal):
    goal = found_or_404(queries.site_goal(request.site, goal), "goal")
    _require_change(request, goal)
    form = DriverForm(
        request.POST if request.method == "POST" else None,
        drivers=goal.drivers.exclude(kind="change_idea"),
    )
    response = handle_form(
        request,
        form,
        save=lambda form: services.add_driver(goal, actor=request.user, **form.cleaned_data),
        done=lambda result: (gettext("Added to the driver diagram."), _goal_url(goal)),
    )
    if response is not None:
        return response
    return render(request, "improvement/simple_form.html", {
        "site": request.site, "goal": goal, "form": form, "title": gettext("Add to the driver diagram"),
        "intro": gettext("A driver diagram links the aim (the goal) to the things that drive it, and to change ideas you can test."),
    })  # fmt: skip


@site_view(SiteAccess.CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def cycle_create(request, goal):
    goal = found_or_404(queries.site_goal(request.site, goal), "goal")
    _require_change(request, goal)
    previous = None
    after = request.POST.get("after") or request.GET.get("after")
    if after:
        previous = found_or_404(
            queries.goal_cycle(goal, after) if _is_uuid(after) else None, "cycle"
        )
    initial = {}
    if previous is not None:
        initial = {
            "change_idea": previous.change_idea,
            "who": previous.who,
            "where": previous.where,
        }
    form = PlanForm(request.POST if request.method == "POST" else None, initial=initial)
    response = handle_form(
        request,
        form,
        save=lambda form: services.start_cycle(
            goal, actor=request.user, previous=previous, **form.cleaned_data
        ),
        done=lambda cycle: (
            gettext("Planned the cycle. Record what happens as the test goes on."),
            _cycle_url(request.site, goal, cycle),
        ),
    )
    if response is not None:
        return response
    return render(request, "improvement/cycle_form.html", {
        "site": request.site, "goal": goal, "form": form, "cycle": None, "previous": previous,
    })  # fmt: skip


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@site_view()
def cycle_detail(request, goal, cycle):
    goal = found_or_404(queries.site_goal(request.site, goal), "goal")
    cycle = found_or_404(queries.goal_cycle(goal, cycle), "cycle")
    return render(request, "improvement/cycle_detail.html", {
        "site": request.site, "goal": goal, "cycle": cycle, "can_change": _can_change(request, goal),
        "next_cycles": list(cycle.next_cycles.all()),
    })  # fmt: skip


@site_view(SiteAccess.CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def cycle_edit(request, goal, cycle):
    goal = found_or_404(queries.site_goal(request.site, goal), "goal")
    _require_change(request, goal)
    cycle = found_or_404(queries.goal_cycle(goal, cycle), "cycle")
    form = CycleForm(
        request.POST if request.method == "POST" else None,
        instance=cycle,
        initial={"version": cycle.version},
    )

    def save(form):
        return services.update_cycle(
            cycle,
            actor=request.user,
            expected_version=form.cleaned_data["version"] or 0,
            **form.cycle_fields(),
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda result: (gettext("Saved the cycle."), _cycle_url(request.site, goal, cycle)),
        latest_version=lambda: queries.goal_cycle(goal, cycle.public_id).version,
    )
    if response is not None:
        return response
    return render(request, "improvement/cycle_form.html", {
        "site": request.site, "goal": goal, "form": form, "cycle": cycle, "previous": cycle.previous,
    })  # fmt: skip


@site_view(SiteAccess.CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def goal_review(request, goal):
    goal = found_or_404(queries.site_goal(request.site, goal), "goal")
    _require_change(request, goal)
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        for_goal=True,
        initial={"held_on": timezone.localdate()},
    )

    def done(review):
        if form.cleaned_data["decision"] == "adjust":
            url = reverse(
                "improvement:goal_adjust",
                kwargs={"site": request.site.slug, "goal": goal.public_id},
            )
        else:
            url = _goal_url(goal)
        return gettext("Saved the review."), url

    response = handle_form(
        request,
        form,
        save=lambda form: services.record_review(
            request.site, goal=goal, actor=request.user, **form.cleaned_data
        ),
        done=done,
    )
    if response is not None:
        return response
    return render(request, "improvement/simple_form.html", {
        "site": request.site, "goal": goal, "form": form, "title": gettext("Review the goal"),
        "intro": gettext("Look at the goal's PDSA cycles and measures, score the progress, and decide what happens next."),
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def site_review(request):
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        for_goal=False,
        initial={"held_on": timezone.localdate()},
    )
    response = handle_form(
        request,
        form,
        save=lambda form: services.record_review(
            request.site, goal=None, actor=request.user, decision="", **form.cleaned_data
        ),
        done=lambda review: (
            gettext("Saved the review of the site's plan."),
            reverse("improvement:goals", kwargs={"site": request.site.slug}),
        ),
    )
    if response is not None:
        return response
    return render(request, "improvement/simple_form.html", {
        "site": request.site, "goal": None, "form": form, "title": gettext("Review the site's plan"),
        "intro": gettext("Step back from single goals: is the plan as a whole working? Set the date of the next review."),
    })  # fmt: skip
