"""Self-assessment rounds and a round's ratings as downloadable tables (CSV / Excel)."""

from __future__ import annotations

from imroc.core.tables import Table, col


def rounds_table(site, rounds) -> Table:
    return Table(f"Self-assessment rounds – {site.name}", [
        col("Round", "title"),
        col("Meeting", "held_on"),
        col("Status", "get_status_display"),
        col("Ratings", "rating_count"),
        col("Stages agreed", "consensus_count"),
        col("Id", "public_id"),
    ], rounds, name="assessment-rounds")  # fmt: skip


def ratings_table(assessment_round, ratings, consensus) -> Table:
    """Each group's rating of each challenge, then the agreed stages."""
    rows = [
        {"challenge": r.challenge, "group": r.get_stakeholder_group_display(), "level": r.level,
         "text": r.evidence, "kind": "Rating"}
        for r in ratings
    ] + [
        {"challenge": c.challenge, "group": "Everyone (agreed stage)", "level": c.level,
         "text": c.rationale, "kind": "Agreed stage"}
        for c in consensus
    ]  # fmt: skip
    rows.sort(key=lambda r: (r["challenge"].number, r["kind"] != "Rating", r["group"]))
    return Table(f"Ratings – {assessment_round.title}", [
        col("Challenge number", lambda r: r["challenge"].number),
        col("Challenge", lambda r: r["challenge"].short_title),
        col("Kind", "kind"),
        col("Stakeholder group", "group"),
        col("Stage (0 to 3)", "level"),
        col("Evidence or rationale", "text"),
    ], rows, name="ratings")  # fmt: skip
