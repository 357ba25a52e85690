"""Site-scoped reads of improvement data."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from imroc.improvement.models import Driver, Goal, PdsaCycle, Priority, Review
from imroc.programme.models import Site, SiteMembership, SiteRole


def site_goals(site: Site) -> QuerySet[Goal]:
    return (
        site.goals.select_related("challenge", "owner", "co_lead")
        .annotate(
            cycle_count=Count("cycles", distinct=True),
            open_cycles=Count("cycles", filter=Q(cycles__decision=""), distinct=True),
        )
        .order_by("challenge__number", "target_date", "id")
    )


def site_goal(site: Site, public_id) -> Goal | None:
    return (
        site.goals.select_related("challenge", "owner", "co_lead", "site")
        .filter(public_id=public_id)
        .first()
    )


def goal_cycles(goal: Goal) -> list[PdsaCycle]:
    return list(goal.cycles.select_related("previous"))


def goal_cycle(goal: Goal, public_id) -> PdsaCycle | None:
    return goal.cycles.select_related("previous", "goal").filter(public_id=public_id).first()


def goal_drivers(goal: Goal) -> list[Driver]:
    return list(goal.drivers.all())


def goal_driver(goal: Goal, public_id) -> Driver | None:
    return goal.drivers.filter(public_id=public_id).first()


def goal_changes(goal: Goal):
    return goal.changes.select_related("changed_by")


def goal_reviews(goal: Goal):
    return goal.reviews.select_related("recorded_by")


def active_priorities(site: Site) -> QuerySet[Priority]:
    return site.priorities.filter(ended_on__isnull=True).select_related("challenge")


def site_reviews(site: Site) -> QuerySet[Review]:
    return site.reviews.filter(goal__isnull=True).select_related("recorded_by")


def next_site_review(site: Site) -> dt.date | None:
    latest = site.reviews.filter(goal__isnull=True).order_by("-held_on", "-id").first()
    return latest.next_review_on if latest else None


def cycles_in_flight(site: Site) -> QuerySet[PdsaCycle]:
    return PdsaCycle.objects.filter(goal__site=site, decision="").select_related("goal")


def site_people(site: Site) -> QuerySet[SiteMembership]:
    return site.memberships.select_related("user").order_by("user__display_name", "user__username")


def site_partners(site: Site) -> QuerySet[SiteMembership]:
    return site_people(site).filter(role=SiteRole.PARTNER)


def site_people_users(site: Site):
    """People who can own a goal: the site's leads, members and partners."""
    ids = site.memberships.exclude(role=SiteRole.VIEWER).values("user_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("display_name", "username")


def site_partner_users(site: Site):
    ids = site.memberships.filter(role=SiteRole.PARTNER).values("user_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("display_name", "username")


def cycles_decided_between(site: Site, start: dt.date, end: dt.date) -> QuerySet[PdsaCycle]:
    """PDSA cycles with a decision dated in a period (the end date when none was recorded)."""
    dated = Q(decided_on__range=(start, end))
    undated = Q(decided_on__isnull=True, ends_on__range=(start, end))
    return (
        PdsaCycle.objects.filter(goal__site=site)
        .exclude(decision="")
        .filter(dated | undated)
        .select_related("goal", "goal__challenge")
        .order_by("decided_on", "ends_on", "id")
    )
