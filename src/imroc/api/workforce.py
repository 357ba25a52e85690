"""Workforce: peer support cohorts, joint training events and policy reviews (read only)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from ninja import Query, Router, Schema

from imroc.api.core import PageParams, Since, found, page_of, paginate, responses, site_for
from imroc.workforce import queries

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
