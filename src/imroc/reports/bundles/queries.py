"""Reads for the hub's bundle pages, always within the programme."""

from __future__ import annotations

from imroc.programme.models import Site
from imroc.reports.models import BundleImport, SiteKey


def sites(programme):
    return Site.objects.filter(programme=programme).select_related("organisation")


def imports(programme, limit: int = 100):
    return (
        BundleImport.objects.filter(site__programme=programme)
        .select_related("site__organisation")
        .order_by("-imported_at", "-id")[:limit]
    )


def keys(programme):
    return SiteKey.objects.filter(site__programme=programme).select_related("site__organisation")


def import_or_none(programme, public_id):
    return (
        BundleImport.objects.select_related("site__organisation", "key")
        .filter(site__programme=programme, public_id=public_id)
        .first()
    )


def key_or_none(programme, public_id):
    return (
        SiteKey.objects.select_related("site__organisation")
        .filter(site__programme=programme, public_id=public_id)
        .first()
    )
