"""Recovery college: courses, their runs, and enrolments. Writes use imroc.college.services.

Enrolments give a learner's pseudonymous id, never their name or contact details.
"""

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
from imroc.api.improvement import ChimeTag
from imroc.college import queries, services
from imroc.college.models import College, Course
from imroc.core.services import ServiceError
from imroc.framework import queries as framework_queries
from imroc.programme.access import SiteAccess

router = Router(tags=["recovery college"])

CourseStatus = Literal["draft", "published", "hidden"]
CourseFormat = Literal["in_person", "online", "blended"]
CourseAudience = Literal["everyone", "users_carers", "staff"]
Completion = Literal["sessions", "percent"]
LearnerGroup = Literal["service_user", "carer", "staff", "other", ""]


class CourseOut(Schema):
    id: UUID
    version: int
    title: str
    description: str
    learning_outcomes: str
    chime: list[str]
    challenge: str | None
    format: str
    length: str
    accessibility: str
    audience: str
    who_can_attend: str
    status: str
    completion_rule: str
    completion_value: int
    co_reviewed_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CourseIn(Schema):
    title: text(150, 1)
    description: text(4000, 1)
    learning_outcomes: text(4000, 1)
    chime: list[ChimeTag] = Field(default_factory=list, max_length=5)
    challenge: str | None = Field(None, max_length=50)
    format: CourseFormat = "in_person"
    length: text(100, 1)
    accessibility: text(2000) = ""
    audience: CourseAudience = "everyone"
    who_can_attend: text(300) = ""
    status: CourseStatus = "draft"
    completion_rule: Completion = "percent"
    completion_value: int = Field(75, ge=1, le=100)
    co_reviewed_on: Date | None = None


class CoursePatch(Schema):
    expected_version: int = Field(..., ge=1, le=2_000_000_000)
    title: text(150, 1) | None = None
    description: text(4000, 1) | None = None
    learning_outcomes: text(4000, 1) | None = None
    chime: list[ChimeTag] | None = Field(None, max_length=5)
    challenge: str | None = Field(None, max_length=50)
    format: CourseFormat | None = None
    length: text(100, 1) | None = None
    accessibility: text(2000) | None = None
    audience: CourseAudience | None = None
    who_can_attend: text(300) | None = None
    status: CourseStatus | None = None
    completion_rule: Completion | None = None
    completion_value: int | None = Field(None, ge=1, le=100)
    co_reviewed_on: Date | None = None


class RunOut(Schema):
    id: UUID
    version: int
    course: UUID
    term: str
    term_starts_on: dt.date
    capacity: int
    places_taken: int
    waiting: int
    enrolment_open: bool
    cancelled: bool


class EnrolmentOut(Schema):
    id: UUID
    learner: UUID = Field(..., description="The learner's id: no name or contact details.")
    status: str
    group: str
    enrolled_by_staff: bool
    created_at: dt.datetime
    cancelled_at: dt.datetime | None


class EnrolmentIn(Schema):
    """What the staff enrolment form asks for. Only the learner's id is ever given back."""

    name: text(100, 1) = Field(..., description="The name the learner likes to be called.")
    contact: text(254, 1) = Field(..., description="An email address or phone number.")
    group: LearnerGroup = Field("", description="Who they are coming as; empty if not said.")
    access_needs: text(2000) = ""
    consent: bool = Field(
        ...,
        description="The learner agreed that the college keeps their name and contact to "
        "arrange their place. Must be true.",
    )
    idempotency_key: text(64) | None = Field(
        None,
        description="Any unique string: sending the same one again gives back the first "
        "enrolment instead of a second one.",
    )


class EnrolmentPatch(Schema):
    status: Literal["cancelled"] = Field(
        ...,
        description="The only change an enrolment takes: cancelled. A freed place goes to the "
        "next person on the waiting list.",
    )


def course_out(c: Course) -> dict:
    return {
        "id": c.public_id, "version": c.version,
        **{f: getattr(c, f) for f in services.COURSE_FIELDS if f != "challenge"},
        "chime": list(c.chime or []), "challenge": c.challenge.slug if c.challenge_id else None,
        "created_at": c.created_at, "updated_at": c.updated_at,
    }  # fmt: skip


def run_out(r) -> dict:
    return {
        "id": r.public_id, "version": r.version, "course": r.course.public_id, "term": r.term.name,
        "term_starts_on": r.term.starts_on, "capacity": r.capacity,
        "places_taken": getattr(r, "taken", 0), "waiting": getattr(r, "waiting", 0),
        "enrolment_open": r.enrolment_open, "cancelled": r.cancelled,
    }  # fmt: skip


def enrolment_out(e) -> dict:
    return {
        "id": e.public_id, "learner": e.learner.public_id, "status": e.status, "group": e.group,
        "enrolled_by_staff": e.enrolled_by_staff, "created_at": e.created_at,
        "cancelled_at": e.cancelled_at,
    }  # fmt: skip


def _college(site) -> College:
    college = queries.site_college(site)
    if college is None:
        raise ProblemError(404, "This site has not set up a recovery college.")
    return college


def _course(college, public_id: UUID) -> Course:
    return found(queries.course(college, public_id), "course")


def _challenge(site, fields: dict) -> dict:
    if fields.get("challenge") is not None:
        challenge = framework_queries.current_challenges(site.programme.framework_key).filter(slug=fields["challenge"]).first()  # fmt: skip
        if challenge is None:
            message = "Choose a challenge from the framework in use, by its slug."
            raise ProblemError(
                422, message, [{"loc": ["body", "challenge"], "msg": message, "row": None}]
            )
        fields["challenge"] = challenge
    return fields


@router.get(
    "/sites/{site}/college/courses",
    response=responses(page_of(CourseOut)),
    summary="The college's courses",
)
def list_courses(
    request, site: str, page: Query[PageParams], status: CourseStatus | None = None,
    challenge: str | None = None, updated_since: Since | None = None,
):  # fmt: skip
    courses = queries.courses(_college(site_for(request, site)))
    if status:
        courses = courses.filter(status=status)
    if challenge:
        courses = courses.filter(challenge__slug=challenge)
    if updated_since:
        courses = courses.filter(updated_at__gte=updated_since)
    return paginate(request, courses, page, course_out)


@router.post(
    "/sites/{site}/college/courses", response=responses(CourseOut, code=201), summary="Add a course"
)
def create_course(request, site: str, payload: CourseIn):
    obj = site_for(request, site, SiteAccess.EDIT)
    college = _college(obj)
    try:
        course = services.create_course(
            college, actor=request.user, **_challenge(obj, payload.dict())
        )
    except ServiceError as error:
        raise service_error(error) from None
    return Status(201, course_out(queries.course(college, course.public_id)))


@router.get(
    "/sites/{site}/college/courses/{course}", response=responses(CourseOut), summary="One course"
)
def get_course(request, site: str, course: UUID):
    return course_out(_course(_college(site_for(request, site)), course))


@router.patch(
    "/sites/{site}/college/courses/{course}",
    response=responses(CourseOut),
    summary="Change a course",
)
def update_course(request, site: str, course: UUID, payload: CoursePatch):
    obj = site_for(request, site, SiteAccess.EDIT)
    college = _college(obj)
    target = _course(college, course)
    fields = payload.dict(exclude_unset=True)
    expected = fields.pop("expected_version")
    for name, value in fields.items():
        if value is None and name not in ("challenge", "co_reviewed_on"):
            raise ProblemError(422, f"{name} cannot be null.", [{"loc": ["body", name], "msg": "Cannot be null.", "row": None}])  # fmt: skip
    try:
        services.update_course(
            target, actor=request.user, expected_version=expected, **_challenge(obj, fields)
        )
    except ServiceError as error:
        raise service_error(error) from None
    return course_out(queries.course(college, course))


@router.get(
    "/sites/{site}/college/courses/{course}/runs",
    response=responses(list[RunOut]),
    summary="A course's runs",
)
def list_runs(request, site: str, course: UUID):
    target = _course(_college(site_for(request, site)), course)
    return [run_out(r) for r in queries.course_runs(target)]


@router.get(
    "/sites/{site}/college/runs/{run}/enrolments",
    response=responses(page_of(EnrolmentOut)),
    summary="A run's enrolments",
)
def list_enrolments(
    request, site: str, run: UUID, page: Query[PageParams],
    status: Literal["enrolled", "waiting", "cancelled"] | None = None,
):  # fmt: skip
    college = _college(site_for(request, site))
    target = found(queries.run(college, run), "course run")
    enrolments = queries.run_enrolments(target)
    if status:
        enrolments = [e for e in enrolments if e.status == status]
    return paginate(request, enrolments, page, enrolment_out)


def _run(request, site: str, run: UUID, needed: SiteAccess = SiteAccess.VIEW):
    college = _college(site_for(request, site, needed))
    return found(queries.run(college, run), "course run")


@router.post(
    "/sites/{site}/college/runs/{run}/enrolments",
    response=responses({200: EnrolmentOut, 201: EnrolmentOut}),
    summary="Enrol a learner on a run",
    description="Gives the learner a place, or a waiting-list place when the run is full "
    "(see status). 201 for a new enrolment; 200 when the learner already has a live place on "
    "this run, or the idempotency_key was used before: nothing new is added.",
)
def enrol_learner(request, site: str, run: UUID, payload: EnrolmentIn):
    target = _run(request, site, run, SiteAccess.EDIT)
    try:
        result = services.enrol(
            target, actor=request.user, by_staff=True,
            base_url=request.build_absolute_uri("/"), **payload.dict(),
        )  # fmt: skip
    except ServiceError as error:
        raise service_error(error) from None
    enrolment = queries.run_enrolment(target, result.enrolment.public_id)
    return Status(201 if result.new else 200, enrolment_out(enrolment))


@router.patch(
    "/sites/{site}/college/runs/{run}/enrolments/{enrolment}",
    response=responses(EnrolmentOut),
    summary="Cancel an enrolment",
)
def update_enrolment(request, site: str, run: UUID, enrolment: UUID, payload: EnrolmentPatch):
    target = _run(request, site, run, SiteAccess.EDIT)
    found_one = found(queries.run_enrolment(target, enrolment), "enrolment")
    try:
        services.cancel_enrolment(
            found_one, actor=request.user, base_url=request.build_absolute_uri("/")
        )
    except ServiceError as error:
        raise service_error(error) from None
    return enrolment_out(queries.run_enrolment(target, enrolment))
