"""Workforce, policy and partnership lists as downloadable tables (CSV / Excel)."""

from __future__ import annotations

from imroc.core.tables import Table, col


def cohorts_table(site, cohorts) -> Table:
    return Table(f"Peer support cohorts – {site.name}", [
        col("Cohort", "name"),
        col("Phase", "get_phase_display"),
        col("Started", "started_on"),
        col("Applicants", "applicants"),
        col("Interviewed", "interviewed"),
        col("Posts", "post_count"),
        col("In post", "in_post"),
        col("Id", "public_id"),
    ], cohorts, name="peer-support-cohorts")  # fmt: skip


def events_table(site, events) -> Table:
    return Table(f"Joint training events – {site.name}", [
        col("Event", "topic"),
        col("Date", "held_on"),
        col("Trainers", "trainer_count"),
        col("Trainers with lived experience", "lived_trainers"),
        col("Staff", "staff_attended"),
        col("Service users", "service_users_attended"),
        col("Carers", "carers_attended"),
        col("Places", "capacity"),
        col("Id", "public_id"),
    ], events, name="joint-training-events")  # fmt: skip


def policies_table(site, policies) -> Table:
    return Table(f"Policy register – {site.name}", [
        col("Policy", "title"),
        col("Kind", "get_kind_display"),
        col("Last review", "last_reviewed"),
        col("Last outcome", lambda p: (p.last_outcome or "").replace("_", " ").capitalize()),
        col("Lived-experience reviewers", "last_lived"),
        col("Reviews", "review_count"),
        col("Next review", "next_review_on"),
        col("Current version", "current_url"),
        col("Id", "public_id"),
    ], policies, name="policies")  # fmt: skip


def agencies_table(site, agencies) -> Table:
    return Table(f"Partners – {site.name}", [
        col("Partner", "name"),
        col("Kind", "get_sector_display"),
        col("Agreements", "agreement_count"),
        col("Joint activities", "activity_count"),
        col("Referrals to the partner", lambda a: a.referrals_to or 0),
        col("Referrals from the partner", lambda a: a.referrals_from or 0),
        col("Review by", "review_on"),
        col("Id", "public_id"),
    ], agencies, name="partners")  # fmt: skip


def indicators_table(site, indicators) -> Table:
    def share(i):
        return round(100 * i.latest_num / i.latest_den) if i.latest_den else None

    return Table(f"Personalisation indicators – {site.name}", [
        col("Indicator", "name"),
        col("Definition", "definition"),
        col("Latest month", "latest_period"),
        col("Latest count", "latest_num"),
        col("Latest out of", "latest_den"),
        col("Share (%)", share),
        col("Target (%)", "target"),
        col("Months recorded", "value_count"),
        col("Id", "public_id"),
    ], indicators, name="personalisation-indicators")  # fmt: skip


def supervision_table(site, supervision) -> Table:
    """The staff support page's supervision table, latest month, small numbers hidden (blank)
    exactly as on the page; the all-teams total is the last row."""
    rows = []
    if supervision is not None:
        month = supervision["period"].strftime("%Y-%m")
        rows = [{"month": month, **t} for t in supervision["teams"]]
        rows.append({"month": month, "team": "All teams", **supervision["total"]})
    return Table(f"Recovery-focused supervision – {site.name}", [
        col("Month", "month"),
        col("Team", "team"),
        col("Supervised", "supervised"),
        col("In scope", "in_scope"),
        col("Share (%)", "share"),
    ], rows, name="recovery-focused-supervision")  # fmt: skip


def ips_table(site, ips_rows) -> Table:
    return Table(f"IPS fidelity reviews – {site.name}", [
        col("Date", "review.held_on"),
        col("Service", "review.service"),
        col("Total", "review.total"),
        col("Band", "band"),
        col("Change", "change"),
        col("Reviewers", "review.reviewers"),
        col("Id", "review.public_id"),
    ], ips_rows, name="ips-fidelity-reviews")  # fmt: skip


def safety_table(site, rows) -> Table:
    return Table(f"Co-produced safety planning – {site.name}", [
        col("Month", lambda r: r.period.strftime("%Y-%m")),
        col("Team", "team.name"),
        col("Plans in place", "plans_in_place"),
        col("Co-produced", "plans_coproduced"),
    ], rows, name="safety-planning")  # fmt: skip
