"""What the page header needs: the signed-in person's sites and programme role."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from imroc.programme import queries
from imroc.programme.access import ProgrammeAccess, access_profile


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "nav_sites": SimpleLazyObject(lambda: list(queries.sites_for_user(request.user))),
        "nav_programme": SimpleLazyObject(lambda: bool(access_profile(request).programme_roles)),
        "nav_programme_admin": SimpleLazyObject(
            lambda: any(
                access_profile(request).programme_access(pk) == ProgrammeAccess.ADMIN
                for pk in access_profile(request).programme_roles
            )
        ),
    }
