"""Measures and their data points, including bulk upsert. Writes go through imroc.measures.services."""

from __future__ import annotations

import datetime as dt
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
from imroc.api.improvement import UserRef
from imroc.core import safejson
from imroc.core.services import ServiceError
from imroc.framework import queries as framework_queries
from imroc.measures import queries, services
from imroc.measures.models import DataPoint, Measure
from imroc.programme.access import SiteAccess

router = Router(tags=["measures and data points"])

BULK_MAX_ROWS = 100_000

KindName = Literal["outcome", "process", "balancing"]
DataTypeName = Literal["continuous", "proportion", "rate", "count", "between"]
ChartName = Literal["xmr", "p", "u", "c", "g", "t"]
DirectionName = Literal["increase", "decrease", "neutral"]
FrequencyName = Literal["weekly", "monthly"]
Number = float


class MeasureOut(Schema):
    id: UUID
    version: int
    name: str
    definition: str
    kind: str
    unit: str
    data_type: str
    chart_type: str
    improvement: str
    frequency: str
    week_starts_on: int
    rate_per: int
    team: str | None
    target: float | None
    target_date: dt.date | None
    owner: UserRef | None
    challenge: str | None
    shared: UUID | None = Field(
        None, description="The programme measure this site reports, if any."
    )
    created_at: dt.datetime
    updated_at: dt.datetime


class MeasureIn(Schema):
    name: text(200, 1)
    definition: text(4000, 1)
    kind: KindName = "outcome"
    unit: text(60) = ""
    data_type: DataTypeName = "continuous"
    chart_type: ChartName | None = Field(
        None, description="Left out: the usual chart for the data type."
    )
    improvement: DirectionName = "increase"
    frequency: FrequencyName = "monthly"
    week_starts_on: int = Field(0, ge=0, le=6, description="0 is Monday.")
    rate_per: int = Field(1, ge=1, le=1_000_000_000)
    team: str | None = Field(None, max_length=80, description="A team's slug.")
    target: float | None = Field(None, ge=-1e12, le=1e12)
    target_date: Date | None = None
    owner: UUID | None = None
    challenge: str | None = Field(None, max_length=50, description="A challenge's slug.")


class MeasurePatch(Schema):
    expected_version: int = Field(..., ge=1, le=2_000_000_000)
    name: text(200, 1) | None = None
    definition: text(4000, 1) | None = None
    kind: KindName | None = None
    unit: text(60) | None = None
    data_type: DataTypeName | None = None
    chart_type: ChartName | None = None
    improvement: DirectionName | None = None
    frequency: FrequencyName | None = None
    week_starts_on: int | None = Field(None, ge=0, le=6)
    rate_per: int | None = Field(None, ge=1, le=1_000_000_000)
    team: str | None = Field(None, max_length=80)
    target: float | None = Field(None, ge=-1e12, le=1e12)
    target_date: Date | None = None
    owner: UUID | None = None
    challenge: str | None = Field(None, max_length=50)


class PointOut(Schema):
    period: dt.date
    value: float
    numerator: float | None
    denominator: float | None
    note: str
    revision: int
    source: str
    updated_at: dt.datetime


class PointIn(Schema):
    period: str = Field(..., max_length=40, description="2021-03-01, or 2021-03 for monthly data.")
    value: Number | None = None
    numerator: Number | None = None
    denominator: Number | None = None
    note: text(300) = ""


class PointResult(Schema):
    outcome: Literal["created", "corrected", "unchanged"]
    point: PointOut


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


# The bulk body is documented here and checked by hand: pydantic models for 100,000 rows cost
# more than the whole write, and upsert_data_points checks every row's fields itself, with
# row numbers. Only the shape (a list of objects with known keys) is checked before it.
BULK_ROW_KEYS = frozenset({"measure", "period", "value", "numerator", "denominator", "note"})
BULK_ROW_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["period"],
    "properties": {
        "measure": _nullable({"type": "string", "format": "uuid", "description": "The measure's id. Left out on a measure's own bulk route."}),
        "period": {"type": "string", "maxLength": 40, "description": "2021-03-01, or 2021-03 for monthly data."},
        "value": _nullable({"type": "number"}),
        "numerator": _nullable({"type": "number"}),
        "denominator": _nullable({"type": "number"}),
        "note": {"type": "string", "maxLength": 300},
    },
}  # fmt: skip
BULK_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["rows"],
                    "additionalProperties": False,
                    "properties": {
                        "rows": {"type": "array", "minItems": 1, "maxItems": BULK_MAX_ROWS, "items": BULK_ROW_SCHEMA}
                    },
                }
            }
        },
    }
}  # fmt: skip


class BulkOut(Schema):
    rows: int
    created: int
    corrected: int
    unchanged: int
    measures: int


def measure_out(m: Measure) -> dict:
    return {
        "id": m.public_id, "version": m.version,
        **{name: getattr(m, name) for name in services.DEFINITION_FIELDS},
        "team": m.team.slug if m.team_id else None, "target": m.target, "target_date": m.target_date,
        "owner": user_ref(m.owner), "challenge": m.challenge.slug if m.challenge_id else None,
        "shared": m.shared.public_id if m.shared_id else None,
        "created_at": m.created_at, "updated_at": m.updated_at,
    }  # fmt: skip


def point_out(p: DataPoint) -> dict:
    return {
        "period": p.period, "value": p.value, "numerator": p.numerator, "denominator": p.denominator,
        "note": p.note, "revision": p.revision, "source": p.source, "updated_at": p.updated_at,
    }  # fmt: skip


def _measure(site, measure: UUID) -> Measure:
    return found(queries.site_measure(site, measure), "measure")


def _bad(field: str, message: str) -> ProblemError:
    return ProblemError(422, message, [{"loc": ["body", field], "msg": message, "row": None}])


def _site_fields(site, fields: dict) -> dict:
    """Turn slugs and ids into this site's objects; refuse anything that is not the site's."""
    if fields.get("team") is not None:
        fields["team"] = site.teams.filter(slug=fields["team"]).first() or _raise(
            _bad("team", "Choose one of this site's teams, by its slug.")
        )
    if fields.get("owner") is not None:
        fields["owner"] = get_user_model().objects.filter(
            public_id=fields["owner"]
        ).first() or _raise(_bad("owner", "There is no such person at this site."))
    if fields.get("challenge") is not None:
        fields["challenge"] = framework_queries.current_challenges(
            site.programme.framework_key
        ).filter(slug=fields["challenge"]).first() or _raise(
            _bad("challenge", "Choose a challenge from the framework in use, by its slug.")
        )
    return fields  # fmt: skip


def _raise(error: Exception):
    raise error


@router.get(
    "/sites/{site}/measures", response=responses(page_of(MeasureOut)), summary="A site's measures"
)
def list_measures(
    request, site: str, page: Query[PageParams], kind: KindName | None = None,
    challenge: str | None = None, updated_since: Since | None = None,
):  # fmt: skip
    measures = queries.site_measures(site_for(request, site))
    if kind:
        measures = measures.filter(kind=kind)
    if challenge:
        measures = measures.filter(challenge__slug=challenge)
    if updated_since:
        measures = measures.filter(updated_at__gte=updated_since)
    return paginate(request, measures, page, measure_out)


@router.post(
    "/sites/{site}/measures", response=responses(MeasureOut, code=201), summary="Add a measure"
)
def create_measure(request, site: str, payload: MeasureIn):
    obj = site_for(request, site, SiteAccess.EDIT)
    fields = _site_fields(obj, payload.dict())
    if fields["chart_type"] is None:
        fields.pop("chart_type")
    try:
        measure = services.create_measure(obj, actor=request.user, **fields)
    except ServiceError as error:
        raise service_error(error) from None
    return Status(201, measure_out(queries.site_measure(obj, measure.public_id)))


@router.get(
    "/sites/{site}/measures/{measure}", response=responses(MeasureOut), summary="One measure"
)
def get_measure(request, site: str, measure: UUID):
    return measure_out(_measure(site_for(request, site), measure))


@router.patch(
    "/sites/{site}/measures/{measure}", response=responses(MeasureOut), summary="Change a measure"
)
def update_measure(request, site: str, measure: UUID, payload: MeasurePatch):
    obj = site_for(request, site, SiteAccess.EDIT)
    target = _measure(obj, measure)
    fields = payload.dict(exclude_unset=True)
    expected = fields.pop("expected_version")
    required = ("name", "definition", "kind", "unit", "data_type", "chart_type", "improvement", "frequency", "week_starts_on", "rate_per")  # fmt: skip
    for name in required:
        if name in fields and fields[name] is None:
            raise _bad(name, f"{name} cannot be null.")
    fields = _site_fields(obj, fields)
    try:
        services.update_measure(target, actor=request.user, expected_version=expected, **fields)
    except ServiceError as error:
        raise service_error(error) from None
    return measure_out(queries.site_measure(obj, measure))


@router.get(
    "/sites/{site}/measures/{measure}/points",
    response=responses(page_of(PointOut)),
    summary="A measure's data points",
)
def list_points(
    request, site: str, measure: UUID, page: Query[PageParams], period_from: Date | None = None,
    period_to: Date | None = None, updated_since: Since | None = None,
):  # fmt: skip
    points = queries.measure_points(_measure(site_for(request, site), measure))
    if period_from:
        points = points.filter(period__gte=period_from)
    if period_to:
        points = points.filter(period__lte=period_to)
    if updated_since:
        points = points.filter(updated_at__gte=updated_since)
    return paginate(request, points, page, point_out)


@router.post(
    "/sites/{site}/measures/{measure}/points",
    response=responses(PointResult),
    summary="Enter or correct one period's value",
)
def record_point(request, site: str, measure: UUID, payload: PointIn):
    obj = site_for(request, site, SiteAccess.EDIT)
    target = _measure(obj, measure)
    try:
        outcome = services.record_point(target, actor=request.user, **payload.dict())
    except ServiceError as error:
        raise service_error(error) from None
    from imroc.measures import parsing

    period = parsing.parse_period(payload.period, target)
    return {"outcome": outcome, "point": point_out(queries.measure_point(target, period))}


def _row_problem(number: int, field: str | None, message: str) -> dict:
    loc = ["body", "rows", number - 1, *([field] if field else [])]
    return {"loc": loc, "msg": message, "row": number}


def _bulk_rows(request, measure: Measure | None) -> list[dict]:
    """The rows of a bulk body, shape-checked; their values are checked by the service."""
    from imroc.api.urls import BULK_MAX_BYTES  # the route's own size limit, checked there first

    try:
        data = safejson.loads(request.body or b"null", max_bytes=BULK_MAX_BYTES)
    except safejson.JSONLimitError as error:
        status = 413 if isinstance(error, safejson.TooLarge) else 400
        problem = [{"loc": ["body"], "msg": str(error), "row": None}]
        raise ProblemError(status, str(error), problem) from None
    except ValueError:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ProblemError(400, "The body is not valid JSON.") from None
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows or set(data) != {"rows"}:
        message = 'Send {"rows": [...]}: a list of 1 or more rows, and nothing else.'
        raise ProblemError(422, message, [{"loc": ["body", "rows"], "msg": message, "row": None}])
    if len(rows) > BULK_MAX_ROWS:
        message = f"Send at most {BULK_MAX_ROWS:,} rows at once. Split the data."
        raise ProblemError(422, message, [{"loc": ["body", "rows"], "msg": message, "row": None}])
    errors = []
    own = str(measure.public_id) if measure is not None else None
    for number, row in enumerate(rows, start=1):
        if len(errors) >= services.BULK_MAX_ERRORS:
            break
        if not isinstance(row, dict):
            errors.append(_row_problem(number, None, "Each row must be an object of named values."))
        elif not BULK_ROW_KEYS.issuperset(row):
            extra = ", ".join(sorted(str(k) for k in set(row) - BULK_ROW_KEYS))[:100]
            errors.append(_row_problem(number, None, f"Unknown field(s): {extra}."))
        elif any(
            isinstance(row.get(k), int) and abs(row[k]) >= 10**12
            for k in ("value", "numerator", "denominator")
        ):
            errors.append(_row_problem(number, None, "A number is too large. Check it."))
        elif measure is not None:
            given = row.get("measure")
            if given is not None and str(given).lower() != own:
                errors.append(
                    _row_problem(
                        number,
                        "measure",
                        "On a measure's own route, leave out the measure or give this one.",
                    )
                )
            row["measure"] = measure
        elif not isinstance(row.get("measure"), str):
            errors.append(
                _row_problem(number, "measure", "Say which measure this row is for, by its id.")
            )
    if errors:
        raise ProblemError(422, "Some rows are not in the right form. Nothing was saved.", errors)
    return rows


def _bulk(request, site, measure: Measure | None) -> dict:
    rows = _bulk_rows(request, measure)
    try:
        return services.upsert_data_points(
            site, rows, actor=request.user, source=DataPoint.Source.IMPORT
        )
    except services.BulkUpsertError as error:
        errors = [_row_problem(e["row"], e["field"], e["message"]) for e in error.errors]
        raise ProblemError(422, str(error), errors) from None
    except ServiceError as error:
        raise service_error(error) from None


BULK_HELP = (
    "All rows or none: if any row is wrong, nothing is saved and the 422 problem lists the row "
    f"numbers (counting from 1) and what is wrong. Up to {BULK_MAX_ROWS:,} rows. New periods are "
    "created; changed ones are corrected, keeping the old values; identical ones are left alone."
)
BULK_ERRORS = (400, 401, 403, 404, 413, 422)


@router.post(
    "/sites/{site}/points/bulk",
    response=responses(BulkOut, errors=BULK_ERRORS),
    summary="Bulk upsert data points of many measures",
    description=BULK_HELP,
    openapi_extra=BULK_BODY,
)
def bulk_points(request, site: str):
    return _bulk(request, site_for(request, site, SiteAccess.EDIT), None)


@router.post(
    "/sites/{site}/measures/{measure}/points/bulk",
    response=responses(BulkOut, errors=BULK_ERRORS),
    summary="Bulk upsert one measure's data points",
    description=BULK_HELP,
    openapi_extra=BULK_BODY,
)
def bulk_measure_points(request, site: str, measure: UUID):
    obj = site_for(request, site, SiteAccess.EDIT)
    return _bulk(request, obj, _measure(obj, measure))
