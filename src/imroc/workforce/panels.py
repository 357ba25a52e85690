"""The site dashboard's workforce and partnerships panel, in two queries whatever the data."""

from __future__ import annotations

from django.utils import timezone

from imroc.workforce import queries, reference
from imroc.workforce.presenters import share


def _coverage(rows) -> int | None:
    """The latest month's coverage: the whole-site row if there is one, else the teams added up."""
    whole = [r for r in rows if r.team_id is None and r.profession == "all"]
    teams = [r for r in rows if r.team_id is not None and r.profession == "all"]
    use = whole or teams or rows
    return share(sum(r.trained for r in use), sum(r.in_scope for r in use))


def site_dashboard(request, site) -> dict:
    today = timezone.localdate()
    f = queries.dashboard_figures(site, today)
    rows = queries.latest_coverage_rows(site)
    return {
        "employed": f["wf_employed"] or 0,
        "fte": f["wf_fte"] or 0,
        "cohorts": f["wf_cohorts"] or 0,
        "team_share": share(f["wf_teams_covered"] or 0, f["wf_teams"] or 0),
        "events": f["wf_events"] or 0,
        "events_with_lived": f["wf_events_lived"] or 0,
        "attendees": f["wf_attendees"] or 0,
        "latest_event": f["wf_latest_event"],
        "coverage": _coverage(rows) if rows else None,
        "coverage_period": rows[0].period if rows else None,
        "target": f["wf_target"] if f["wf_target"] is not None else 80,
        "policies": f["wf_policies"] or 0,
        "policies_lived": f["wf_policies_lived"] or 0,
        "policies_overdue": f["wf_policies_overdue"] or 0,
        "partners": f["wf_partners"] or 0,
        "ips_total": f["wf_ips_total"],
        "ips_on": f["wf_ips_on"],
        "ips_band": reference.ips_band(f["wf_ips_total"]) if f["wf_ips_total"] else None,
    }
