"""Markers that say who a view is for. The access walk test requires one on every route."""

from __future__ import annotations


def public_view(view):
    """Mark a view as open to everyone, so the access walk knows it is deliberate."""
    view.imroc_access = ("public", None)
    return view
