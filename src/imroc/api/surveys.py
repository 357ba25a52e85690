"""Questionnaires (instruments) and their responses (scores only, by pseudonymous respondent)."""

from __future__ import annotations

import datetime as dt
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
from imroc.core.services import ServiceError
from imroc.programme.access import SiteAccess
from imroc.surveys import engine, queries, services
from imroc.surveys.forms import PaperForm
from imroc.surveys.models import SurveyResponse

router = Router(tags=["questionnaires"])


class InstrumentVersionOut(Schema):
    id: UUID
    number: int
    title: str
    language: str
    validated: bool
    published_at: dt.datetime


class InstrumentOut(Schema):
    id: UUID
    key: str
    title: str
    audience: str
    owned_by_site: bool
    latest_version: int | None
    responses_here: int


class InstrumentDetailOut(InstrumentOut):
    versions: list[InstrumentVersionOut]


class ResponseOut(Schema):
    id: UUID
    instrument: UUID
    version: int
    respondent: str | None
    completed_on: dt.date
    mode: str
    score: float | None
    subscale_scores: dict
    band: str
    missing: int
    prorated: bool


Answer = text(2000) | int | float | bool | list[text(200)]


class PaperResponseIn(Schema):
    """A paper questionnaire typed in, checked as the paper entry form checks it."""

    version: int | None = Field(
        None, ge=1, le=1_000_000, description="The version's number; the latest if left out."
    )
    completed_on: Date = Field(..., description="The date the form was filled in.")
    reference: text(100) = Field(
        "",
        description="Something the service already uses for the person, such as a record "
        "number. It is never stored: only a code made from it.",
    )
    code: text(20) = Field(
        "", description="Or a code written on a paper form, like P-ABCD-2345. Not both."
    )
    answers: dict[text(100), Answer] = Field(
        ...,
        max_length=1000,
        description='The answers by question id (link id), such as {"q1": "2"}. Several '
        "choices are a list. Leave out questions that were not answered.",
    )


def instrument_out(i) -> dict:
    return {
        "id": i.public_id, "key": i.key, "title": i.title, "audience": i.audience,
        "owned_by_site": i.site_id is not None, "latest_version": getattr(i, "latest", None),
        "responses_here": getattr(i, "site_responses", None) or 0,
    }  # fmt: skip


def version_out(v) -> dict:
    return {
        "id": v.public_id, "number": v.number, "title": v.title, "language": v.language,
        "validated": v.validated, "published_at": v.published_at,
    }  # fmt: skip


def response_out(r: SurveyResponse) -> dict:
    return {
        "id": r.public_id, "instrument": r.instrument.public_id, "version": r.version.number,
        "respondent": r.respondent.code if r.respondent_id else None,
        "completed_on": r.completed_on, "mode": r.mode, "score": r.score,
        "subscale_scores": {str(k): v for k, v in (r.subscale_scores or {}).items()},
        "band": r.band, "missing": r.missing, "prorated": r.prorated,
    }  # fmt: skip


def _instrument(site, public_id: UUID):
    return found(queries.instrument(site, public_id), "questionnaire")


@router.get(
    "/sites/{site}/instruments",
    response=responses(page_of(InstrumentOut)),
    summary="Questionnaires the site can use",
)
def list_instruments(request, site: str, page: Query[PageParams]):
    return paginate(request, queries.instruments(site_for(request, site)), page, instrument_out)


@router.get(
    "/sites/{site}/instruments/{instrument}",
    response=responses(InstrumentDetailOut),
    summary="One questionnaire with its versions",
)
def get_instrument(request, site: str, instrument: UUID):
    obj = site_for(request, site)
    found_one = _instrument(obj, instrument)
    annotated = queries.instruments(obj).get(pk=found_one.pk)
    return {
        **instrument_out(annotated),
        "versions": [version_out(v) for v in queries.versions(found_one)],
    }


@router.get(
    "/sites/{site}/instruments/{instrument}/responses",
    response=responses(page_of(ResponseOut)),
    summary="Responses at this site",
)
def list_responses(
    request, site: str, instrument: UUID, page: Query[PageParams],
    completed_from: dt.date | None = None, updated_since: Since | None = None,
):  # fmt: skip
    obj = site_for(request, site)
    found_one = _instrument(obj, instrument)
    items = (
        SurveyResponse.objects.filter(site=obj, instrument=found_one)
        .select_related("instrument", "version", "respondent")
        .order_by("completed_on", "id")
    )
    if completed_from:
        items = items.filter(completed_on__gte=completed_from)
    if updated_since:
        items = items.filter(updated_at__gte=updated_since)
    return paginate(request, items, page, response_out)


def _error(loc: list, message: str) -> dict:
    return {"loc": loc, "msg": message, "row": None}


def _paper_problems(version, payload: PaperResponseIn) -> list[dict]:
    """Every problem at once, like the paper entry form: its fields, then each answer."""
    errors = []
    form = PaperForm(
        {"completed_on": payload.completed_on.isoformat(), "reference": payload.reference,
         "code": payload.code},
    )  # fmt: skip
    if not form.is_valid():
        for name, messages in form.errors.items():
            loc = ["body"] if name == "__all__" else ["body", name]
            errors += [_error(loc, str(m)) for m in messages]
    questions = engine.questions(version.definition)
    for link_id in payload.answers:
        if questions.get(link_id, {}).get("type") not in engine.ANSWERED_TYPES:
            errors.append(
                _error(["body", "answers", link_id], "There is no such question in this version.")
            )
    checked = engine.check_answers(version.definition, payload.answers, final=True)
    errors += _answer_errors(checked)
    return errors


def _answer_errors(checked: engine.Checked) -> list[dict]:
    return [
        _error(["body", "answers"] if link_id == "_" else ["body", "answers", link_id], str(msg))
        for link_id, msg in checked.errors.items()
    ]


@router.post(
    "/sites/{site}/instruments/{instrument}/responses",
    response=responses(ResponseOut, code=201),
    summary="Type in a paper response",
    description="Records a questionnaire filled in on paper, as the paper entry page does. "
    "Answers that cannot be accepted give 422, with an error per question at "
    "['body', 'answers', <question id>].",
)
def create_paper_response(request, site: str, instrument: UUID, payload: PaperResponseIn):
    obj = site_for(request, site, SiteAccess.CONTRIBUTE)
    found_one = _instrument(obj, instrument)
    if payload.version is None:
        version = found(queries.current_version(found_one), "questionnaire version")
    else:
        version = next((v for v in queries.versions(found_one) if v.number == payload.version), None)  # fmt: skip
        if version is None:
            message = "This questionnaire has no version with that number."
            raise ProblemError(422, message, [_error(["body", "version"], message)])
    errors = _paper_problems(version, payload)
    if errors:
        raise ProblemError(422, "Some of what was sent is not valid. See errors.", errors)
    try:
        respondent = services.respondent_for(obj, reference=payload.reference, code=payload.code)
        response = services.record_paper_response(
            obj, version, actor=request.user, raw=payload.answers,
            completed_on=payload.completed_on, respondent=respondent,
        )  # fmt: skip
    except ServiceError as error:
        raise service_error(error) from None
    except services.AnswerError as error:
        raise ProblemError(
            422, "Some answers need checking. See errors.", _answer_errors(error.checked)
        ) from None
    stored = SurveyResponse.objects.select_related("instrument", "version", "respondent").get(
        pk=response.pk
    )
    return Status(201, response_out(stored))
