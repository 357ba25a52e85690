"""Markers that say who a view is for. The access walk test requires one on every route."""

from __future__ import annotations

from typing import TypeVar

from django.http import Http404

T = TypeVar("T")


def public_view(view):
    """Mark a view as open to everyone, so the access walk knows it is deliberate."""
    view.imroc_access = ("public", None)
    return view


def found_or_404(found: T | None, what: str = "record") -> T:
    """The object a site-scoped query found, or a 404 naming what was asked for.

    Use it on the result of a query that already filters by site (or college, or goal): a
    lookup of another site's object finds nothing, so it answers 404 exactly like an
    object that does not exist, never 403.
    """
    if found is None:
        raise Http404(f"No such {what}")
    return found
