"""The figures a site can turn into a measure with 'Chart this': what each means, and its
monthly series worked out from the records. Reads only; services.chart_figure writes."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from imroc.core import suppression
from imroc.workforce import queries

COUNT, PROPORTION, CONTINUOUS = "count", "proportion", "continuous"


@dataclass(frozen=True)
class Figure:
    key: str
    name: str
    definition: str
    data_type: str
    challenge: str  # the challenge slug it reports on
    series: Callable  # (site) -> list of rows: period, value, numerator, denominator
    unit: str = ""
    kind: str = "process"
    improvement: str = "increase"
    shared_name: str = ""  # a programme measure this figure can report into
    target: Callable | None = None  # (site) -> percentage or None


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, 1)


def months_from(first: dt.date) -> list[dt.date]:
    last = month_start(timezone.localdate())
    out, period = [], month_start(first)
    while period <= last:
        out.append(period)
        period = add_months(period, 1)
    return out


def month_end(period: dt.date) -> dt.date:
    return add_months(period, 1) - dt.timedelta(days=1)


def _row(period, value, numerator=None, denominator=None) -> dict:
    return {"period": period, "value": float(value),
            "numerator": None if numerator is None else float(numerator),
            "denominator": None if denominator is None else float(denominator)}  # fmt: skip


def _fraction(period, numerator, denominator) -> dict | None:
    return _row(period, numerator / denominator, numerator, denominator) if denominator else None


def _in_post(post, day: dt.date) -> bool:
    return (
        post.appointed_on is not None
        and post.appointed_on <= day
        and (post.left_on is None or post.left_on > day)
    )


# --- Peer support ---------------------------------------------------------------------------


def _posts(site):
    return [p for p in queries.site_posts(site) if p.appointed_on]


def peer_workers(site) -> list[dict]:
    posts = _posts(site)
    if not posts:
        return []
    return [
        _row(p, sum(1 for post in posts if _in_post(post, month_end(p))))
        for p in months_from(min(post.appointed_on for post in posts))
    ]


def peer_fte(site) -> list[dict]:
    posts = _posts(site)
    if not posts:
        return []
    return [
        _row(p, sum((post.fte for post in posts if _in_post(post, month_end(p))), Decimal(0)))
        for p in months_from(min(post.appointed_on for post in posts))
    ]


def teams_with_peer(site) -> list[dict]:
    posts = [p for p in _posts(site) if p.team_id]
    teams = queries.team_count(site)
    if not posts or not teams:
        return []
    rows = []
    for p in months_from(min(post.appointed_on for post in posts)):
        covered = {post.team_id for post in posts if _in_post(post, month_end(p))}
        rows.append(_fraction(p, len(covered), teams))
    return rows


def peer_retention(site) -> list[dict]:
    """Of the workers in post a year before, how many are still in post at the month's end."""
    posts = _posts(site)
    if not posts:
        return []
    rows = []
    for p in months_from(add_months(min(post.appointed_on for post in posts), 12)):
        year_before = month_end(add_months(p, -12))
        cohort = [post for post in posts if _in_post(post, year_before)]
        if cohort:
            rows.append(
                _fraction(p, sum(1 for post in cohort if _in_post(post, month_end(p))), len(cohort))
            )
    return rows


def peer_supervision(site) -> list[dict]:
    return [_row(p, n) for p, n in queries.peer_supervision_by_month(site)]


# --- Joint training -------------------------------------------------------------------------


def training_coverage(site) -> list[dict]:
    """Per month, the most complete level recorded: the whole site if given, else the teams."""
    by_period: dict[dt.date, list] = defaultdict(list)
    for row in queries.coverage_rows(site):
        by_period[row.period].append(row)
    out = []
    for period in sorted(by_period):
        rows = by_period[period]
        whole = [r for r in rows if r.team_id is None and r.profession == "all"]
        teams = [r for r in rows if r.team_id is not None and r.profession == "all"]
        use = whole or teams or rows
        out.append(_fraction(period, sum(r.trained for r in use), sum(r.in_scope for r in use)))
    return [r for r in out if r]


def training_attendance(site) -> list[dict]:
    totals = queries.event_attendance_by_month(site)
    if not totals:
        return []
    return [_row(p, totals.get(p, 0)) for p in months_from(min(totals))]


def training_target(site):
    return queries.training_target(site)


# --- Staff support (suppressed: small months are left out, never charted) ----------------


def supervision_coverage(site) -> list[dict]:
    rows = []
    for period, supervised, in_scope in queries.supervision_by_month(site):
        if (
            suppression.shown(supervised) is not None
            and suppression.shown(in_scope - supervised) is not None
        ):
            rows.append(_fraction(period, supervised, in_scope))
    return rows


def staff_college_use(site) -> list[dict]:
    return [
        _row(p, n)
        for p, n in queries.college_use_by_month(site)
        if suppression.shown(n) is not None
    ]


# --- Risk, partnerships, employment --------------------------------------------------------


def safety_plans(site) -> list[dict]:
    return [
        r for r in (_fraction(p, co, plans) for p, plans, co in queries.safety_by_month(site)) if r
    ]


def referrals(site) -> list[dict]:
    return [_row(p, t + f) for p, t, f in queries.referrals_by_month(site)]


def _employment(field: str):
    def series(site) -> list[dict]:
        return [
            _row(o.period, getattr(o, field))
            for o in queries.employment_outcomes(site).order_by("period")
        ]

    return series


def ips_totals(site) -> list[dict]:
    latest: dict[dt.date, int] = {}
    for review in queries.ips_reviews(site).order_by("held_on", "id"):
        latest[month_start(review.held_on)] = review.total
    return [_row(p, t) for p, t in sorted(latest.items())]


FIGURES: dict[str, Figure] = {f.key: f for f in [
    Figure("peer-workers", "Peer support workers in post",
           "How many peer support workers are in post at the end of each month, from the site's peer support posts.",
           COUNT, "workforce", peer_workers, unit="workers"),
    Figure("peer-fte", "Peer support worker time (FTE)",
           "The total whole-time equivalent of peer support workers in post at the end of each month.",
           CONTINUOUS, "workforce", peer_fte, unit="WTE", shared_name="Peer support workers employed"),
    Figure("teams-with-peer", "Teams with a peer support worker",
           "The share of the site's teams with at least one peer support worker in post at the end of each month.",
           PROPORTION, "workforce", teams_with_peer),
    Figure("peer-retention", "Peer support workers still in post after 12 months",
           "Of the peer support workers in post 12 months earlier, the share still in post at the end of the month.",
           PROPORTION, "workforce", peer_retention),
    Figure("peer-supervision", "Peer supervision sessions",
           "Peer supervision sessions held for peer support workers each month.",
           COUNT, "workforce", peer_supervision, unit="sessions"),
    Figure("training-coverage", "Staff trained in joint recovery training",
           "Of the staff in scope, the share who have completed training co-delivered by a trainer with lived experience.",
           PROPORTION, "education", training_coverage, target=training_target,
           shared_name="Staff who completed co-produced recovery training"),
    Figure("training-attendance", "Joint training attendance",
           "People (staff, service users and carers) attending joint training events each month.",
           COUNT, "education", training_attendance, unit="attendees"),
    Figure("supervision-coverage", "Staff with recovery-focused supervision",
           "Of the staff in scope, the share who had recovery-focused supervision in the month. Months with "
           "small numbers are left out to protect staff.",
           PROPORTION, "staff-support", supervision_coverage),
    Figure("staff-college-use", "Staff learning at the recovery college",
           "Staff who took a recovery college course as learners in the month. Months with small numbers are left out.",
           COUNT, "staff-support", staff_college_use, unit="staff"),
    Figure("safety-plans", "Safety plans co-produced",
           "Of the safety plans in place in the teams that report, the share written with the person.",
           PROPORTION, "risk", safety_plans),
    Figure("referrals", "Referrals with partner agencies",
           "Referrals to and from partner agencies each month, both directions added together.",
           COUNT, "life-beyond-illness", referrals, unit="referrals"),
    Figure("people-supported", "People supported by IPS",
           "People supported by the employment service (IPS) in the month.",
           COUNT, "life-beyond-illness", _employment("people_supported"), unit="people", kind="outcome"),
    Figure("job-starts", "Job starts",
           "People supported by IPS who started a paid job in the month.",
           COUNT, "life-beyond-illness", _employment("job_starts"), unit="job starts", kind="outcome"),
    Figure("sustained-jobs", "Jobs sustained",
           "People supported by IPS who kept a paid job for at least 13 weeks, counted in the month.",
           COUNT, "life-beyond-illness", _employment("sustained_jobs"), unit="jobs", kind="outcome"),
    Figure("ips-fidelity", "IPS fidelity score",
           "The total of the latest IPS fidelity review in the month, from 25 to 125.",
           CONTINUOUS, "life-beyond-illness", ips_totals, unit="points"),
]}  # fmt: skip

INDICATOR_PREFIX = "indicator-"


def indicator_figure(site, key: str) -> Figure | None:
    """The figure of a personalisation indicator, keyed 'indicator-<public id hex>'."""
    try:
        public_id = uuid.UUID(key.removeprefix(INDICATOR_PREFIX))
    except ValueError:
        return None
    indicator = queries.site_indicator(site, public_id)
    if indicator is None:
        return None
    return Figure(
        key=key, name=indicator.name, definition=indicator.definition, data_type=PROPORTION,
        challenge="personalisation",
        series=lambda s: [r for r in (_fraction(v.period, v.numerator, v.denominator)
                                      for v in indicator.values.order_by("period")) if r],
        target=lambda s: indicator.target, kind="outcome",
    )  # fmt: skip


def figure_for(site, key: str) -> Figure | None:
    if key.startswith(INDICATOR_PREFIX):
        return indicator_figure(site, key)
    return FIGURES.get(key)


def indicator_key(indicator) -> str:
    return f"{INDICATOR_PREFIX}{indicator.public_id.hex}"
