"""The programme report: the network view of /programme/, for every site in the programme."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import ngettext

from imroc.core import panels
from imroc.framework import queries as framework_queries
from imroc.programme import queries as programme_queries
from imroc.programme.access import ProgrammeAccess
from imroc.programme.models import CATEGORY_PLURAL_LABELS, Category


def category_count(category: str, n: int) -> str:
    """'3 demonstration sites', '1 international partner', in the active language."""
    if category == Category.DEMONSTRATION:
        text = ngettext("%(count)d demonstration site", "%(count)d demonstration sites", n)
    elif category == Category.PILOT:
        text = ngettext("%(count)d pilot site", "%(count)d pilot sites", n)
    elif category == Category.NETWORK:
        text = ngettext("%(count)d network site", "%(count)d network sites", n)
    else:
        text = ngettext("%(count)d international partner", "%(count)d international partners", n)
    return text % {"count": n}


def build_network(programme, request=None) -> dict:
    """The figures of the programme's home page, from the same queries and panels."""
    if request is None:  # the command line: the panels need only the programme
        request = SimpleNamespace(programme=programme, programme_access=ProgrammeAccess.VIEW)
    sites = list(programme_queries.programme_sites(programme))
    counts = programme_queries.application_counts(programme)
    by_category = [
        (value, label, [s for s in sites if s.category == value])
        for value, label in Category.choices
    ]
    return {
        "programme": programme,
        "generated_at": timezone.now(),
        "sites": sites,
        "by_category": [(label, group) for _value, label, group in by_category],
        "categories": [
            {
                "heading": CATEGORY_PLURAL_LABELS.get(value, label),
                "count": category_count(value, len(group)),
                "sites": group,
            }
            for value, label, group in by_category
        ],
        "category_text": ", ".join(
            category_count(value, len(group)) for value, _label, group in by_category
        ),
        "application_count": counts["total"],
        "accepted_count": counts["accepted"],
        "framework": framework_queries.current_version(programme.framework_key),
        "panels": panels.panels_for(panels.PROGRAMME_DASHBOARD, request, sites),
    }
