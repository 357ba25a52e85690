"""Who may reach the college's public pages and its trainers' registers."""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.views.decorators.cache import never_cache

from imroc.college import queries
from imroc.college.models import College
from imroc.core.access import public_view
from imroc.programme.access import SiteAccess


def public_college_view(*, private: bool = False):
    """For pages anyone may open. Sets ``request.college``; 404 unless the site publishes.

    Private-link pages (``private=True``) still work after a college stops publishing, so a
    learner can always cancel a place or see their data; they are never cached.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, site: str, *args, **kwargs):
            college = (
                queries.college_for_private_links(site)
                if private
                else queries.published_college(site)
            )
            if college is None:
                raise Http404("No such college")
            request.college = college
            request.site = college.site
            with timezone.override(college.site.organisation.time_zone):
                return view(request, *args, **kwargs)

        marked = public_view(never_cache(wrapper) if private else wrapper)
        marked.imroc_private_link = private  # the access walk checks these pages differently
        return marked

    return decorator


# Who may see individual learners (names, places, plans): the people who run the college and
# teach on it, that is members and leads, and lived-experience partners, who co-deliver
# courses and take registers. Site viewers (board members, commissioners) and the programme
# team see the college's figures, never a learner: learners are people who use mental health
# services, and a board needs the numbers, not the names. Written down in docs/roles.md.
LEARNER_ACCESS = SiteAccess.CONTRIBUTE


def can_see_learners(request) -> bool:
    return request.site_access >= LEARNER_ACCESS


def can_take_register(request, run) -> bool:
    """Members and leads take any register; partners take those of runs they are named on."""
    if request.site_access >= SiteAccess.EDIT:
        return True
    if request.site_access != SiteAccess.CONTRIBUTE:
        return False
    people = [t.user_id for t in (run.peer_trainer, run.practitioner_trainer) if t is not None]
    return request.user.pk in people


def require_register(request, run) -> None:
    if not can_take_register(request, run):
        raise PermissionDenied


def college_or_404(request) -> College:
    college = queries.site_college(request.site)
    if college is None:
        raise Http404("This site has no recovery college yet")
    return college
