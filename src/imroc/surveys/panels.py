"""The site dashboard's questionnaire panel: one query, small numbers hidden."""

from __future__ import annotations

from imroc.core import suppression
from imroc.surveys import queries
from imroc.surveys.results import Cell


def site_dashboard(request, site) -> dict:
    figures = queries.dashboard_figures(site)
    return {
        "total": Cell(figures["total"]),
        "last_year": Cell(figures["last_year"]),
        "instruments": figures["instruments"],
        "small_number": suppression.threshold(),
    }
