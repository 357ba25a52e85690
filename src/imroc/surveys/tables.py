"""Questionnaire lists as downloadable tables (CSV / Excel).

Results keep the page's small-number rule: a month with fewer responses than the threshold
shows neither its count nor its mean.
"""

from __future__ import annotations

from django.utils import timezone

from imroc.core.tables import Table, col


def instruments_table(site, instruments) -> Table:
    return Table(f"Questionnaires – {site.name}", [
        col("Questionnaire", "title"),
        col("Key", "key"),
        col("Audience", "get_audience_display"),
        col("Owner", lambda i: "This site" if i.site_id else "The programme"),
        col("Latest version", "latest"),
        col("Responses at this site", lambda i: i.site_responses or 0),
        col("Id", "public_id"),
    ], instruments, name="questionnaires")  # fmt: skip


def monthly_results_table(instrument, figures) -> Table:
    rows = [
        {"month": month.strftime("%Y-%m"), "n": None if cell.hidden else cell.n, "mean": mean}
        for month, cell, mean in figures.months
    ]
    return Table(f"Scores by month – {instrument.title}", [
        col("Month", "month"),
        col(f"Responses (blank when fewer than {figures.small_number})", "n"),
        col("Mean score", "mean"),
    ], rows, name=f"{instrument.key}-scores-by-month")  # fmt: skip


def links_table(instrument, links) -> Table:
    """The open one-time links as the questionnaire page lists them. Never the link itself:
    its address is a secret that opens the questionnaire, so only its reference is here."""
    return Table(f"Open one-time links – {instrument.title}", [
        col("Made on", lambda link: timezone.localdate(link.created_at)),
        col("Works until", "expires_at"),
        col("For", lambda link: link.respondent.code if link.respondent else ""),
        col("Answers saved", lambda link: link.saved_at is not None),
        col("Version", "version.number"),
        col("Id", "public_id"),
    ], links, name=f"{instrument.key}-open-links")  # fmt: skip
