"""Workforce: peer support cohorts and their posts, joint training events and policy reviews.

Writes (peer support posts) use imroc.workforce.services. Posts are anonymous: a label such as
"Peer support worker 3", never a person's name.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Field, Query, Router, Schema, Status

from imroc.api.core import (
    Date,
    PageParams,
    ProblemError,
    Since,
    field_problem,
    found,
    page_of,
    paginate,
    responses,
    service_error,
    site_for,
    text,
)
from imroc.core.services import ServiceError
from imroc.programme.access import SiteAccess
from imroc.workforce import queries, services

router = Router(tags=["workforce"])


class CohortOut(Schema):
    id: UUID
    version: int
    name: str
    phase: str
    started_on: dt.date
    applicants: int | None
    interviewed: int | None
    training_course: str
    training_hours: int | None
    posts: int
    in_post: int
    updated_at: dt.datetime


class TrainingEventOut(Schema):
    id: UUID
    topic: str
    held_on: dt.date
    capacity: int
    staff_attended: int
    service_users_attended: int
    carers_attended: int
    trainers: int
    lived_experience_trainers: int
    updated_at: dt.datetime


class PolicyOut(Schema):
    id: UUID
    version: int
    title: str
    kind: str
    current_url: str
    next_review_on: dt.date | None
    reviews: int
    last_reviewed: dt.date | None
    last_outcome: str | None
    updated_at: dt.datetime


LeavingReason = Literal[
    "new_job", "promotion", "study", "health", "contract", "role", "personal", "other", ""
]  # fmt: skip
Fte = Field(description="Whole-time equivalent: 1 is full time, 0.6 is three days a week.")


class PostOut(Schema):
    id: UUID
    version: int
    label: str
    team: str | None = Field(None, description="The team's slug; null while not yet deployed.")
    fte: Decimal
    appointed_on: dt.date | None
    training_completed_on: dt.date | None
    left_on: dt.date | None
    leaving_reason: str
    updated_at: dt.datetime


class PostIn(Schema):
    label: text(80, 1) = Field(..., description="An anonymous name, like “Peer support worker 3”.")
    team: text(100) | None = Field(None, description="A team's slug; null while not deployed.")
    fte: Decimal = Field(Decimal("1.00"), gt=0, le=1, max_digits=3, decimal_places=2)
    appointed_on: Date | None = None
    training_completed_on: Date | None = None
    left_on: Date | None = None
    leaving_reason: LeavingReason = ""


class PostPatch(Schema):
    expected_version: int = Field(..., ge=1, le=2_000_000_000)
    label: text(80, 1) | None = None
    team: text(100) | None = None
    fte: Decimal | None = Field(None, gt=0, le=1, max_digits=3, decimal_places=2)
    appointed_on: Date | None = None
    training_completed_on: Date | None = None
    left_on: Date | None = None
    leaving_reason: LeavingReason | None = None


def post_out(p) -> dict:
    return {
        "id": p.public_id, "version": p.version, "label": p.label,
        "team": p.team.slug if p.team_id else None, "fte": p.fte, "appointed_on": p.appointed_on,
        "training_completed_on": p.training_completed_on, "left_on": p.left_on,
        "leaving_reason": p.leaving_reason, "updated_at": p.updated_at,
    }  # fmt: skip


def cohort_out(c) -> dict:
    return {
        "id": c.public_id, "version": c.version, "name": c.name, "phase": c.phase,
        "started_on": c.started_on, "applicants": c.applicants, "interviewed": c.interviewed,
        "training_course": c.training_course, "training_hours": c.training_hours,
        "posts": getattr(c, "post_count", 0), "in_post": getattr(c, "in_post", 0),
        "updated_at": c.updated_at,
    }  # fmt: skip


def event_out(e) -> dict:
    return {
        "id": e.public_id, "topic": e.topic, "held_on": e.held_on, "capacity": e.capacity,
        "staff_attended": e.staff_attended, "service_users_attended": e.service_users_attended,
        "carers_attended": e.carers_attended, "trainers": getattr(e, "trainer_count", 0),
        "lived_experience_trainers": getattr(e, "lived_trainers", 0), "updated_at": e.updated_at,
    }  # fmt: skip


def policy_out(p) -> dict:
    return {
        "id": p.public_id, "version": p.version, "title": p.title, "kind": p.kind,
        "current_url": p.current_url, "next_review_on": p.next_review_on,
        "reviews": getattr(p, "review_count", 0), "last_reviewed": getattr(p, "last_reviewed", None),
        "last_outcome": getattr(p, "last_outcome", None), "updated_at": p.updated_at,
    }  # fmt: skip


@router.get(
    "/sites/{site}/workforce/cohorts",
    response=responses(page_of(CohortOut)),
    summary="Peer support worker cohorts",
)
def list_cohorts(
    request,
    site: str,
    page: Query[PageParams],
    phase: str | None = None,
    updated_since: Since | None = None,
):
    cohorts = queries.site_cohorts(site_for(request, site))
    if phase:
        cohorts = cohorts.filter(phase=phase)
    if updated_since:
        cohorts = cohorts.filter(updated_at__gte=updated_since)
    return paginate(request, cohorts, page, cohort_out)


@router.get(
    "/sites/{site}/workforce/cohorts/{cohort}", response=responses(CohortOut), summary="One cohort"
)
def get_cohort(request, site: str, cohort: UUID):
    obj = site_for(request, site)
    found(queries.site_cohort(obj, cohort), "cohort")
    return cohort_out(queries.site_cohorts(obj).get(public_id=cohort))


@router.get(
    "/sites/{site}/workforce/training",
    response=responses(page_of(TrainingEventOut)),
    summary="Joint training events",
)
def list_training(
    request,
    site: str,
    page: Query[PageParams],
    held_from: dt.date | None = None,
    updated_since: Since | None = None,
):
    events = queries.site_events(site_for(request, site))
    if held_from:
        events = events.filter(held_on__gte=held_from)
    if updated_since:
        events = events.filter(updated_at__gte=updated_since)
    return paginate(request, events, page, event_out)


@router.get(
    "/sites/{site}/workforce/training/{event}",
    response=responses(TrainingEventOut),
    summary="One training event",
)
def get_training(request, site: str, event: UUID):
    obj = site_for(request, site)
    found(queries.site_event(obj, event), "training event")
    return event_out(queries.site_events(obj).get(public_id=event))


@router.get(
    "/sites/{site}/policies",
    response=responses(page_of(PolicyOut)),
    summary="Policies and their reviews",
)
def list_policies(
    request,
    site: str,
    page: Query[PageParams],
    kind: str | None = None,
    updated_since: Since | None = None,
):
    policies = queries.site_policies(site_for(request, site))
    if kind:
        policies = policies.filter(kind=kind)
    if updated_since:
        policies = policies.filter(updated_at__gte=updated_since)
    return paginate(request, policies, page, policy_out)


@router.get("/sites/{site}/policies/{policy}", response=responses(PolicyOut), summary="One policy")
def get_policy(request, site: str, policy: UUID):
    obj = site_for(request, site)
    found(queries.site_policy(obj, policy), "policy")
    return policy_out(queries.site_policies(obj).get(public_id=policy))


def _cohort(request, site: str, cohort: UUID, needed: SiteAccess = SiteAccess.VIEW):
    return found(queries.site_cohort(site_for(request, site, needed), cohort), "cohort")


def _team(site, fields: dict) -> dict:
    if fields.get("team") is not None:
        team = queries.site_teams(site).filter(slug=fields["team"]).first()
        if team is None:
            raise field_problem("Choose one of this site's teams, by its slug.", "team")
        fields["team"] = team
    return fields


@router.get(
    "/sites/{site}/workforce/cohorts/{cohort}/posts",
    response=responses(list[PostOut]),
    summary="A cohort's peer support posts",
)
def list_posts(request, site: str, cohort: UUID):
    return [post_out(p) for p in queries.cohort_posts(_cohort(request, site, cohort))]


@router.post(
    "/sites/{site}/workforce/cohorts/{cohort}/posts",
    response=responses(PostOut, code=201),
    summary="Add a peer support post",
)
def create_post(request, site: str, cohort: UUID, payload: PostIn):
    target = _cohort(request, site, cohort, SiteAccess.EDIT)
    try:
        post = services.add_post(target, actor=request.user, **_team(target.site, payload.dict()))
    except ServiceError as error:
        raise service_error(error) from None
    return Status(201, post_out(queries.cohort_post(target, post.public_id)))


@router.patch(
    "/sites/{site}/workforce/cohorts/{cohort}/posts/{post}",
    response=responses(PostOut),
    summary="Change a peer support post",
)
def update_post(request, site: str, cohort: UUID, post: UUID, payload: PostPatch):
    target = _cohort(request, site, cohort, SiteAccess.EDIT)
    found_one = found(queries.cohort_post(target, post), "post")
    fields = payload.dict(exclude_unset=True)
    expected = fields.pop("expected_version")
    for name in ("label", "fte"):
        if name in fields and fields[name] is None:
            raise ProblemError(422, f"{name} cannot be null.", [{"loc": ["body", name], "msg": "Cannot be null.", "row": None}])  # fmt: skip
    if fields.get("leaving_reason", "") is None:
        fields["leaving_reason"] = ""
    try:
        services.update_post(
            found_one, actor=request.user, expected_version=expected, **_team(target.site, fields)
        )
    except ServiceError as error:
        raise service_error(error) from None
    return post_out(queries.cohort_post(target, post))
