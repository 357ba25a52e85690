"""The team's TRIP, shown on the team page."""

from __future__ import annotations

from imroc.assessment import queries
from imroc.programme.access import SiteAccess


def team_trip(request, team) -> dict:
    benchmarks = queries.latest_team_benchmarks(team)
    return {
        "resources": queries.team_resources(team),
        "benchmarks": benchmarks,
        "benchmarked_on": benchmarks[0].assessed_on if benchmarks else None,
        "priorities": list(queries.team_priorities(team)),
        "past_priorities": list(queries.team_past_priorities(team)[:6]),
        "reviews": list(queries.team_reviews(team)[:5]),
        "can_edit": request.site_access >= SiteAccess.EDIT,
    }
