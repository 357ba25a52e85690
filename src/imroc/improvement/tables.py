"""The goal and PDSA cycle lists as downloadable tables (CSV / Excel)."""

from __future__ import annotations

from imroc.core.tables import Table, col


def _person(user) -> str:
    return str(user) if user else ""


def goals_table(site, goals) -> Table:
    return Table(f"Goals – {site.name}", [
        col("Goal", "title"),
        col("Challenge", lambda g: f"{g.challenge.number}. {g.challenge.short_title}"),
        col("Target stage", "target_level"),
        col("Target value", "target_value"),
        col("Target value meaning", "target_value_meaning"),
        col("Target date", "target_date"),
        col("Owner", lambda g: _person(g.owner)),
        col("Lived-experience co-lead", lambda g: _person(g.co_lead)),
        col("Status", "get_status_display"),
        col("Next review", "next_review_on"),
        col("PDSA cycles", lambda g: getattr(g, "cycle_count", None)),
        col("Cycles running", lambda g: getattr(g, "open_cycles", None)),
        col("Id", "public_id"),
    ], goals, name="goals")  # fmt: skip


def cycles_table(goal, cycles) -> Table:
    return Table(f"PDSA cycles – {goal.title}", [
        col("Change idea", "change_idea"),
        col("Objective", "objective"),
        col("Who", "who"),
        col("Where", "where"),
        col("Starts", "starts_on"),
        col("Ends", "ends_on"),
        col("Prediction", "prediction"),
        col("What you will measure", "measures"),
        col("What happened", "do_notes"),
        col("Observations", "observations"),
        col("Results against the prediction", "study_notes"),
        col("Step", "step_label"),
        col("Decision", "get_decision_display"),
        col("Decided on", "decided_on"),
        col("What happens next", "next_steps"),
        col("Follows cycle", lambda c: c.previous.public_id if c.previous else None),
        col("Id", "public_id"),
    ], cycles, name="pdsa-cycles")  # fmt: skip
