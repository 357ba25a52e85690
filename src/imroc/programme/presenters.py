"""What programme templates show, worked out from the data so templates stay simple."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from imroc.programme.models import SiteRole


def your_roles_panel(request, user) -> dict:
    """The account page's list of the person's roles, with a way to leave each site.

    Two queries, however many roles: the sites with each site's count of leads, and the
    programme roles. A site's only lead is not offered "leave".
    """
    site_roles = list(
        user.site_memberships.select_related("site__organisation")
        .annotate(leads=Count("site__memberships", filter=Q(site__memberships__role=SiteRole.LEAD)))
        .order_by("site__organisation__name")
    )
    for membership in site_roles:
        membership.can_leave = not (membership.role == SiteRole.LEAD and membership.leads == 1)
    programme_roles = list(user.programme_memberships.select_related("programme"))
    return {"site_roles": site_roles, "programme_roles": programme_roles}


def category_since(site, history) -> dt.date:
    """When the site's current category began: the first day of the latest run of entries in
    its category history (oldest first) that name that category; its joining day if the
    history is empty or does not end in the site's category."""
    start, current = site.joined_on, None
    for change in history:
        if change.category != current:
            start, current = change.effective_from, change.category
    return start if current == site.category else site.joined_on
