"""Who may see and do what. Deny by default; another site's objects are 404, never 403.

Every site-scoped view is wrapped in ``site_view``: it resolves ``<site>`` from the URL,
checks the person's role there, and sets ``request.site``. Views then reach data only
through ``request.site`` and the apps' ``queries`` modules.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from enum import IntEnum

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from imroc.core.access import public_view  # noqa: F401 - re-exported for the apps
from imroc.core.models import SecurityEvent
from imroc.programme.models import (
    ProgrammeMembership,
    ProgrammeRole,
    Site,
    SiteMembership,
    SiteRole,
)
from imroc.programme.queries import programme_by_id


class SiteAccess(IntEnum):
    VIEW = 1  # site viewers, and programme staff for every site in their programme
    CONTRIBUTE = 2  # lived-experience partners: views check what they are named on
    EDIT = 3  # site members
    MANAGE = 4  # site leads


ROLE_ACCESS = {
    SiteRole.VIEWER: SiteAccess.VIEW,
    SiteRole.PARTNER: SiteAccess.CONTRIBUTE,
    SiteRole.MEMBER: SiteAccess.EDIT,
    SiteRole.LEAD: SiteAccess.MANAGE,
}


class ProgrammeAccess(IntEnum):
    VIEW = 1
    ADMIN = 2


PROGRAMME_ROLE_ACCESS = {
    ProgrammeRole.VIEWER: ProgrammeAccess.VIEW,
    ProgrammeRole.ADMIN: ProgrammeAccess.ADMIN,
}


@dataclass
class AccessProfile:
    """One person's roles, read once per request."""

    site_roles: dict[int, str] = field(default_factory=dict)
    programme_roles: dict[int, str] = field(default_factory=dict)

    def site_access(self, site: Site) -> SiteAccess | None:
        role = self.site_roles.get(site.pk)
        levels = [ROLE_ACCESS[SiteRole(role)]] if role else []
        if site.programme_id in self.programme_roles:
            levels.append(SiteAccess.VIEW)
        return max(levels) if levels else None

    def programme_access(self, programme_id: int) -> ProgrammeAccess | None:
        role = self.programme_roles.get(programme_id)
        return PROGRAMME_ROLE_ACCESS[ProgrammeRole(role)] if role else None


def access_profile(request) -> AccessProfile:
    cached = getattr(request, "_imroc_access", None)
    if cached is not None:
        return cached
    profile = AccessProfile()
    if request.user.is_authenticated:
        profile.site_roles = dict(
            SiteMembership.objects.filter(user=request.user).values_list("site_id", "role")
        )
        profile.programme_roles = dict(
            ProgrammeMembership.objects.filter(user=request.user).values_list(
                "programme_id", "role"
            )
        )
    request._imroc_access = profile
    return profile


def site_view(needed: SiteAccess = SiteAccess.VIEW):
    """Resolve ``<site>``, check the person's access there, and show times in its time zone."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, site: str, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            site_obj = (
                Site.objects.select_related("organisation", "programme").filter(slug=site).first()
            )
            level = access_profile(request).site_access(site_obj) if site_obj else None
            if level is None:
                if site_obj is not None:  # it exists, but is not theirs: a security event
                    request.imroc_denied = SecurityEvent.Kind.CROSS_SITE
                raise Http404("No such site")
            if level < needed:
                raise PermissionDenied
            request.site = site_obj
            request.site_access = level
            with timezone.override(site_obj.organisation.time_zone):
                return view(request, *args, **kwargs)

        wrapper.imroc_access = ("site", needed)
        return wrapper

    return decorator


def programme_view(needed: ProgrammeAccess = ProgrammeAccess.VIEW):
    """For the programme team's pages. Sets ``request.programme``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            profile = access_profile(request)
            best = max(
                profile.programme_roles.items(),
                key=lambda item: PROGRAMME_ROLE_ACCESS[ProgrammeRole(item[1])],
                default=None,
            )
            if best is None:
                raise PermissionDenied
            level = PROGRAMME_ROLE_ACCESS[ProgrammeRole(best[1])]
            if level < needed:
                raise PermissionDenied
            request.programme = programme_by_id(best[0])
            request.programme_access = level
            return view(request, *args, **kwargs)

        wrapper.imroc_access = ("programme", needed)
        return wrapper

    return decorator


def signed_in_view(view):
    """For pages any signed-in person may see, showing only their own things."""
    wrapped = login_required(view)
    wrapped.imroc_access = ("signed_in", None)
    return wrapped
