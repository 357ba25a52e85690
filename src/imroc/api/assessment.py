"""Self-assessment rounds, stakeholder ratings and consensus. Writes use imroc.assessment.services."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

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
)
from imroc.assessment import queries, services
from imroc.assessment.models import AssessmentRound
from imroc.core.services import ServiceError
from imroc.framework import queries as framework_queries
from imroc.programme import queries as programme_queries
from imroc.programme.access import SiteAccess

router = Router(tags=["assessment"])

Group = Literal["staff", "manager", "service_user", "carer", "commissioner"]


class RoundOut(Schema):
    id: UUID
    version: int
    title: str
    held_on: dt.date
    status: str
    notes: str
    framework_version: UUID
    created_at: dt.datetime
    updated_at: dt.datetime


class RoundIn(Schema):
    title: text(120, 1)
    held_on: Date


class RatingOut(Schema):
    id: UUID
    version: int
    challenge: str
    stakeholder_group: str
    level: int
    evidence: str
    updated_at: dt.datetime


class ConsensusOut(Schema):
    id: UUID
    version: int
    challenge: str
    level: int
    rationale: str
    updated_at: dt.datetime


class RatingEntry(Schema):
    challenge: str = Field(..., max_length=50, description="The challenge's slug.")
    level: int = Field(..., ge=0, le=3)
    evidence: text(4000) = ""
    expected_version: int | None = Field(
        None,
        ge=1,
        le=2_000_000_000,
        description="The rating's version you last read; leave out for a new rating.",
    )


class RatingsIn(Schema):
    group: Group | None = Field(
        None, description="Whose view these are. Partners always rate for their own group."
    )
    ratings: list[RatingEntry] = Field(..., min_length=1, max_length=50)


def round_out(r: AssessmentRound) -> dict:
    return {
        "id": r.public_id, "version": r.version, "title": r.title, "held_on": r.held_on,
        "status": r.status, "notes": r.notes, "framework_version": r.framework_version.public_id,
        "created_at": r.created_at, "updated_at": r.updated_at,
    }  # fmt: skip


def rating_out(r) -> dict:
    return {
        "id": r.public_id, "version": r.version, "challenge": r.challenge.slug,
        "stakeholder_group": r.stakeholder_group, "level": r.level, "evidence": r.evidence,
        "updated_at": r.updated_at,
    }  # fmt: skip


def consensus_out(c) -> dict:
    return {
        "id": c.public_id, "version": c.version, "challenge": c.challenge.slug, "level": c.level,
        "rationale": c.rationale, "updated_at": c.updated_at,
    }  # fmt: skip


def _round(site, public_id: UUID) -> AssessmentRound:
    return found(queries.site_round(site, public_id), "assessment round")


@router.get(
    "/sites/{site}/assessments",
    response=responses(page_of(RoundOut)),
    summary="A site's self-assessment rounds",
)
def list_rounds(
    request, site: str, page: Query[PageParams], status: Literal["open", "closed"] | None = None,
    updated_since: Since | None = None,
):  # fmt: skip
    rounds = queries.site_rounds(site_for(request, site))
    if status:
        rounds = rounds.filter(status=status)
    if updated_since:
        rounds = rounds.filter(updated_at__gte=updated_since)
    return paginate(request, rounds, page, round_out)


@router.post(
    "/sites/{site}/assessments",
    response=responses(RoundOut, code=201),
    summary="Start a self-assessment round",
)
def start_round(request, site: str, payload: RoundIn):
    obj = site_for(request, site, SiteAccess.EDIT)
    framework = framework_queries.current_version(obj.programme.framework_key)
    try:
        started = services.start_round(obj, title=payload.title, held_on=payload.held_on, framework=framework, actor=request.user)  # fmt: skip
    except ServiceError as error:
        raise service_error(error) from None
    return Status(201, round_out(queries.site_round(obj, started.public_id)))


@router.get("/sites/{site}/assessments/{round}", response=responses(RoundOut), summary="One round")
def get_round(request, site: str, round: UUID):
    return round_out(_round(site_for(request, site), round))


@router.get(
    "/sites/{site}/assessments/{round}/ratings",
    response=responses(page_of(RatingOut)),
    summary="A round's ratings",
)
def list_ratings(
    request, site: str, round: UUID, page: Query[PageParams], group: Group | None = None,
    challenge: str | None = None,
):  # fmt: skip
    ratings = queries.round_ratings(_round(site_for(request, site), round)).select_related(
        "challenge"
    )
    if group:
        ratings = ratings.filter(stakeholder_group=group)
    if challenge:
        ratings = ratings.filter(challenge__slug=challenge)
    return paginate(
        request, ratings.order_by("challenge__number", "stakeholder_group", "id"), page, rating_out
    )


@router.post(
    "/sites/{site}/assessments/{round}/ratings",
    response=responses(list[RatingOut]),
    summary="Save one group's ratings (all or none)",
)
def save_ratings(request, site: str, round: UUID, payload: RatingsIn):
    obj = site_for(request, site, SiteAccess.CONTRIBUTE)
    assessment_round = _round(obj, round)
    if request.site_access == SiteAccess.CONTRIBUTE:
        group = programme_queries.site_membership(obj, request.user).stakeholder_group
    elif payload.group is None:
        raise ProblemError(422, "Say whose view these ratings are.", [{"loc": ["body", "group"], "msg": "Required.", "row": None}])  # fmt: skip
    else:
        group = payload.group
    challenges = {
        c.slug: c for c in framework_queries.challenges(assessment_round.framework_version)
    }
    entries = []
    for index, entry in enumerate(payload.ratings):
        challenge = challenges.get(entry.challenge)
        if challenge is None:
            raise ProblemError(422, f"“{entry.challenge}” is not a challenge of this round's framework.",
                               [{"loc": ["body", "ratings", index, "challenge"], "msg": "No such challenge.", "row": index + 1}])  # fmt: skip
        entries.append(
            services.LevelEntry(challenge, entry.level, entry.evidence, entry.expected_version)
        )
    if len({e.challenge.pk for e in entries}) != len(entries):
        raise ProblemError(422, "Give each challenge once.", [{"loc": ["body", "ratings"], "msg": "Duplicate challenge.", "row": None}])  # fmt: skip
    try:
        saved = services.save_ratings(
            assessment_round, group=group, entries=entries, actor=request.user
        )
    except ServiceError as error:
        raise service_error(error) from None
    return [rating_out(r) for r in saved]


@router.get(
    "/sites/{site}/assessments/{round}/consensus",
    response=responses(list[ConsensusOut]),
    summary="A round's agreed stages",
)
def list_consensus(request, site: str, round: UUID):
    items = queries.round_consensus(_round(site_for(request, site), round)).select_related(
        "challenge"
    )
    return [consensus_out(c) for c in items.order_by("challenge__number", "id")]
