"""Summary tables of counts added to the whole-site export. Small cells are hidden in the
de-identified profile (imroc.core.suppression)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth

from imroc.core import suppression
from imroc.reports.exports.profiles import Profile

NAMES = ("aggregate_enrolments_by_run", "aggregate_responses_by_instrument_month")
KEY_COLUMNS = ("course_run_id", "instrument_key", "month")


def tables(site, profile: Profile) -> Iterator[tuple[str, list[str], Iterator[list[Any]]]]:
    yield NAMES[0], _enrolment_headers(), _enrolments(site, profile)
    yield NAMES[1], ["instrument_key", "month", "responses"], _responses(site, profile)


def _statuses():
    from imroc.college.models import Enrolment

    return list(Enrolment.Status.values)


def _enrolment_headers() -> list[str]:
    return ["course_run_id", *_statuses(), "total"]


def _enrolments(site, profile: Profile) -> Iterator[list[Any]]:
    from imroc.college.models import Enrolment

    statuses = _statuses()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Enrolment.objects.filter(run__course__college__site=site)
        .values_list("run_id", "status")
        .annotate(n=Count("id"))
        .order_by("run_id", "status")
    )
    for run_id, status, n in rows:
        counts[run_id][status] = n
    for run_id, by_status in counts.items():
        cells = [by_status.get(s, 0) for s in statuses]
        total = sum(cells)
        if profile.deidentified:
            hidden = suppression.suppress_row(cells, total, profile.threshold)
            yield [profile.pseudonym("college.courserun", run_id), *hidden.cells, hidden.total]
        else:
            yield [run_id, *cells, total]


def _responses(site, profile: Profile) -> Iterator[list[Any]]:
    from imroc.surveys.models import SurveyResponse

    rows = (
        SurveyResponse.objects.filter(site=site)
        .annotate(month=TruncMonth("completed_on"))
        .values_list("instrument__key", "month")
        .annotate(n=Count("id"))
        .order_by("instrument__key", "month")
    )
    for key, month, n in rows:
        if profile.deidentified:
            n = suppression.shown(n, profile.threshold)
        yield [key, month.strftime("%Y-%m") if month else None, n]
