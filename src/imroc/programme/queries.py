"""Reads of programme data. Site-scoped reads take the site and go through it."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Prefetch, QuerySet

from imroc.programme.models import (
    Application,
    CategoryChange,
    MemberGroup,
    Organisation,
    Programme,
    Site,
    SiteMembership,
    Team,
)


def programme_by_id(programme_id: int) -> Programme:
    return Programme.objects.get(pk=programme_id)


def sites_for_user(user) -> QuerySet[Site]:
    return (
        Site.objects.filter(memberships__user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def programme_sites(programme: Programme) -> QuerySet[Site]:
    return (
        programme.sites.select_related("organisation")
        .annotate(team_count=Count("teams", distinct=True))
        .prefetch_related(
            Prefetch(
                "partner_organisations",
                queryset=Organisation.objects.prefetch_related("member_groups"),
            )
        )
        .order_by("organisation__name")
    )


def category_counts(sites) -> Counter:
    return Counter(site.category for site in sites)


def applications(programme: Programme) -> QuerySet[Application]:
    return programme.applications.select_related("organisation").order_by(
        "submitted_on", "organisation__name"
    )


# --- Site-scoped ---------------------------------------------------------------------------


def site_teams(site: Site) -> QuerySet[Team]:
    return site.teams.all()


def site_team(site: Site, slug: str) -> Team | None:
    return site.teams.filter(slug=slug).first()


def site_category_history(site: Site) -> QuerySet[CategoryChange]:
    return site.category_history.select_related("recorded_by")


def site_memberships(site: Site) -> QuerySet[SiteMembership]:
    return site.memberships.select_related("user").order_by("role", "user__username")


def site_partner_organisations(site: Site) -> QuerySet[Organisation]:
    return site.partner_organisations.prefetch_related(
        Prefetch("member_groups", queryset=MemberGroup.objects.order_by("id"))
    )


def site_membership(site: Site, user) -> SiteMembership | None:
    return site.memberships.filter(user=user).first()
