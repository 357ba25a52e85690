"""Every write to priorities, goals, driver diagrams, PDSA cycles and reviews."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext

from imroc.core import audit
from imroc.core.services import ServiceError, StaleEditError, save_versioned
from imroc.framework.models import Challenge, FrameworkVersion
from imroc.improvement.models import Driver, Goal, GoalChange, PdsaCycle, Priority, Review
from imroc.programme.models import Site, SiteMembership, SiteRole

GOAL_FIELDS = [
    "challenge", "title", "description", "target_level", "target_value", "target_value_meaning",
    "target_date", "owner", "co_lead", "status", "chime", "next_review_on",
]  # fmt: skip
PLAN_FIELDS = [
    "change_idea",
    "objective",
    "who",
    "where",
    "starts_on",
    "ends_on",
    "prediction",
    "measures",
]
CYCLE_FIELDS = [
    *PLAN_FIELDS, "do_notes", "observations", "study_notes", "decision", "next_steps", "decided_on",
]  # fmt: skip


def _check_people(site: Site, fields: dict) -> None:
    members = dict(
        SiteMembership.objects.filter(
            site=site, user__in=[u for u in (fields.get("owner"), fields.get("co_lead")) if u]
        ).values_list("user_id", "role")
    )
    owner, co_lead = fields.get("owner"), fields.get("co_lead")
    if owner is not None and members.get(owner.pk) not in (
        SiteRole.LEAD,
        SiteRole.MEMBER,
        SiteRole.PARTNER,
    ):
        raise ServiceError(
            gettext("The owner must be a lead, member or partner of this site."), "owner"
        )
    if co_lead is not None and members.get(co_lead.pk) != SiteRole.PARTNER:
        raise ServiceError(
            gettext(
                "The lived-experience co-lead must be one of this site's lived-experience partners."
            ),
            "co_lead",
        )


def _check_challenge(challenge: Challenge) -> None:
    if challenge.framework_version.status == FrameworkVersion.Status.DRAFT:
        raise ServiceError(gettext("Choose a challenge from the framework in use."), "challenge")


def choose_priorities(
    site: Site, *, challenges: list[Challenge], on: dt.date, reason: str, actor
) -> list[Priority]:
    """Make these challenges the site's priorities: new ones start, dropped ones end today."""
    if not challenges:
        raise ServiceError(gettext("Choose at least one challenge to work on."), "challenges")
    with transaction.atomic():
        current = {
            p.challenge_id: p
            for p in site.priorities.select_for_update().filter(ended_on__isnull=True)
        }
        wanted = {c.pk: c for c in challenges}
        before = sorted(p.challenge.slug for p in current.values())
        for challenge_id, priority in current.items():
            if challenge_id not in wanted:
                priority.ended_on = on
                priority.save(update_fields=["ended_on", "updated_at"])
        for challenge_id, challenge in wanted.items():
            if challenge_id not in current:
                Priority.objects.create(site=site, challenge=challenge, chosen_on=on, reason=reason)
        audit.record(
            actor, "priorities.choose", site, site=site, before={"priorities": before},
            after={"priorities": sorted(c.slug for c in challenges), "reason": reason},
        )  # fmt: skip
    return list(site.priorities.filter(ended_on__isnull=True))


def create_goal(site: Site, *, actor, **fields) -> Goal:
    _check_people(site, fields)
    _check_challenge(fields["challenge"])
    with transaction.atomic():
        goal = Goal.objects.create(site=site, **fields)
        audit.record(actor, "goal.create", goal, site=site, after=audit.snapshot(goal, GOAL_FIELDS))
    return goal


def adjust_goal(goal: Goal, *, actor, expected_version: int, reason: str, **fields) -> Goal:
    """Change a goal, keeping what it was and why it changed. Refused if someone saved first."""
    if not reason.strip():
        raise ServiceError(gettext("Say why the goal is changing."), "reason")
    _check_people(goal.site, fields)
    with transaction.atomic():
        stored = Goal.objects.select_for_update().get(pk=goal.pk)
        if stored.version != expected_version:
            raise StaleEditError(goal)
        before = audit.snapshot(stored, GOAL_FIELDS)
        for name, value in fields.items():
            setattr(goal, name, value)
        after = audit.snapshot(goal, GOAL_FIELDS)
        changed = {k for k in after if after[k] != before[k]}
        if not changed:
            raise ServiceError(gettext("Nothing has changed. Change the goal, or cancel."))
        save_versioned(goal, expected_version, list(fields))
        GoalChange.objects.create(
            goal=goal,
            changed_by=audit.user_of(actor),
            reason=reason.strip(),
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
        audit.record(
            actor, "goal.adjust", goal, site=goal.site,
            before={k: before[k] for k in changed}, after={**{k: after[k] for k in changed}, "reason": reason},
        )  # fmt: skip
    return goal


def add_driver(goal: Goal, *, kind: str, text: str, parent: Driver | None, actor) -> Driver:
    expected_parent = {
        Driver.Kind.PRIMARY: None,
        Driver.Kind.SECONDARY: Driver.Kind.PRIMARY,
        Driver.Kind.CHANGE_IDEA: Driver.Kind.SECONDARY,
    }[kind]
    if expected_parent is None and parent is not None:
        raise ServiceError(
            gettext("A primary driver links straight to the aim, so choose no parent."), "parent"
        )
    if expected_parent is not None and (parent is None or parent.kind != expected_parent):
        if expected_parent == Driver.Kind.PRIMARY:
            raise ServiceError(gettext("Link this to a primary driver."), "parent")
        raise ServiceError(gettext("Link this to a secondary driver."), "parent")
    if parent is not None and parent.goal_id != goal.pk:
        raise ServiceError(gettext("Link this to part of the same goal's diagram."), "parent")
    with transaction.atomic():
        driver = Driver.objects.create(goal=goal, kind=kind, text=text, parent=parent)
        audit.record(
            actor, "driver.create", driver, site=goal.site,
            after={"goal": goal.title, "kind": kind, "text": text, "parent": parent.text if parent else None},
        )  # fmt: skip
    return driver


def start_cycle(goal: Goal, *, actor, previous: PdsaCycle | None = None, **plan) -> PdsaCycle:
    if previous is not None and previous.goal_id != goal.pk:
        raise ServiceError(gettext("A cycle can only follow a cycle of the same goal."), "previous")
    if plan["ends_on"] < plan["starts_on"]:
        raise ServiceError(gettext("The test must end on or after the day it starts."), "ends_on")
    with transaction.atomic():
        cycle = PdsaCycle.objects.create(goal=goal, previous=previous, **plan)
        audit.record(
            actor, "pdsa.start", cycle, site=goal.site,
            after={**audit.snapshot(cycle, PLAN_FIELDS), "after": str(previous.public_id) if previous else None},
        )  # fmt: skip
    return cycle


def update_cycle(cycle: PdsaCycle, *, actor, expected_version: int, **fields) -> PdsaCycle:
    """Record the do, study or act step (or correct the plan). Refused if someone saved first."""
    merged = {**audit.snapshot(cycle, CYCLE_FIELDS), **fields}
    if fields.get("decision") and not (merged.get("study_notes") or "").strip():
        raise ServiceError(
            gettext("Study the results before deciding to adopt, adapt or abandon."), "decision"
        )
    if (merged.get("study_notes") or "").strip() and not (merged.get("do_notes") or "").strip():
        raise ServiceError(
            gettext("Record what happened before studying the results."), "study_notes"
        )
    if "ends_on" in fields and "starts_on" in fields and fields["ends_on"] < fields["starts_on"]:
        raise ServiceError(gettext("The test must end on or after the day it starts."), "ends_on")
    with transaction.atomic():
        before = audit.snapshot(PdsaCycle.objects.get(pk=cycle.pk), CYCLE_FIELDS)
        for name, value in fields.items():
            setattr(cycle, name, value)
        save_versioned(cycle, expected_version, list(fields))
        after = audit.snapshot(cycle, CYCLE_FIELDS)
        audit.record(
            actor, "pdsa.update", cycle, site=cycle.goal.site,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )  # fmt: skip
    return cycle


def record_review(
    site: Site, *, goal: Goal | None, actor, held_on: dt.date, progress_score, decision: str,
    notes: str, next_review_on: dt.date | None,
) -> Review:  # fmt: skip
    """Record a review. For a goal, the decision updates its status and next review date."""
    if goal is not None and goal.site_id != site.pk:
        raise ServiceError(gettext("That goal belongs to another site."))
    if goal is not None and not decision:
        raise ServiceError(gettext("Choose what happens to the goal next."), "decision")
    if next_review_on is not None and next_review_on <= held_on:
        raise ServiceError(gettext("The next review must be after this one."), "next_review_on")
    with transaction.atomic():
        review = Review.objects.create(
            site=site, goal=goal, held_on=held_on, progress_score=progress_score, decision=decision,
            notes=notes, next_review_on=next_review_on,
            recorded_by=audit.user_of(actor),
        )  # fmt: skip
        if goal is not None:
            goal = Goal.objects.select_for_update().get(pk=goal.pk)
            before = audit.snapshot(goal, ["status", "next_review_on"])
            goal.status = {
                Review.Decision.COMPLETE: Goal.Status.ACHIEVED,
                Review.Decision.STOP: Goal.Status.STOPPED,
            }.get(decision, Goal.Status.ACTIVE)
            goal.next_review_on = next_review_on
            goal.version += 1  # an open edit form must not silently undo the review
            goal.save(update_fields=["status", "next_review_on", "version", "updated_at"])
            audit.record(
                actor, "goal.review", goal, site=site, before=before,
                after={"status": goal.status, "next_review_on": next_review_on, "decision": decision},
            )  # fmt: skip
        audit.record(
            actor, "review.create", review, site=site,
            after={
                "goal": goal.title if goal else None, "held_on": held_on, "score": progress_score,
                "decision": decision, "notes": notes, "next_review_on": next_review_on,
            },
        )  # fmt: skip
    return review
