"""The site dashboard's improvement panel. Every figure comes from the records, in fixed queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from statistics import mean

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from imroc.assessment import queries as assessment_queries
from imroc.assessment.models import (
    LIVED_EXPERIENCE_GROUPS,
    STAFF_GROUPS,
    AssessmentRound,
    Consensus,
    Rating,
)
from imroc.framework import queries as framework_queries
from imroc.improvement import queries
from imroc.improvement.models import Goal, PdsaCycle, Priority
from imroc.programme.access import SiteAccess


@dataclass
class StageRow:
    challenge: object
    baseline: int | None
    latest: int | None
    target: int | None
    priority: bool

    @property
    def change(self) -> int | None:
        if self.baseline is None or self.latest is None:
            return None
        return self.latest - self.baseline


@dataclass
class ChallengeStages:
    rows: list[StageRow]
    rounds: list  # every round, oldest first
    closed: list  # the closed ones counted
    levels: dict  # round pk -> {challenge slug: agreed stage}
    baseline: object | None
    latest: object | None


def challenge_stages(site, challenges, goals, *, until=None) -> ChallengeStages:
    """Each challenge's baseline (first closed round), latest agreed stage (last closed round,
    held by ``until`` if given), the highest stage an open goal aims for, and priority."""
    rounds = list(assessment_queries.rounds_in_order(site))
    closed = [
        r
        for r in rounds
        if r.status == AssessmentRound.Status.CLOSED and (until is None or r.held_on <= until)
    ]
    levels = assessment_queries.consensus_by_round(site)
    baseline = closed[0] if closed else None
    latest = closed[-1] if closed else None
    targets: dict[str, int] = {}
    for goal in goals:
        if goal.is_open and goal.target_level is not None:
            slug = goal.challenge.slug
            targets[slug] = max(targets.get(slug, 0), goal.target_level)
    priorities = {p.challenge.slug for p in queries.active_priorities(site)}
    rows = [
        StageRow(
            challenge=c,
            baseline=levels.get(baseline.pk, {}).get(c.slug) if baseline else None,
            latest=levels.get(latest.pk, {}).get(c.slug) if latest else None,
            target=targets.get(c.slug),
            priority=c.slug in priorities,
        )
        for c in challenges
    ]
    return ChallengeStages(rows, rounds, closed, levels, baseline, latest)


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _percent(share: int | None) -> str:
    """A share as shown on a card: "40%", or a dash when there is nothing to count."""
    return "–" if share is None else f"{share}%"


# How the programme panel counts cycles by their decision ("5 adopt, 3 running").
DECISION_WORDS = {
    "adopt": pgettext_lazy("PDSA cycles counted by decision", "adopt"),
    "adapt": pgettext_lazy("PDSA cycles counted by decision", "adapt"),
    "abandon": pgettext_lazy("PDSA cycles counted by decision", "abandon"),
    "running": pgettext_lazy("PDSA cycles counted by decision", "running"),
}


def site_dashboard(request, site) -> dict:
    today = timezone.localdate()
    framework = framework_queries.current_version(site.programme.framework_key)
    challenges = list(framework_queries.challenges(framework)) if framework else []

    goals = list(queries.site_goals(site))
    stages = challenge_stages(site, challenges, goals)
    closed, levels = stages.closed, stages.levels
    baseline, latest, rows = stages.baseline, stages.latest, stages.rows

    status_counts = Counter(g.status for g in goals)
    overdue_goals = [
        g for g in goals if g.is_open and g.next_review_on and g.next_review_on < today
    ]
    site_review_due = queries.next_site_review(site)
    in_flight = list(queries.cycles_in_flight(site).order_by("ends_on")[:5])
    in_flight_count = queries.cycles_in_flight(site).aggregate(n=Count("id"))["n"]

    # Co-production, from the records.
    group_counts = assessment_queries.rating_group_counts(site)
    total_ratings = sum(group_counts.values())
    lived_ratings = sum(n for g, n in group_counts.items() if g in LIVED_EXPERIENCE_GROUPS)
    lived_rated = assessment_queries.lived_experience_rated(site)
    rounds_with_lived = sum(
        1 for r in closed if levels.get(r.pk) and set(levels[r.pk]) <= lived_rated.get(r.pk, set())
    )
    divergence = None
    if latest is not None:
        by_challenge: dict[str, dict[str, list[int]]] = {}
        for _, slug, group, level in assessment_queries.group_levels(site, [latest.pk]):
            side = (
                "staff"
                if group in STAFF_GROUPS
                else "lived"
                if group in LIVED_EXPERIENCE_GROUPS
                else None
            )
            if side:
                by_challenge.setdefault(slug, {"staff": [], "lived": []})[side].append(level)
        gaps = [
            mean(v["staff"]) - mean(v["lived"])
            for v in by_challenge.values()
            if v["staff"] and v["lived"]
        ]
        divergence = round(mean(gaps), 1) if gaps else None

    return {
        "framework": framework,
        "rows": rows,
        "baseline": baseline,
        "latest": latest,
        "open_round": assessment_queries.open_round(site),
        "status_counts": [
            (label, status_counts.get(value, 0)) for value, label in Goal.Status.choices
        ],
        "goal_count": len(goals),
        "overdue_goals": overdue_goals,
        "site_review_due": site_review_due,
        "site_review_overdue": bool(site_review_due and site_review_due < today),
        "can_review": getattr(request, "site_access", 0) >= SiteAccess.EDIT,
        "in_flight": in_flight,
        "in_flight_count": in_flight_count,
        "co_lead_share": _share(sum(1 for g in goals if g.co_lead_id), len(goals)),
        "co_lead_figure": _percent(_share(sum(1 for g in goals if g.co_lead_id), len(goals))),
        "lived_rating_share": _share(lived_ratings, total_ratings),
        "lived_rating_figure": _percent(_share(lived_ratings, total_ratings)),
        "total_ratings": total_ratings,
        "rounds_with_lived": rounds_with_lived,
        "closed_rounds": len(closed),
        "divergence": divergence,
        "divergence_figure": "–" if divergence is None else divergence,
    }


def programme_dashboard(request, sites) -> dict:
    """The network at a glance, for the sites the programme team filtered to. Fixed queries."""
    site_ids = [s.pk for s in sites]
    names = {s.pk: s for s in sites}
    framework = framework_queries.current_version(request.programme.framework_key)
    challenges = list(framework_queries.challenges(framework)) if framework else []

    closed = list(
        AssessmentRound.objects.filter(site_id__in=site_ids, status=AssessmentRound.Status.CLOSED)
        .order_by("site_id", "held_on", "id")
        .values_list("id", "site_id", "held_on")
    )
    levels: dict[int, dict[str, int]] = defaultdict(dict)
    for round_id, slug, level in Consensus.objects.filter(
        round_id__in=[r[0] for r in closed]
    ).values_list("round_id", "challenge__slug", "level"):
        levels[round_id][slug] = level
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for round_id, site_id, _ in closed:
        first.setdefault(site_id, round_id)
        last[site_id] = round_id

    chosen = Counter(
        Priority.objects.filter(site_id__in=site_ids, ended_on__isnull=True).values_list(
            "challenge__slug", flat=True
        )
    )
    distribution = []
    for c in challenges:
        base = Counter(levels[r].get(c.slug) for r in first.values() if c.slug in levels[r])
        now = Counter(levels[r].get(c.slug) for r in last.values() if c.slug in levels[r])
        distribution.append({
            "challenge": c, "baseline": [base.get(n, 0) for n in range(4)],
            "latest": [now.get(n, 0) for n in range(4)], "chosen": chosen.get(c.slug, 0),
        })  # fmt: skip

    by_year: dict[int, list[float]] = defaultdict(list)
    for round_id, _, held_on in closed:
        if levels[round_id]:
            by_year[held_on.year].append(mean(levels[round_id].values()))
    over_time = [
        {"year": y, "rounds": len(v), "mean": round(mean(v), 2)} for y, v in sorted(by_year.items())
    ]

    today = timezone.localdate()
    overdue = Counter(
        Goal.objects.filter(
            site_id__in=site_ids, status__in=["planned", "active"], next_review_on__lt=today
        ).values_list("site_id", flat=True)
    )
    # Counted in the database: a national programme has many thousands of cycles.
    cycles_by_year: Counter = Counter()
    decisions: Counter = Counter()
    for year, decision, n in (
        PdsaCycle.objects.filter(goal__site_id__in=site_ids)
        .annotate(year=ExtractYear("starts_on"))
        .order_by()
        .values("year", "decision")
        .annotate(n=Count("id"))
        .values_list("year", "decision", "n")
    ):
        cycles_by_year[year] += n
        decisions[decision] += n
    goal_figures = Goal.objects.filter(site_id__in=site_ids).aggregate(
        n=Count("id"), co_led=Count("id", filter=Q(co_lead__isnull=False))
    )
    rating_figures = Rating.objects.filter(round__site_id__in=site_ids).aggregate(
        n=Count("id"), lived=Count("id", filter=Q(stakeholder_group__in=LIVED_EXPERIENCE_GROUPS))
    )
    return {
        "distribution": distribution,
        "assessed_sites": len(first),
        "over_time": over_time,
        "overdue": sorted(((names[s], n) for s, n in overdue.items()), key=lambda x: x[0].name),
        "cycles_by_year": sorted(cycles_by_year.items()),
        "decisions": {k or "running": v for k, v in decisions.items()},
        "decision_counts": [
            (DECISION_WORDS.get(k or "running", k), v) for k, v in decisions.items()
        ],
        "cycle_count": sum(decisions.values()),
        "co_lead_share": _share(goal_figures["co_led"], goal_figures["n"]),
        "co_lead_figure": _percent(_share(goal_figures["co_led"], goal_figures["n"])),
        "lived_rating_share": _share(rating_figures["lived"], rating_figures["n"]),
        "lived_rating_figure": _percent(_share(rating_figures["lived"], rating_figures["n"])),
        "goal_count": goal_figures["n"],
        "rating_count": rating_figures["n"],
    }
