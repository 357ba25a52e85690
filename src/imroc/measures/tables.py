"""The measures board and a measure's data points as downloadable tables (CSV / Excel)."""

from __future__ import annotations

from imroc.core.tables import Table, col


def board_table(site, rows) -> Table:
    return Table(f"Measures – {site.name}", [
        col("Measure", "measure.name"),
        col("Kind", lambda r: r.measure.get_kind_display()),
        col("Unit", lambda r: r.measure.display_unit),
        col("Frequency", lambda r: r.measure.get_frequency_display()),
        col("Chart", lambda r: r.measure.get_chart_type_display()),
        col("Team", lambda r: r.measure.team.name if r.measure.team else ""),
        col("Owner", lambda r: str(r.measure.owner) if r.measure.owner else ""),
        col("Latest period", "latest_label"),
        col("Latest value", "latest"),
        col("Target", "target"),
        col("Variation", "variation"),
        col("Assurance", "assurance"),
        col("Data points", "points"),
        col("Id", "measure.public_id"),
    ], rows, name="measures")  # fmt: skip


def programme_measures_table(programme, rows) -> Table:
    """The measures every site reports the same way, with how many sites report each."""
    return Table(f"Programme measures – {programme.name}", [
        col("Measure", lambda r: r[0].name),
        col("Definition", lambda r: r[0].definition),
        col("Kind of data", lambda r: r[0].get_data_type_display()),
        col("Reported", lambda r: r[0].get_frequency_display()),
        col("Sites reporting", lambda r: r[1]),
        col("Id", lambda r: r[0].public_id),
    ], rows, name="programme-measures")  # fmt: skip


def points_table(measure) -> Table:
    points = measure.points.order_by("period", "id")
    return Table(f"Data – {measure.name}", [
        col("Period", "period"),
        col("Value", "value"),
        col("Numerator", "numerator"),
        col("Denominator", "denominator"),
        col("Note", "note"),
        col("Source", "get_source_display"),
        col("Revision", "revision"),
    ], points, name="data-points")  # fmt: skip


def _label(row) -> str:
    return f"{row.label} (you)" if row.is_you else row.label


def funnel_table(context) -> Table:
    """The data behind the benchmark funnel plot, for the chosen measure and year."""
    funnel, chosen = context.get("funnel"), context.get("chosen")
    title = f"Benchmark – {chosen.name}, {context.get('year')}" if chosen else "Benchmark"
    return Table(title, [
        col("Site", _label),
        col("Cases", lambda r: round(r.denominator)),
        col("Share (%)", lambda r: round(r.percent, 1)),
        col("Reading", "reading"),
    ], funnel.rows if funnel else [], name="benchmark")  # fmt: skip


def stages_table(context) -> Table:
    """Each site's latest agreed stage on each challenge."""
    challenges = context["challenges"]
    columns = [col("Site", _label)] + [
        col(f"{c.number}. {c.short_title}", lambda r, i=i: r.levels[i])
        for i, c in enumerate(challenges)
    ]
    return Table("Latest agreed stage by site", columns, context["stages"], name="stage-comparison")  # fmt: skip


def benchmark_table(request, context) -> Table:
    return stages_table(context) if request.GET.get("table") == "stages" else funnel_table(context)
