"""What the workforce pages show: headline figures worked out from the records, and tables with
small numbers suppressed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from imroc.core import suppression
from imroc.workforce import figures, queries, reference


def share(part, whole) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass
class PeerSummary:
    employed: int
    fte: Decimal
    teams_with_peer: int
    team_count: int
    retained: int | None
    retention_base: int

    @property
    def team_share(self) -> int | None:
        return share(self.teams_with_peer, self.team_count)

    @property
    def retention(self) -> int | None:
        return share(self.retained, self.retention_base) if self.retention_base else None


def peer_summary(site) -> PeerSummary:
    """Peer workers in post today, their FTE, teams covered and 12-month retention: two queries."""
    today = timezone.localdate()
    posts = [p for p in queries.site_posts(site) if p.appointed_on]
    now = [p for p in posts if figures._in_post(p, today)]
    year_ago = today - dt.timedelta(days=365)
    base = [p for p in posts if figures._in_post(p, year_ago)]
    return PeerSummary(
        employed=len(now),
        fte=sum((p.fte for p in now), Decimal(0)),
        teams_with_peer=len({p.team_id for p in now if p.team_id}),
        team_count=queries.team_count(site),
        retained=sum(1 for p in base if figures._in_post(p, today)),
        retention_base=len(base),
    )


@dataclass
class SuppressedRow:
    label: str
    cells: list
    total: int | None


def supervision_table(site):
    """The latest month's recovery-focused supervision by team, with small numbers suppressed."""
    period = queries.latest_supervision_period(site)
    if period is None:
        return None
    rows = list(queries.supervision_rows(site, period))
    supervised = suppression.suppress_row([r.supervised for r in rows])
    in_scope = suppression.suppress_row([r.in_scope for r in rows])
    teams = []
    for row, s, n in zip(rows, supervised.cells, in_scope.cells, strict=True):
        teams.append({"team": row.team.name, "supervised": s, "in_scope": n,
                      "share": share(s, n) if s is not None and n is not None else None})  # fmt: skip
    total = {"supervised": supervised.total, "in_scope": in_scope.total,
             "share": share(supervised.total, in_scope.total) if supervised.total is not None and in_scope.total else None}  # fmt: skip
    return {"period": period, "teams": teams, "total": total,
            "hidden": supervised.any_hidden or in_scope.any_hidden, "threshold": suppression.threshold()}  # fmt: skip


def survey_rows(site):
    """Staff survey rounds; item scores from rounds with few responses are not shown."""
    rows = []
    for survey in queries.site_surveys(site):
        enough = suppression.shown(survey.responses) is not None
        rows.append({"survey": survey, "responses": survey.responses if enough else None,
                     "rate": share(survey.responses, survey.invited) if enough and survey.invited else None,
                     "scores": survey.item_scores if enough else []})  # fmt: skip
    return rows


def college_use_rows(site):
    return [
        {"period": p, "staff": suppression.shown(n)}
        for p, n in reversed(queries.college_use_by_month(site))
    ][:12]


def offer_rows(site):
    return [{"offer": o, "uptake": suppression.shown(o.uptake)} for o in queries.site_offers(site)]


def coverage_table(site):
    """Joint training coverage for the latest month, by team and profession, against the target."""
    rows = queries.coverage_rows(site)
    if not rows:
        return None
    period = rows[0].period
    latest = [r for r in rows if r.period == period]
    series = figures.training_coverage(site)
    overall = series[-1] if series else None
    return {
        "period": period,
        "rows": [{"row": r, "share": share(r.trained, r.in_scope)} for r in latest],
        "overall": share(overall["numerator"], overall["denominator"]) if overall else None,
        "target": queries.training_target(site),
        "history": [
            {"period": r["period"], "trained": int(r["numerator"]), "in_scope": int(r["denominator"]),
             "share": share(r["numerator"], r["denominator"])}
            for r in reversed(series[-12:])
        ],
    }  # fmt: skip


def ips_rows(site):
    reviews = list(queries.ips_reviews(site).order_by("held_on", "id"))
    out, previous = [], None
    for review in reviews:
        out.append({"review": review, "band": review.band,
                    "change": None if previous is None else review.total - previous})  # fmt: skip
        previous = review.total
    return list(reversed(out))


def ips_bands():
    return [(lowest, label) for lowest, label in reference.IPS_BANDS]
