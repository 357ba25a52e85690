"""Turn measures and their SPC results into what pages show: board rows, charts, tables, readings."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from imroc.core import charts
from imroc.core.charts import format_value
from imroc.measures import queries
from imroc.measures.analysis import MIN_POINTS, Analysis, Series, analyse
from imroc.measures.models import Direction, Frequency, Measure

RULE_WORDS = {
    "astronomical": _("outside the process limits"),
    "trend": _("part of 7 or more points rising or falling in a row"),
    "two_in_three": _("2 of 3 points close to a process limit"),
    "shift": _("part of 7 or more points on one side of the average"),
}
KIND_WORDS = {
    "outcome": _("Outcome"),
    "process": _("Process"),
    "balancing": _("Balancing"),
}
MEANING = {
    "special_cause_improvement": _("a sign of improvement"),
    "special_cause_concern": _("a sign of concern"),
    "special_cause_neutral": _("a sign of change, neither better nor worse"),
}


def period_label(measure: Measure, period: dt.date) -> str:
    # Django's date format gives the month's short name in the active language.
    if measure.frequency == Frequency.MONTHLY:
        return format_date(period, "M Y")
    return format_date(period, "j M Y")


def decimals_for(measure: Measure, values: list[float]) -> int:
    if measure.data_type in ("count", "between") and measure.chart_type != "t":
        return 0 if all(float(v).is_integer() for v in values) else 1
    biggest = max((abs(v) for v in values), default=0)
    if biggest >= 100:
        return 0
    if biggest >= 10:
        return 1
    return 2


def series_for(measure: Measure, points: list[tuple], rebases) -> Series:
    """points: (period, value, numerator, denominator) in period order."""
    scale = measure.display_scale
    periods, values, numerators, denominators = (
        (list(column) for column in zip(*points, strict=True)) if points else ([], [], [], [])
    )
    text = bool(points) and isinstance(points[0][0], str)
    return Series(
        key=measure.pk,
        chart=measure.chart_type,
        improvement=measure.improvement,
        target=None if measure.target is None else measure.target / scale,
        periods=periods,
        values=values,
        numerators=numerators,
        denominators=denominators,
        rebase_periods=[r.period.isoformat() if text else r.period for r in rebases],
    )


# --- The summary board -----------------------------------------------------------------------


@dataclass
class BoardRow:
    measure: Measure
    latest_label: str
    latest: str
    kind: str
    target: str
    variation: str
    assurance: str
    variation_icon: SafeString
    assurance_icon: SafeString
    sparkline: SafeString
    points: int
    url: str


def analyse_site(site) -> tuple[list[Measure], list[Analysis], dict]:
    """Every measure of a site with its SPC result: four queries and one batch of spc calls.

    Periods come back as ISO text: the board needs only their order, gaps and the last label.
    """
    measures = list(queries.site_measures(site))
    ids = [m.pk for m in measures]
    points = queries.point_rows_by_measure(ids)
    rebases = queries.rebases_by_measure(ids)
    series = [series_for(m, points.get(m.pk, []), rebases.get(m.pk, [])) for m in measures]
    return measures, analyse(series), points


SPARK_PERIODS = 36
BOARD_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Summary:
    """What the board and the dashboard need of one measure's SPC result: small, cacheable."""

    variation: str
    assurance: str
    points: int
    last: str  # the latest period, ISO text ("" without data)
    latest: float | None  # in display units
    decimals: int
    spark_values: tuple
    spark_types: tuple


def _summary(m: Measure, a: Analysis, pts: list[tuple]) -> Summary:
    scale = m.display_scale
    values = [p[1] * scale for p in pts]
    spark_values, spark_types = _recent_with_gaps(m, pts, values, a.point_types)
    return Summary(
        variation=a.variation, assurance=a.assurance, points=len(pts),
        last=pts[-1][0] if pts else "", latest=values[-1] if values else None,
        decimals=decimals_for(m, values[-24:]) if values else 1,
        spark_values=tuple(spark_values), spark_types=tuple(spark_types),
    )  # fmt: skip


@dataclass
class SiteSummaries:
    order: list[int]  # measure ids in board order (name, id)
    by_id: dict[int, Summary]


def _site_summaries(site) -> tuple[SiteSummaries, list[Measure] | None]:
    """The site's summaries, and its measures too when they had to be read to compute them.

    Cached under a key made from measures_stamp(): the counts and latest update times of the
    site's measures, data points and rebases. Any write to them (a form, an import, a bulk
    upsert, a correction, a rebase, a definition edit) changes the stamp, so a cached summary
    is never used after its data changed; the cost is one small query per request.
    """
    stamp = hashlib.sha256(repr(queries.measures_stamp(site)).encode()).hexdigest()
    key = f"measures:summaries:{site.pk}"  # one entry per site: a new stamp replaces the old
    cached = cache.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1], None
    measures, results, points = analyse_site(site)
    found = SiteSummaries(
        order=[m.pk for m in measures],
        by_id={
            m.pk: _summary(m, a, points.get(m.pk, []))
            for m, a in zip(measures, results, strict=True)
        },
    )
    cache.set(key, (stamp, found), BOARD_CACHE_SECONDS)
    return found, measures


def site_summaries(site) -> dict[int, Summary]:
    """Every measure of a site, summarised by its SPC result, by measure id (cached)."""
    return _site_summaries(site)[0].by_id


def board_rows(site, measures: list[Measure] | None = None, summaries=None) -> list[BoardRow]:
    """Board rows for some of a site's measures (all of them by default), in the given order."""
    summaries = summaries if summaries is not None else site_summaries(site)
    if measures is None:
        measures = list(queries.site_measures(site))
    if any(m.pk not in summaries for m in measures):  # added since the summaries were read
        summaries = {**summaries, **_fresh_summaries(site, measures)}
    # One reverse() for every row: the URL differs only by the measure's id.
    placeholder = "00000000-0000-0000-0000-000000000000"
    url = reverse("measures:detail", kwargs={"site": site.slug, "measure": placeholder})
    rows = []
    for m in measures:
        s = summaries[m.pk]
        unit = m.display_unit
        target = "–"
        if m.target is not None:
            target = format_value(m.target, s.decimals, unit)
            if m.target_date:
                target = gettext("%(target)s by %(date)s") % {
                    "target": target,
                    "date": format_date(m.target_date, "M Y"),
                }
        last = dt.date.fromisoformat(s.last) if s.last else None
        rows.append(
            BoardRow(
                measure=m,
                latest_label=period_label(m, last) if last else "",
                kind=str(KIND_WORDS.get(m.kind, m.kind.capitalize())),
                latest=format_value(s.latest, s.decimals, unit) if last else gettext("No data yet"),
                target=target,
                variation=s.variation,
                assurance=s.assurance,
                variation_icon=mark_safe(charts.variation_icon_svg(s.variation)),  # noqa: S308 - our own escaped SVG  # nosec
                assurance_icon=mark_safe(charts.assurance_icon_svg(s.assurance)),  # noqa: S308  # nosec
                sparkline=mark_safe(  # noqa: S308 - built from numbers and escaped text  # nosec
                    charts.sparkline_svg(
                        list(s.spark_values),
                        list(s.spark_types),
                        label=gettext("Trend of %(measure)s") % {"measure": m.name},
                    )
                ),
                points=s.points,
                url=url.replace(placeholder, str(m.public_id)),
            )
        )
    return rows


# Each row carries its icons and a sparkline (about 2 KiB). At national scale (1,410 measures at
# one site) 100 rows made a 198 KiB page, over the 150 KB page-weight budget; 50 rows stay under it.
BOARD_PAGE_SIZE = 50


@dataclass
class BoardPage:
    rows: list[BoardRow]
    page: object  # django.core.paginator.Page
    total: int
    improvement: int
    concern: int


def board_page(site, number) -> BoardPage:
    """One page of the board, with counts over every measure: SPC comes from the cache."""
    summaries, measures = _site_summaries(site)
    page = Paginator(summaries.order, BOARD_PAGE_SIZE).get_page(number)
    ids = list(page.object_list)
    if measures is None:
        found = {m.pk: m for m in queries.site_measures(site).filter(pk__in=ids)}
    else:
        found = {m.pk: m for m in measures}
    # A measure removed since the summaries were read is skipped (the next request re-reads).
    page_measures = [found[i] for i in ids if i in found]
    kinds = Counter(s.variation.split("_")[0] for s in summaries.by_id.values())
    return BoardPage(
        rows=board_rows(site, page_measures, summaries.by_id),
        page=page,
        total=len(summaries.order),
        improvement=kinds.get("improvement", 0),
        concern=kinds.get("concern", 0),
    )


def _fresh_summaries(site, measures: list[Measure]) -> dict[int, Summary]:
    ids = [m.pk for m in measures]
    points = queries.point_rows_by_measure(ids)
    rebases = queries.rebases_by_measure(ids)
    series = [series_for(m, points.get(m.pk, []), rebases.get(m.pk, [])) for m in measures]
    return {
        m.pk: _summary(m, a, points.get(m.pk, []))
        for m, a in zip(measures, analyse(series), strict=True)
    }


def _period_number(measure: Measure, iso: str) -> int:
    """Consecutive periods get consecutive numbers, so gaps are differences above 1."""
    if measure.frequency == Frequency.MONTHLY:
        return int(iso[:4]) * 12 + int(iso[5:7])
    return dt.date.fromisoformat(iso).toordinal() // 7


def _recent_with_gaps(measure, pts, values, types) -> tuple[list, list]:
    """The last SPARK_PERIODS periods' values (None for a missing period) and point types."""
    if not pts:
        return [], []
    last = _period_number(measure, pts[-1][0])
    first = last - SPARK_PERIODS + 1
    window = len(pts[-SPARK_PERIODS:])
    if len(types) == len(pts) and _period_number(measure, pts[-window][0]) == last - window + 1:
        # No gap in the window (the usual case): periods are unique and in order.
        return values[-window:], list(types[-window:])
    out_values: list = [None] * SPARK_PERIODS
    out_types = ["common_cause"] * SPARK_PERIODS
    for k in range(len(pts) - 1, -1, -1):
        n = _period_number(measure, pts[k][0])
        if n < first:
            break
        out_values[n - first] = values[k]
        out_types[n - first] = types[k] if k < len(types) else "common_cause"
    start = next(i for i, v in enumerate(out_values) if v is not None)
    return out_values[start:], out_types[start:]


def _full_periods(measure: Measure, first: dt.date, last: dt.date) -> list[dt.date]:
    out, p = [], first
    while p <= last and len(out) < 20000:
        out.append(p)
        p = measure.next_period(p)
    return out


# --- One measure's chart, table and reading ---------------------------------------------------


@dataclass
class Marker:
    number: int
    on: dt.date
    text: str
    kind: str
    url_cycle: object = None
    shown: bool = True


@dataclass
class TableRow:
    label: str
    value: str
    numerator: str = ""
    denominator: str = ""
    centre: str = ""
    lpl: str = ""
    upl: str = ""
    shows: str = ""
    gap: bool = False
    period: dt.date | None = None


@dataclass
class ChartView:
    measure: Measure
    svg: SafeString
    reading: list[str]
    table: list[TableRow]
    markers: list[Marker]
    rebases: list
    variation_icon: SafeString
    assurance_icon: SafeString
    analysis: Analysis
    points: int
    chart_id: str = "chart"
    decimals: int = 1


def chart_views(
    measures: list[Measure], *, cycles_for=None, prefix: str = "chart"
) -> list[ChartView]:
    """Charts for several measures: fixed queries, one batch of spc calls."""
    ids = [m.pk for m in measures]
    points = queries.points_by_measure(ids)
    rebases = queries.rebases_by_measure(ids)
    notes = queries.annotations_by_measure(ids)
    linked = queries.cycles_by_measure(ids) if cycles_for is None else None
    series = [series_for(m, points.get(m.pk, []), rebases.get(m.pk, [])) for m in measures]
    results = analyse(series, detail=True)
    views = []
    for m, a in zip(measures, results, strict=True):
        cycles = cycles_for(m) if cycles_for is not None else linked.get(m.pk, [])
        views.append(
            _chart_view(
                m, a, points.get(m.pk, []), rebases.get(m.pk, []), notes.get(m.pk, []), cycles,
                f"{prefix}-{m.public_id.hex[:8]}",
            )
        )  # fmt: skip
    return views


def _position(measure: Measure, periods: list[dt.date], day: dt.date) -> float | None:
    """Where a date falls on the x axis, in point indexes (None outside the chart)."""
    if not periods:
        return None
    start = measure.period_of(day)
    if start < periods[0] or start > periods[-1]:
        return None
    i = periods.index(start)
    length = (measure.next_period(start) - start).days
    return i - 0.5 + (day - start).days / length


def _chart_view(measure, a: Analysis, pts, rebases, notes, cycles, chart_id) -> ChartView:
    scale = measure.display_scale
    unit = measure.display_unit
    values = [p[1] * scale for p in pts]
    dec = decimals_for(measure, values) if values else 1
    full = _full_periods(measure, pts[0][0], pts[-1][0]) if pts else []
    at = {p[0]: k for k, p in enumerate(pts)}

    def sc(v):
        return None if v is None or not math.isfinite(v) else v * scale

    chart_points, table = [], []
    no_data, trial_word = gettext("No data"), gettext("(trial)")
    for period in full:
        k = at.get(period)
        label = period_label(measure, period)
        if k is None:
            chart_points.append(charts.ChartPoint(label=label, value=None, group=-1))
            table.append(TableRow(label=label, value=no_data, gap=True, period=period))
            continue
        pt = a.point_types[k]
        chart_points.append(
            charts.ChartPoint(
                label=label, value=values[k], point_type=pt, centre=sc(a.centre[k]),
                lpl=sc(a.lpl[k]), upl=sc(a.upl[k]), group=a.group_index[k],
            )
        )  # fmt: skip
        shows = str(charts.POINT_TYPE_WORDS.get(pt, pt))
        shows = shows[:1].upper() + shows[1:]
        if a.rules[k]:
            shows = gettext("%(shows)s (%(rule)s)") % {
                "shows": shows,
                "rule": RULE_WORDS[a.rules[k]],
            }
        trial = a.group_index[k] in a.trial_groups
        table.append(
            TableRow(
                label=label, value=format_value(values[k], dec, unit),
                numerator=f"{pts[k][2]:g}" if pts[k][2] is not None else "",
                denominator=f"{pts[k][3]:g}" if pts[k][3] is not None else "",
                centre=format_value(sc(a.centre[k]), dec, unit) + (f" {trial_word}" if trial else ""),
                lpl=format_value(sc(a.lpl[k]), dec, unit), upl=format_value(sc(a.upl[k]), dec, unit),
                shows=shows, period=period,
            )
        )  # fmt: skip

    markers: list[Marker] = []
    chart_markers = []
    items = [
        (c.starts_on, c.ends_on, gettext("PDSA: %(idea)s") % {"idea": c.change_idea}, "pdsa", c)
        for c in cycles
    ]
    items += [(n.on, None, n.text, "note", None) for n in notes]
    items.sort(key=lambda item: item[0])
    for number, (start, end, text, kind, cycle) in enumerate(items, start=1):
        pos = _position(measure, full, start)
        when = format_date(start, "d M Y")
        if end:
            when = pgettext("from one date to another", "%(start)s to %(end)s") % {
                "start": when,
                "end": format_date(end, "d M Y"),
            }
        if cycle is not None and cycle.decision:
            text = f"{text} ({cycle.get_decision_display().split(':')[0].lower()})"
        markers.append(Marker(number, start, text, kind, cycle, pos is not None))
        if pos is not None:
            end_pos = _position(measure, full, end) if end else None
            if end and end_pos is None and full and end > full[-1]:
                end_pos = len(full) - 0.5
            chart_markers.append(
                charts.ChartMarker(
                    number=number,
                    start=pos,
                    end=end_pos,
                    text=f"{number}. {when}: {text}",
                    kind=kind,
                )
            )
    rebase_marks = []
    for r in rebases:
        start = measure.period_of(r.period)
        if full and full[0] < start <= full[-1]:
            rebase_marks.append(
                (full.index(start), gettext("Rebase: %(reason)s") % {"reason": r.reason[:40]})
            )

    reading = _reading(measure, a, pts, values, dec, unit)
    title = f"{measure.name}: {chart_label(measure)}"
    desc = " ".join(reading) or gettext("No data yet.")
    svg = charts.spc_chart_svg(
        charts.SpcChart(
            title=title, description=desc, points=chart_points, trial_groups=a.trial_groups,
            rebases=rebase_marks, target=measure.target, markers=chart_markers, unit=unit,
            decimals=dec, id_prefix=chart_id,
        )
    )  # fmt: skip
    return ChartView(
        measure=measure,
        svg=mark_safe(svg),  # noqa: S308 - the renderer escapes every text it draws  # nosec
        reading=reading,
        table=table,
        markers=markers,
        rebases=list(rebases),
        variation_icon=mark_safe(charts.variation_icon_svg(a.variation)),  # noqa: S308  # nosec
        assurance_icon=mark_safe(charts.assurance_icon_svg(a.assurance)),  # noqa: S308  # nosec
        analysis=a,
        points=len(pts),
        chart_id=chart_id,
        decimals=dec,
    )


def chart_label(measure: Measure) -> str:
    return measure.get_chart_type_display().split(" (")[0]


def _run_from_end(flags: list[bool]) -> int:
    k = 0
    for f in reversed(flags):
        if not f:
            break
        k += 1
    return k


def _reading(measure, a: Analysis, pts, values, dec, unit) -> list[str]:
    """The chart in plain words: the latest signal, then what the target can expect."""
    if not pts:
        return [
            gettext("There is no data yet. Add a value for each period, or import many at once.")
        ]
    weekly = measure.frequency == Frequency.WEEKLY

    def fmt(v):
        return format_value(None if v is None else v * measure.display_scale, dec, unit)

    out = []
    last_group = a.group_index[-1]
    in_last = [g == last_group for g in a.group_index]
    start = pts[in_last.index(True)][0]
    if a.last_group_n < MIN_POINTS:
        out.append(
            ngettext(
                "There is only %(count)d point since %(period)s, so the limits are a trial and "
                "may change. The icons need at least %(minimum)d points.",
                "There are only %(count)d points since %(period)s, so the limits are a trial and "
                "may change. The icons need at least %(minimum)d points.",
                a.last_group_n,
            )
            % {
                "count": a.last_group_n,
                "period": period_label(measure, start),
                "minimum": MIN_POINTS,
            }
        )
    if a.n < 2:
        return out
    pt, rule, side = a.point_types[-1], a.rules[-1], a.sides[-1]
    label = period_label(measure, pts[-1][0])
    meaning = MEANING.get(pt, "")
    high = side == "high"
    if rule == "astronomical":
        text = (
            gettext(
                "The latest point (%(period)s: %(value)s) is above the upper process limit: %(meaning)s."
            )
            if high
            else gettext(
                "The latest point (%(period)s: %(value)s) is below the lower process limit: %(meaning)s."
            )
        )
        out.append(
            text
            % {"period": label, "value": format_value(values[-1], dec, unit), "meaning": meaning}
        )
    elif rule == "trend":
        steps = [
            in_last[k]
            and in_last[k - 1]
            and ((values[k] > values[k - 1]) if high else (values[k] < values[k - 1]))
            for k in range(1, len(values))
        ]
        k = _run_from_end(steps) + 1
        text = (
            gettext(
                "The last %(count)d points have each been higher than the one before: %(meaning)s."
            )
            if high
            else gettext(
                "The last %(count)d points have each been lower than the one before: %(meaning)s."
            )
        )
        out.append(text % {"count": k, "meaning": meaning})
    elif rule == "two_in_three":
        text = (
            gettext(
                "Two of the last three points are close to the upper process limit: %(meaning)s."
            )
            if high
            else gettext(
                "Two of the last three points are close to the lower process limit: %(meaning)s."
            )
        )
        out.append(text % {"meaning": meaning})
    elif rule == "shift":
        centre = [c * measure.display_scale for c in a.centre]
        sides = [
            in_last[k] and ((values[k] > centre[k]) if high else (values[k] < centre[k]))
            for k in range(len(values))
        ]
        k = _run_from_end(sides)
        text = (
            gettext("The last %(count)d points are above the average: %(meaning)s.")
            if high
            else gettext("The last %(count)d points are below the average: %(meaning)s.")
        )
        out.append(text % {"count": k, "meaning": meaning})
    else:
        lo, hi = a.lpl[-1], a.upl[-1]
        out.append(
            gettext(
                "The latest point shows only common-cause variation: the values vary around an "
                "average of %(average)s, and you can expect them between %(low)s and %(high)s "
                "unless the process changes."
            )
            % {"average": fmt(a.mean), "low": fmt(lo), "high": fmt(hi)}
        )
    earlier = sum(1 for k, t in enumerate(a.point_types[:-1]) if t != "common_cause" and in_last[k])
    if earlier and rule is None:
        out.append(
            ngettext(
                "Earlier in this period %(count)d point showed special-cause variation: the table "
                "below says which.",
                "Earlier in this period %(count)d points showed special-cause variation: the table "
                "below says which.",
                earlier,
            )
            % {"count": earlier}
        )
    if measure.target is not None:
        t = format_value(measure.target, dec, unit)
        up = measure.improvement == Direction.INCREASE
        if a.assurance == "pass":
            text = (
                gettext(
                    "The target of %(target)s is below the lower process limit, so the process "
                    "can be expected to meet it every time."
                )
                if up
                else gettext(
                    "The target of %(target)s is above the upper process limit, so the process "
                    "can be expected to meet it every time."
                )
            )
        elif a.assurance == "fail":
            text = (
                gettext(
                    "The target of %(target)s is beyond the upper process limit, so the process "
                    "will not meet it unless something changes."
                )
                if up
                else gettext(
                    "The target of %(target)s is beyond the lower process limit, so the process "
                    "will not meet it unless something changes."
                )
            )
        elif a.assurance == "inconsistent":
            text = (
                gettext(
                    "The target of %(target)s lies between the process limits, so the process "
                    "will meet it in some weeks and miss it in others."
                )
                if weekly
                else gettext(
                    "The target of %(target)s lies between the process limits, so the process "
                    "will meet it in some months and miss it in others."
                )
            )
        else:
            text = ""
        if text:
            out.append(text % {"target": t})
        elif measure.improvement == Direction.NEUTRAL:
            out.append(
                gettext(
                    "Neither direction is better for this measure, so the target is not assessed."
                )
            )
    return out
