"""Site-scoped reads of self-assessment and TRIP data."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, QuerySet

from imroc.assessment.models import (
    LIVED_EXPERIENCE_GROUPS,
    AssessmentRound,
    Consensus,
    Rating,
    TeamBenchmark,
    TeamResources,
)
from imroc.programme.models import Site, Team


def site_rounds(site: Site) -> QuerySet[AssessmentRound]:
    return (
        site.assessment_rounds.select_related("framework_version")
        .annotate(
            rating_count=Count("ratings", distinct=True),
            consensus_count=Count("consensus", distinct=True),
        )
        .order_by("-held_on", "-id")
    )


def site_round(site: Site, public_id) -> AssessmentRound | None:
    return (
        site.assessment_rounds.select_related("framework_version", "site")
        .filter(public_id=public_id)
        .first()
    )


def open_round(site: Site) -> AssessmentRound | None:
    return site.assessment_rounds.filter(status=AssessmentRound.Status.OPEN).first()


def round_ratings(assessment_round: AssessmentRound) -> QuerySet[Rating]:
    return assessment_round.ratings.select_related("challenge", "given_by")


def round_consensus(assessment_round: AssessmentRound) -> QuerySet[Consensus]:
    return assessment_round.consensus.select_related("challenge", "agreed_by")


def consensus_by_round(site: Site) -> dict[int, dict[str, int]]:
    """For every round of the site: challenge slug -> agreed level, in one query."""
    levels: dict[int, dict[str, int]] = defaultdict(dict)
    rows = Consensus.objects.filter(round__site=site).values_list(
        "round_id", "challenge__slug", "level"
    )
    for round_id, slug, level in rows:
        levels[round_id][slug] = level
    return levels


def rounds_in_order(site: Site) -> list[AssessmentRound]:
    """The site's rounds, oldest first: the first is the baseline."""
    return list(site.assessment_rounds.order_by("held_on", "id"))


def rating_group_counts(site: Site) -> dict[str, int]:
    return dict(
        Rating.objects.filter(round__site=site)
        .values_list("stakeholder_group")
        .annotate(n=Count("id"))
        .values_list("stakeholder_group", "n")
    )


def lived_experience_rated(site: Site) -> dict[int, set[str]]:
    """For every round: the challenge slugs that have a service-user or carer rating."""
    rated: dict[int, set[str]] = defaultdict(set)
    rows = Rating.objects.filter(
        round__site=site, stakeholder_group__in=LIVED_EXPERIENCE_GROUPS
    ).values_list("round_id", "challenge__slug")
    for round_id, slug in rows:
        rated[round_id].add(slug)
    return rated


def group_levels(site: Site, round_ids: list[int]) -> list[tuple[int, str, str, int]]:
    """(round id, challenge slug, group, level) for the given rounds."""
    return list(
        Rating.objects.filter(round__site=site, round_id__in=round_ids).values_list(
            "round_id", "challenge__slug", "stakeholder_group", "level"
        )
    )


def latest_team_benchmarks(team: Team) -> list[TeamBenchmark]:
    latest = team.benchmarks.order_by("-assessed_on").values_list("assessed_on", flat=True).first()
    if latest is None:
        return []
    return list(team.benchmarks.filter(assessed_on=latest).select_related("challenge"))


def team_benchmark_dates(team: Team) -> list:
    return list(
        team.benchmarks.order_by("-assessed_on").values_list("assessed_on", flat=True).distinct()
    )


def team_priorities(team: Team):
    return team.priorities.filter(ended_on__isnull=True).select_related("challenge")


def team_past_priorities(team: Team):
    return (
        team.priorities.filter(~Q(ended_on=None))
        .select_related("challenge")
        .order_by("-ended_on", "rank")
    )


def team_reviews(team: Team):
    return team.reviews.select_related("recorded_by")


def team_resources(team: Team) -> TeamResources | None:
    return TeamResources.objects.filter(team=team).first()
