"""Goals and their PDSA cycles. Writes go through imroc.improvement.services (audited)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.contrib.auth import get_user_model
from ninja import Field, Query, Router, Schema, Status

from imroc.api.core import (
    Date,
    PageParams,
    ProblemError,
    Since,
    found,
    page_of,
    paginate,
    responses,
    service_error,
    site_for,
    text,
    user_ref,
)
from imroc.core.services import ServiceError
from imroc.framework import queries as framework_queries
from imroc.improvement import queries, services
from imroc.improvement.models import Goal, PdsaCycle
from imroc.programme.access import SiteAccess

router = Router(tags=["goals and PDSA cycles"])

GoalStatus = Literal["planned", "active", "achieved", "stopped"]
ChimeTag = Literal["connectedness", "hope", "identity", "meaning", "empowerment"]
Decision = Literal["", "adopt", "adapt", "abandon"]


class UserRef(Schema):
    id: UUID
    name: str


class GoalOut(Schema):
    id: UUID
    version: int
    challenge: str
    title: str
    description: str
    target_level: int | None
    target_value: Decimal | None
    target_value_meaning: str
    target_date: dt.date
    owner: UserRef | None
    co_lead: UserRef | None
    status: str
    chime: list[str]
    next_review_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime


class GoalIn(Schema):
    challenge: str = Field(
        ..., description="The challenge's slug, from the framework in use.", max_length=50
    )
    title: text(200, 1)
    description: text(4000) = ""
    target_level: int | None = Field(None, ge=0, le=3)
    target_value: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    target_value_meaning: text(200) = ""
    target_date: Date
    owner: UUID | None = Field(None, description="The owner's user id; you, if left out.")
    co_lead: UUID | None = Field(None, description="A lived-experience partner of the site.")
    status: GoalStatus = "active"
    chime: list[ChimeTag] = Field(default_factory=list, max_length=5)
    next_review_on: Date | None = None


class GoalPatch(Schema):
    expected_version: int = Field(
        ..., ge=1, le=2_000_000_000, description="The version you last read."
    )
    reason: text(2000, 1) = Field(..., description="Why the goal is changing.")
    challenge: str | None = Field(None, max_length=50)
    title: text(200, 1) | None = None
    description: text(4000) | None = None
    target_level: int | None = Field(None, ge=0, le=3)
    target_value: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    target_value_meaning: text(200) | None = None
    target_date: Date | None = None
    owner: UUID | None = None
    co_lead: UUID | None = None
    status: GoalStatus | None = None
    chime: list[ChimeTag] | None = Field(None, max_length=5)
    next_review_on: Date | None = None


class CycleOut(Schema):
    id: UUID
    version: int
    goal: UUID
    previous: UUID | None
    change_idea: str
    objective: str
    who: str
    where: str
    starts_on: dt.date
    ends_on: dt.date
    prediction: str
    measures: str
    do_notes: str
    observations: str
    study_notes: str
    decision: str
    next_steps: str
    decided_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CycleIn(Schema):
    change_idea: text(300, 1)
    objective: text(2000, 1)
    who: text(300, 1)
    where: text(300) = ""
    starts_on: Date
    ends_on: Date
    prediction: text(2000, 1)
    measures: text(2000) = ""
    previous: UUID | None = Field(None, description="The cycle of the same goal this one follows.")


class CyclePatch(Schema):
    expected_version: int = Field(..., ge=1, le=2_000_000_000)
    change_idea: text(300, 1) | None = None
    objective: text(2000, 1) | None = None
    who: text(300, 1) | None = None
    where: text(300) | None = None
    starts_on: Date | None = None
    ends_on: Date | None = None
    prediction: text(2000, 1) | None = None
    measures: text(2000) | None = None
    do_notes: text(4000) | None = None
    observations: text(4000) | None = None
    study_notes: text(4000) | None = None
    decision: Decision | None = None
    next_steps: text(2000) | None = None
    decided_on: Date | None = None


def goal_out(goal: Goal) -> dict:
    return {
        "id": goal.public_id, "version": goal.version, "challenge": goal.challenge.slug,
        "title": goal.title, "description": goal.description, "target_level": goal.target_level,
        "target_value": goal.target_value, "target_value_meaning": goal.target_value_meaning,
        "target_date": goal.target_date, "owner": user_ref(goal.owner), "co_lead": user_ref(goal.co_lead),
        "status": goal.status, "chime": list(goal.chime or []), "next_review_on": goal.next_review_on,
        "created_at": goal.created_at, "updated_at": goal.updated_at,
    }  # fmt: skip


def cycle_out(cycle: PdsaCycle) -> dict:
    return {
        "id": cycle.public_id, "version": cycle.version, "goal": cycle.goal.public_id,
        "previous": cycle.previous.public_id if cycle.previous_id else None,
        **{name: getattr(cycle, name) for name in services.CYCLE_FIELDS},
        "created_at": cycle.created_at, "updated_at": cycle.updated_at,
    }  # fmt: skip


def _challenge(site, slug: str):
    challenge = (
        framework_queries.current_challenges(site.programme.framework_key).filter(slug=slug).first()
    )
    if challenge is None:
        raise ProblemError(422, "Choose a challenge from the framework in use, by its slug.",
                           [{"loc": ["body", "challenge"], "msg": "No such challenge.", "row": None}])  # fmt: skip
    return challenge


def _person(public_id: UUID | None, field: str):
    if public_id is None:
        return None
    user = get_user_model().objects.filter(public_id=public_id).first()
    if user is None:
        raise ProblemError(422, "There is no such person at this site.",
                           [{"loc": ["body", field], "msg": "No such person.", "row": None}])  # fmt: skip
    return user


def _goal(site, goal: UUID) -> Goal:
    return found(queries.site_goal(site, goal), "goal")


def _require_change(request, goal: Goal) -> None:
    """Members and leads change any goal; partners change the goals they co-lead (as in the UI)."""
    if request.site_access >= SiteAccess.EDIT:
        return
    if request.site_access == SiteAccess.CONTRIBUTE and goal.co_lead_id == request.user.pk:
        return
    raise ProblemError(403, "Your role at this site does not allow changing this goal.")


@router.get("/sites/{site}/goals", response=responses(page_of(GoalOut)), summary="A site's goals")
def list_goals(
    request, site: str, page: Query[PageParams], status: GoalStatus | None = None,
    challenge: str | None = None, updated_since: Since | None = None,
):  # fmt: skip
    obj = site_for(request, site)
    goals = queries.site_goals(obj)
    if status:
        goals = goals.filter(status=status)
    if challenge:
        goals = goals.filter(challenge__slug=challenge)
    if updated_since:
        goals = goals.filter(updated_at__gte=updated_since)
    return paginate(request, goals, page, goal_out)


@router.post("/sites/{site}/goals", response=responses(GoalOut, code=201), summary="Add a goal")
def create_goal(request, site: str, payload: GoalIn):
    obj = site_for(request, site, SiteAccess.EDIT)
    fields = payload.dict()
    fields["challenge"] = _challenge(obj, payload.challenge)
    fields["owner"] = _person(payload.owner, "owner") or request.user
    fields["co_lead"] = _person(payload.co_lead, "co_lead")
    try:
        goal = services.create_goal(obj, actor=request.user, **fields)
    except ServiceError as error:
        raise service_error(error) from None
    return Status(201, goal_out(queries.site_goal(obj, goal.public_id)))


@router.get("/sites/{site}/goals/{goal}", response=responses(GoalOut), summary="One goal")
def get_goal(request, site: str, goal: UUID):
    return goal_out(_goal(site_for(request, site), goal))


@router.patch(
    "/sites/{site}/goals/{goal}", response=responses(GoalOut), summary="Change a goal, saying why"
)
def update_goal(request, site: str, goal: UUID, payload: GoalPatch):
    obj = site_for(request, site, SiteAccess.CONTRIBUTE)
    target = _goal(obj, goal)
    _require_change(request, target)
    fields = payload.dict(exclude_unset=True)
    expected, reason = fields.pop("expected_version"), fields.pop("reason")
    if "challenge" in fields:
        fields["challenge"] = _challenge(obj, fields["challenge"] or "")
    for name in ("owner", "co_lead"):
        if name in fields:
            fields[name] = _person(fields[name], name)
    for name in ("title", "status", "chime", "description", "target_value_meaning", "target_date"):
        if name in fields and fields[name] is None:
            raise ProblemError(422, f"{name} cannot be empty.", [{"loc": ["body", name], "msg": "Cannot be null.", "row": None}])  # fmt: skip
    if fields.get("owner", True) is None:
        raise ProblemError(422, "A goal needs an owner.", [{"loc": ["body", "owner"], "msg": "Cannot be null.", "row": None}])  # fmt: skip
    try:
        services.adjust_goal(
            target, actor=request.user, expected_version=expected, reason=reason, **fields
        )
    except ServiceError as error:
        raise service_error(error) from None
    return goal_out(queries.site_goal(obj, goal))


@router.get(
    "/sites/{site}/goals/{goal}/cycles",
    response=responses(page_of(CycleOut)),
    summary="A goal's PDSA cycles",
)
def list_cycles(
    request, site: str, goal: UUID, page: Query[PageParams], decision: Decision | None = None
):
    target = _goal(site_for(request, site), goal)
    cycles = target.cycles.select_related("previous", "goal").order_by("starts_on", "id")
    if decision is not None:
        cycles = cycles.filter(decision=decision)
    return paginate(request, cycles, page, cycle_out)


@router.post(
    "/sites/{site}/goals/{goal}/cycles",
    response=responses(CycleOut, code=201),
    summary="Plan a PDSA cycle",
)
def create_cycle(request, site: str, goal: UUID, payload: CycleIn):
    obj = site_for(request, site, SiteAccess.CONTRIBUTE)
    target = _goal(obj, goal)
    _require_change(request, target)
    plan = payload.dict()
    previous = plan.pop("previous")
    if previous is not None:
        previous = found(queries.goal_cycle(target, previous), "previous cycle")
    try:
        cycle = services.start_cycle(target, actor=request.user, previous=previous, **plan)
    except ServiceError as error:
        raise service_error(error) from None
    return Status(201, cycle_out(queries.goal_cycle(target, cycle.public_id)))


@router.get(
    "/sites/{site}/goals/{goal}/cycles/{cycle}",
    response=responses(CycleOut),
    summary="One PDSA cycle",
)
def get_cycle(request, site: str, goal: UUID, cycle: UUID):
    target = _goal(site_for(request, site), goal)
    return cycle_out(found(queries.goal_cycle(target, cycle), "cycle"))


@router.patch(
    "/sites/{site}/goals/{goal}/cycles/{cycle}",
    response=responses(CycleOut),
    summary="Record the do, study or act step",
)
def update_cycle(request, site: str, goal: UUID, cycle: UUID, payload: CyclePatch):
    obj = site_for(request, site, SiteAccess.CONTRIBUTE)
    target = _goal(obj, goal)
    _require_change(request, target)
    stored = found(queries.goal_cycle(target, cycle), "cycle")
    fields = payload.dict(exclude_unset=True)
    expected = fields.pop("expected_version")
    for name, value in list(fields.items()):
        if value is None and name != "decided_on":
            raise ProblemError(422, f"{name} cannot be null.", [{"loc": ["body", name], "msg": "Cannot be null.", "row": None}])  # fmt: skip
    try:
        services.update_cycle(stored, actor=request.user, expected_version=expected, **fields)
    except ServiceError as error:
        raise service_error(error) from None
    return cycle_out(queries.goal_cycle(target, cycle))
