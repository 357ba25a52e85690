"""The programme report: the network view of /programme/, for every site in the programme."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone

from imroc.core import panels
from imroc.framework import queries as framework_queries
from imroc.programme import queries as programme_queries
from imroc.programme.access import ProgrammeAccess
from imroc.programme.models import Category


def build_network(programme, request=None) -> dict:
    """The figures of the programme's home page, from the same queries and panels."""
    if request is None:  # the command line: the panels need only the programme
        request = SimpleNamespace(programme=programme, programme_access=ProgrammeAccess.VIEW)
    sites = list(programme_queries.programme_sites(programme))
    counts = programme_queries.application_counts(programme)
    return {
        "programme": programme,
        "generated_at": timezone.now(),
        "sites": sites,
        "by_category": [
            (label, [s for s in sites if s.category == value]) for value, label in Category.choices
        ],
        "application_count": counts["total"],
        "accepted_count": counts["accepted"],
        "framework": framework_queries.current_version(programme.framework_key),
        "panels": panels.panels_for(panels.PROGRAMME_DASHBOARD, request, sites),
    }
