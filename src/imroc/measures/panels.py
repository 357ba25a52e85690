"""Panels the measures app adds to the site dashboard and the goal page (fixed queries each)."""

from __future__ import annotations

from collections import Counter

from imroc.measures import presenters, queries


def site_dashboard(request, site) -> dict:
    summaries = presenters.site_summaries(site).values()  # cached until the data changes
    kinds = Counter(s.variation.split("_")[0] for s in summaries)
    return {
        "count": len(summaries),
        "improvement": kinds.get("improvement", 0),
        "concern": kinds.get("concern", 0),
        "with_data": sum(1 for s in summaries if s.points),
    }


def goal_page(request, goal) -> dict:
    """The goal's measures, each charted with the goal's own PDSA cycles marked on it."""
    measures = queries.goal_measures(goal)
    cycles = queries.goal_cycles(goal)
    views = presenters.chart_views(measures, cycles_for=lambda m: cycles, prefix="goal-chart")
    return {"goal": goal, "charts": views, "cycle_count": len(cycles)}
