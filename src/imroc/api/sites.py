"""Sites and their teams."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.db.models import Q
from ninja import Query, Router, Schema

from imroc.api.core import PageParams, Since, found, page_of, paginate, responses, site_for
from imroc.programme.access import access_profile
from imroc.programme.models import Site

router = Router(tags=["sites"])


class SiteOut(Schema):
    slug: str
    id: UUID
    name: str
    category: str
    joined_on: dt.date
    time_zone: str
    region: str
    your_access: str | None


class TeamOut(Schema):
    slug: str
    id: UUID
    name: str
    kind: str
    description: str
    staff_count: int | None
    updated_at: dt.datetime


ACCESS_NAMES = {1: "view", 2: "contribute", 3: "edit", 4: "manage"}


def site_out(site: Site, profile) -> dict:
    level = profile.site_access(site)
    return {
        "slug": site.slug, "id": site.public_id, "name": site.organisation.name,
        "category": site.category, "joined_on": site.joined_on,
        "time_zone": site.organisation.time_zone, "region": site.organisation.region,
        "your_access": ACCESS_NAMES.get(int(level)) if level else None,
    }  # fmt: skip


def team_out(team) -> dict:
    return {
        "slug": team.slug, "id": team.public_id, "name": team.name, "kind": team.kind,
        "description": team.description, "staff_count": team.staff_count,
        "updated_at": team.updated_at,
    }  # fmt: skip


@router.get("/sites", response=responses(page_of(SiteOut)), summary="Sites you can see")
def list_sites(request, page: Query[PageParams], category: str | None = None):
    profile = access_profile(request)
    sites = (
        Site.objects.select_related("organisation")
        .filter(
            Q(pk__in=list(profile.site_roles)) | Q(programme_id__in=list(profile.programme_roles))
        )
        .order_by("slug")
    )
    if category:
        sites = sites.filter(category=category)
    return paginate(request, sites, page, lambda s: site_out(s, profile))


@router.get("/sites/{site}", response=responses(SiteOut), summary="One site")
def get_site(request, site: str):
    obj = site_for(request, site)
    return site_out(obj, access_profile(request))


@router.get("/sites/{site}/teams", response=responses(page_of(TeamOut)), summary="A site's teams")
def list_teams(request, site: str, page: Query[PageParams], updated_since: Since | None = None):
    obj = site_for(request, site)
    teams = obj.teams.order_by("name", "id")
    if updated_since:
        teams = teams.filter(updated_at__gte=updated_since)
    return paginate(request, teams, page, team_out)


@router.get("/sites/{site}/teams/{team}", response=responses(TeamOut), summary="One team")
def get_team(request, site: str, team: str):
    obj = site_for(request, site)
    return team_out(found(obj.teams.filter(slug=team).first(), "team"))
