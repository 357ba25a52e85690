"""Questionnaires (instruments) and their responses (scores only, by pseudonymous respondent)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from ninja import Query, Router, Schema

from imroc.api.core import PageParams, Since, found, page_of, paginate, responses, site_for
from imroc.surveys import queries
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
