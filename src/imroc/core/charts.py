"""Server-side SVG charts: SPC charts, sparklines and Making Data Count icons.

Every function takes plain data (numbers, strings, lists) and returns an SVG string, so any
page or report can reuse it without Django models. All text is escaped; the output is
well-formed XML. Charts carry role="img" with a <title> and <desc>; colour is never the only
signal (point shapes, letters and line styles differ too).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

COLOURS = {
    "common_cause": "#a6a6a6",
    "special_cause_improvement": "#00b0f0",
    "special_cause_concern": "#e46c0a",
    "special_cause_neutral": "#490092",
}
IMPROVEMENT, CONCERN, NEUTRAL, COMMON = (
    COLOURS["special_cause_improvement"],
    COLOURS["special_cause_concern"],
    COLOURS["special_cause_neutral"],
    COLOURS["common_cause"],
)
INK = "#0b0c0c"
MUTED = "#505a5f"
TARGET = "#b3261e"
LIMIT = "#505a5f"

POINT_TYPE_WORDS = {
    "common_cause": _("common cause"),
    "special_cause_improvement": _("special cause: improvement"),
    "special_cause_concern": _("special cause: concern"),
    "special_cause_neutral": _("special cause: neither better nor worse"),
}


@dataclass(frozen=True)
class ChartPoint:
    """One period on the x axis. value None is a gap (no data for that period)."""

    label: str
    value: float | None
    point_type: str = "common_cause"
    centre: float | None = None
    lpl: float | None = None
    upl: float | None = None
    group: int = 0


@dataclass(frozen=True)
class ChartMarker:
    """A dated note drawn on the chart: a PDSA cycle (with its span) or an annotation.

    ``start``/``end`` are positions on the x axis in point indexes (fractions allowed).
    """

    number: int
    start: float
    text: str
    end: float | None = None
    kind: str = "note"  # "pdsa" or "note"


@dataclass(frozen=True)
class SpcChart:
    title: str
    description: str
    points: Sequence[ChartPoint]
    trial_groups: frozenset[int] = frozenset()
    rebases: Sequence[tuple[int, str]] = ()  # (index of the first point of the new group, label)
    target: float | None = None
    markers: Sequence[ChartMarker] = ()
    unit: str = ""
    decimals: int = 1
    id_prefix: str = "chart"
    width: int = 760
    height: int = 340
    legend: bool = True


def _a(value) -> str:
    """An escaped, quoted attribute value."""
    return quoteattr(str(value))


def _n(value: float) -> str:
    """A compact coordinate."""
    return f"{value:.1f}".rstrip("0").rstrip(".") if math.isfinite(value) else "0"


def format_value(value: float | None, decimals: int = 1, unit: str = "") -> str:
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:,.{decimals}f}"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip() if unit else text


def _nice_step(span: float, count: int = 5) -> float:
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def _y_range(chart: SpcChart) -> tuple[float, float]:
    values = []
    for p in chart.points:
        values.extend(v for v in (p.value, p.lpl, p.upl, p.centre) if v is not None)
    if chart.target is not None:
        values.append(chart.target)
    values = [v for v in values if math.isfinite(v)]
    if not values:
        return 0.0, 1.0
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.06
    # Data that cannot be negative (counts, shares) gets no negative axis.
    floor = 0.0 if lo >= 0 else lo - pad
    return max(lo - pad, floor), hi + pad


def spc_chart_svg(chart: SpcChart) -> str:
    """An SPC chart in the Making Data Count style, as an SVG string."""
    width, height = chart.width, chart.height
    legend_h = 34 if chart.legend else 0
    marker_h = 22 if chart.markers else 0
    left, right, top, bottom = 62, 16, 14 + marker_h, 40 + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(chart.points)
    lo, hi = _y_range(chart)
    step = _nice_step(hi - lo)
    lo_tick = max(math.floor(lo / step) * step, 0.0) if lo >= 0 else math.floor(lo / step) * step
    hi_tick = math.ceil(hi / step) * step
    lo, hi = min(lo, lo_tick), max(hi, hi_tick)

    def x(i: float) -> float:
        return left + (plot_w * (i + 0.5) / n if n else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - lo) / (hi - lo))

    pid = chart.id_prefix
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spc-chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{pid}-title {pid}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{pid}-title">{escape(chart.title)}</title>',
        f'<desc id="{pid}-desc">{escape(chart.description)}</desc>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#ffffff" stroke="#d8d8d8"/>',
    ]
    # Y grid and labels.
    out.append('<g class="axis y-axis" font-size="11" fill="#505a5f">')
    tick = lo_tick
    guard = 0
    while tick <= hi + step * 1e-9 and guard < 50:
        guard += 1
        if tick >= lo - step * 1e-9:
            ty = y(tick)
            out.append(
                f'<line x1="{left}" x2="{left + plot_w}" y1="{_n(ty)}" y2="{_n(ty)}" stroke="#eeeeee"/>'
            )
            out.append(
                f'<text x="{left - 6}" y="{_n(ty + 4)}" text-anchor="end">'
                f"{escape(format_value(tick, max(0, -math.floor(math.log10(step))) if step < 1 else 0))}</text>"
            )
        tick += step
    if chart.unit:
        out.append(
            f'<text x="12" y="{_n(top + plot_h / 2)}" text-anchor="middle" '
            f'transform="rotate(-90 12 {_n(top + plot_h / 2)})">{escape(chart.unit)}</text>'
        )
    out.append("</g>")
    # X labels.
    if n:
        every = max(1, math.ceil(n / 9))
        out.append('<g class="axis x-axis" font-size="11" fill="#505a5f" text-anchor="middle">')
        for i in range(0, n, every):
            out.append(
                f'<text x="{_n(x(i))}" y="{top + plot_h + 16}">{escape(chart.points[i].label)}</text>'
            )
        out.append("</g>")

    # PDSA spans and notes, behind the data.
    if chart.markers:
        out.append('<g class="markers" font-size="11">')
        for m in chart.markers:
            mx = x(m.start)
            if m.end is not None and m.end > m.start:
                out.append(
                    f'<rect x="{_n(mx)}" y="{top}" width="{_n(x(m.end) - mx)}" height="{plot_h}" '
                    f'fill="#e8f1f8"><title>{escape(m.text)}</title></rect>'
                )
            out.append(
                f'<line x1="{_n(mx)}" x2="{_n(mx)}" y1="{top - 12}" y2="{top + plot_h}" '
                f'stroke="{INK}" stroke-width="1" stroke-dasharray="2 3"/>'
            )
            shape = (
                f'<rect x="{_n(mx - 8)}" y="{top - 21}" width="16" height="16" fill="#ffffff" stroke="{INK}"/>'
                if m.kind == "pdsa"
                else f'<circle cx="{_n(mx)}" cy="{top - 13}" r="8" fill="#ffffff" stroke="{INK}"/>'
            )
            out.append(
                f'<g class="marker marker-{escape(m.kind)}"><title>{escape(m.text)}</title>{shape}'
                f'<text x="{_n(mx)}" y="{top - 9}" text-anchor="middle" fill="{INK}" '
                f'font-weight="700">{m.number}</text></g>'
            )
        out.append("</g>")

    # Limits and mean, one stepped path per group (per-point limits step between points).
    groups: dict[int, list[int]] = {}
    for i, p in enumerate(chart.points):
        if p.value is not None and p.centre is not None:
            groups.setdefault(p.group, []).append(i)
    out.append('<g class="limits" fill="none">')
    for g, idx in groups.items():
        trial = g in chart.trial_groups
        for attr, colour, dash, width_ in (
            ("upl", LIMIT, "6 4", 1.3),
            ("lpl", LIMIT, "6 4", 1.3),
            ("centre", INK, "8 4" if trial else "", 1.6),
        ):
            d = _step_path(chart.points, idx, attr, x, y)
            if d:
                dash_attr = (
                    f' stroke-dasharray="{"3 4" if trial else dash}"' if (dash or trial) else ""
                )
                out.append(
                    f'<path class="line-{attr}{" trial" if trial else ""}" d="{d}" stroke="{colour}" '
                    f'stroke-width="{width_}"{dash_attr}/>'
                )
        if trial and idx:
            trial_words = escape(gettext("Trial limits"))
            out.append(
                f'<text class="trial-label" x="{_n(x(idx[0]) - 4)}" y="{_n(top + 12)}" font-size="11" '
                f'fill="{INK}">{trial_words}</text>'
            )
    out.append("</g>")

    # Target.
    if chart.target is not None and math.isfinite(chart.target):
        ty = y(chart.target)
        target_words = gettext("Target %(value)s") % {
            "value": format_value(chart.target, chart.decimals, chart.unit)
        }
        out.append(
            f'<g class="target"><line x1="{left}" x2="{left + plot_w}" y1="{_n(ty)}" y2="{_n(ty)}" '
            f'stroke="{TARGET}" stroke-width="1.6" stroke-dasharray="10 3 2 3"/>'
            f'<text x="{left + plot_w - 4}" y="{_n(ty - 4)}" text-anchor="end" font-size="11" fill="{TARGET}">'
            f"{escape(target_words)}</text></g>"
        )

    # Rebases.
    for index, label in chart.rebases:
        rx = x(index - 0.5)
        out.append(
            f'<g class="rebase"><line x1="{_n(rx)}" x2="{_n(rx)}" y1="{top}" y2="{top + plot_h}" '
            f'stroke="{INK}" stroke-width="2"/>'
            f'<text x="{_n(rx + 4)}" y="{top + plot_h - 6}" font-size="11" fill="{INK}">'
            f"{escape(label)}</text></g>"
        )

    # The data line, broken at gaps.
    segments, current = [], []
    for i, p in enumerate(chart.points):
        if p.value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{_n(x(i))},{_n(y(p.value))}")
    if current:
        segments.append(current)
    out.append('<g class="data-line" fill="none" stroke="#7a7a7a" stroke-width="1.5">')
    for seg in segments:
        if len(seg) > 1:
            out.append(f'<polyline points="{" ".join(seg)}"/>')
    out.append("</g>")

    # Points: shape and colour by point type, each with its own tooltip.
    out.append('<g class="points">')
    for i, p in enumerate(chart.points):
        if p.value is None:
            continue
        tip = f"{p.label}: {format_value(p.value, chart.decimals, chart.unit)} ({POINT_TYPE_WORDS.get(p.point_type, p.point_type)})"
        out.append(
            f'<g class="point" data-type={_a(p.point_type)}><title>{escape(tip)}</title>'
            f"{_shape(p.point_type, x(i), y(p.value))}</g>"
        )
    out.append("</g>")

    if chart.legend:
        out.append(
            _legend(left, height - 18, bool(chart.target is not None), bool(chart.trial_groups))
        )
    out.append("</svg>")
    return "".join(out)


def _step_path(points, idx, attr, x, y) -> str:
    parts = []
    prev = None
    for i in idx:
        v = getattr(points[i], attr)
        if v is None or not math.isfinite(v):
            prev = None
            continue
        x0, x1, yy = x(i - 0.5), x(i + 0.5), y(v)
        if prev is None:
            parts.append(f"M{_n(x0)} {_n(yy)}H{_n(x1)}")
        else:
            parts.append(f"V{_n(yy)}H{_n(x1)}" if prev == i - 1 else f"M{_n(x0)} {_n(yy)}H{_n(x1)}")
        prev = i
    return "".join(parts)


def _shape(point_type: str, cx: float, cy: float, scale: float = 1.0) -> str:
    """Common cause: small grey dot; improvement: large circle; concern: square; neutral: diamond."""
    colour = COLOURS.get(point_type, COMMON)
    if point_type == "special_cause_improvement":
        return f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(5.5 * scale)}" fill="{colour}" stroke="{INK}" stroke-width="0.8"/>'
    if point_type == "special_cause_concern":
        s = 5 * scale
        return f'<rect x="{_n(cx - s)}" y="{_n(cy - s)}" width="{_n(2 * s)}" height="{_n(2 * s)}" fill="{colour}" stroke="{INK}" stroke-width="0.8"/>'
    if point_type == "special_cause_neutral":
        s = 6.5 * scale
        return (
            f'<path d="M{_n(cx)} {_n(cy - s)}L{_n(cx + s)} {_n(cy)}L{_n(cx)} {_n(cy + s)}L{_n(cx - s)} {_n(cy)}Z" '
            f'fill="{colour}" stroke="{INK}" stroke-width="0.8"/>'
        )
    return f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(3.5 * scale)}" fill="{colour}"/>'


def _legend(x0: float, y0: float, target: bool, trial: bool) -> str:
    items = [
        (_shape("common_cause", 0, 0), gettext("Common cause")),
        (_shape("special_cause_improvement", 0, 0), gettext("Improvement")),
        (_shape("special_cause_concern", 0, 0), gettext("Concern")),
        (_shape("special_cause_neutral", 0, 0), gettext("Neither")),
        (
            f'<line x1="-9" x2="9" y1="0" y2="0" stroke="{INK}" stroke-width="1.6"/>',
            gettext("Mean"),
        ),
        (
            f'<line x1="-9" x2="9" y1="0" y2="0" stroke="{LIMIT}" stroke-width="1.3" stroke-dasharray="6 4"/>',
            gettext("Process limits"),
        ),
    ]
    if trial:
        items.append(
            (
                f'<line x1="-9" x2="9" y1="0" y2="0" stroke="{INK}" stroke-width="1.6" stroke-dasharray="3 4"/>',
                gettext("Trial mean and limits"),
            )
        )
    if target:
        items.append(
            (
                f'<line x1="-9" x2="9" y1="0" y2="0" stroke="{TARGET}" stroke-width="1.6" stroke-dasharray="10 3 2 3"/>',
                gettext("Target"),
            )
        )
    parts = [f'<g class="legend" font-size="11" fill="{INK}">']
    cx = x0
    for shape, text in items:
        parts.append(f'<g transform="translate({_n(cx + 9)} {_n(y0)})">{shape}</g>')
        parts.append(f'<text x="{_n(cx + 22)}" y="{_n(y0 + 4)}">{escape(text)}</text>')
        cx += 40 + 6.6 * len(text)
    parts.append("</g>")
    return "".join(parts)


def sparkline_svg(
    values: Sequence[float | None],
    point_types: Sequence[str] = (),
    label: str = "",
    width: int = 120,
    height: int = 28,
) -> str:
    """A tiny line of the values with the last point marked by its point type."""
    present = [v for v in values if v is not None and math.isfinite(v)]
    label = label or gettext("Trend of the values")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label={_a(label)}>'
    ]
    if present:
        lo, hi = min(present), max(present)
        span = (hi - lo) or 1.0
        n = len(values)
        step = (width - 8) / max(n - 1, 1)
        coords, runs = [], []
        last = None
        scale_y = (height - 8) / span
        for i, v in enumerate(values):
            if v is None:
                if coords:
                    runs.append(coords)
                coords = []
                continue
            px, py = 4 + i * step, height - 4 - scale_y * (v - lo)
            coords.append("%.1f,%.1f" % (px, py))  # noqa: UP031 - the fastest formatting here
            last = (i, px, py)
        if coords:
            runs.append(coords)
        for run in runs:
            if len(run) > 1:
                out.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="#505a5f" stroke-width="1.2"/>'
                )
        if last is not None:
            kind = point_types[last[0]] if last[0] < len(point_types) else "common_cause"
            out.append(_shape(kind, last[1], last[2], 0.6))
    out.append("</svg>")
    return "".join(out)


VARIATION_LABELS = {
    "common_cause": _("Common cause variation: no significant change"),
    "improvement_high": _("Special cause variation: improvement, values higher"),
    "improvement_low": _("Special cause variation: improvement, values lower"),
    "concern_high": _("Special cause variation: concern, values higher"),
    "concern_low": _("Special cause variation: concern, values lower"),
    "neutral_high": _("Special cause variation: values higher, neither better nor worse"),
    "neutral_low": _("Special cause variation: values lower, neither better nor worse"),
    "none": _("Variation not assessed: fewer than 13 points since the last baseline"),
}
ASSURANCE_LABELS = {
    "pass": _("Assurance: the process will consistently meet the target"),
    "fail": _("Assurance: the process will consistently miss the target"),
    "inconsistent": _("Assurance: the process will sometimes meet and sometimes miss the target"),
    "none": _("Assurance not assessed: no target, or not enough data"),
}


def _icon(colour: str, label: str, body: str, size: int, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spc-icon" viewBox="0 0 40 40" '
        f'width="{size}" height="{size}" role="img" aria-label={_a(label)}>'
        f"<title>{escape(str(label))}</title>"
        f'<circle cx="20" cy="20" r="17" fill="#ffffff" stroke="{colour}" stroke-width="3.5"{dash}/>'
        f"{body}</svg>"
    )


def variation_icon_svg(code: str, size: int = 36) -> str:
    """The variation icon: colour, plus a letter (H/L), an arrow and a +/! badge."""
    return _variation_icon_svg(code, size, get_language())


@lru_cache(maxsize=64)
def _variation_icon_svg(code: str, size: int, language: str | None) -> str:
    label = VARIATION_LABELS.get(code, VARIATION_LABELS["none"])
    if code == "common_cause":
        body = f'<path d="M9 21 q3.7 -6 7.4 0 t7.4 0 t7.4 0" fill="none" stroke="{MUTED}" stroke-width="2.6"/>'
        return _icon(COMMON, label, body, size)
    if code not in VARIATION_LABELS or code == "none":
        body = f'<text x="20" y="25" text-anchor="middle" font-size="14" font-weight="700" fill="{MUTED}">–</text>'
        return _icon(COMMON, label, body, size, dashed=True)
    meaning, side = code.split("_")
    colour = {"improvement": IMPROVEMENT, "concern": CONCERN, "neutral": NEUTRAL}[meaning]
    letter = "H" if side == "high" else "L"
    arrow = (
        "M29 10 L33 16 L30.5 16 L30.5 24 L27.5 24 L27.5 16 L25 16 Z"
        if side == "high"
        else "M29 30 L33 24 L30.5 24 L30.5 16 L27.5 16 L27.5 24 L25 24 Z"
    )
    badge = {"improvement": "+", "concern": "!", "neutral": ""}[meaning]
    body = (
        f'<text x="16" y="26" text-anchor="middle" font-size="17" font-weight="700" '
        f'font-family="Arial, sans-serif" fill="{INK}">{letter}</text>'
        f'<path d="{arrow}" fill="{colour}" stroke="{INK}" stroke-width="0.6"/>'
    )
    if badge:
        body += (
            f'<circle cx="33" cy="33" r="6.5" fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
            f'<text x="33" y="37" text-anchor="middle" font-size="11" font-weight="700" '
            f'font-family="Arial, sans-serif" fill="#ffffff">{badge}</text>'
        )
    return _icon(colour, label, body, size)


def assurance_icon_svg(code: str, size: int = 36) -> str:
    """The assurance icon: P (pass), F (fail), ? (sometimes), a dash (not assessed)."""
    return _assurance_icon_svg(code, size, get_language())


@lru_cache(maxsize=16)
def _assurance_icon_svg(code: str, size: int, language: str | None) -> str:
    label = ASSURANCE_LABELS.get(code, ASSURANCE_LABELS["none"])
    colour, letter, dashed = {
        "pass": (IMPROVEMENT, "P", False),
        "fail": (CONCERN, "F", False),
        "inconsistent": (COMMON, "?", False),
    }.get(code, (COMMON, "–", True))
    body = (
        f'<text x="20" y="26.5" text-anchor="middle" font-size="18" font-weight="700" '
        f'font-family="Arial, sans-serif" fill="{INK}">{letter}</text>'
    )
    return _icon(colour, label, body, size, dashed=dashed)


@dataclass(frozen=True)
class FunnelPoint:
    """One unit on a funnel plot: its label is already anonymised where it must be."""

    label: str
    numerator: float
    denominator: float
    outside: str = ""  # "", "high" or "low": beyond the 99.8% limits
    highlight: bool = False


@dataclass(frozen=True)
class FunnelChart:
    title: str
    description: str
    points: Sequence[FunnelPoint]
    target: float
    curve_n: Sequence[float]
    lower_95: Sequence[float]
    upper_95: Sequence[float]
    lower_998: Sequence[float]
    upper_998: Sequence[float]
    id_prefix: str = "funnel"
    width: int = 760
    height: int = 380


def funnel_svg(chart: FunnelChart) -> str:
    """A funnel plot of proportions (shown as percentages) against the number of cases."""
    left, right, top, bottom = 64, 20, 44, 52
    w, h = chart.width - left - right, chart.height - top - bottom
    n_max = max([p.denominator for p in chart.points] + list(chart.curve_n) + [1.0]) * 1.05
    values = [p.numerator / p.denominator for p in chart.points if p.denominator]
    bounds = [v for v in (*chart.lower_998, *chart.upper_998) if math.isfinite(v)]
    lo = max(0.0, min(values + bounds + [chart.target]) - 0.03)
    hi = min(1.0, max(values + bounds + [chart.target]) + 0.03)
    if hi <= lo:
        lo, hi = max(0.0, lo - 0.05), min(1.0, hi + 0.05)

    def x(n: float) -> float:
        return left + w * n / n_max

    def y(v: float) -> float:
        return top + h * (1 - (v - lo) / (hi - lo))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width} {chart.height}" '
        f'role="img" aria-labelledby="{chart.id_prefix}-title {chart.id_prefix}-desc" class="chart funnel">',
        f'<title id="{chart.id_prefix}-title">{escape(chart.title)}</title>',
        f'<desc id="{chart.id_prefix}-desc">{escape(chart.description)}</desc>',
        f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="#fff" stroke="{MUTED}" stroke-width="1"/>',
    ]
    step = _nice_step(hi - lo)
    tick = math.ceil(lo / step) * step
    while tick <= hi + 1e-9:
        out.append(
            f'<line x1="{left}" x2="{left + w}" y1="{_n(y(tick))}" y2="{_n(y(tick))}" stroke="#e5e6e7"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{_n(y(tick) + 4)}" text-anchor="end" font-size="12" fill="{INK}">{_n(tick * 100)}%</text>'
        )
        tick += step
    xstep = _nice_step(n_max)
    xtick = 0.0
    while xtick <= n_max:
        out.append(
            f'<text x="{_n(x(xtick))}" y="{top + h + 18}" text-anchor="middle" font-size="12" fill="{INK}">{int(xtick):,}</text>'
        )
        xtick += xstep
    out.append(
        f'<text x="{left + w / 2}" y="{chart.height - 8}" text-anchor="middle" font-size="13" fill="{INK}">Number of cases (denominator)</text>'
    )

    def curve(values: Sequence[float], dash: str) -> None:
        pts = [
            (x(n), y(min(max(v, lo), hi)))
            for n, v in zip(chart.curve_n, values, strict=True)
            if math.isfinite(v)
        ]
        if len(pts) > 1:
            d = " ".join(
                f"{'M' if i == 0 else 'L'}{_n(px)},{_n(py)}" for i, (px, py) in enumerate(pts)
            )
            out.append(
                f'<path d="{d}" fill="none" stroke="{LIMIT}" stroke-width="1.5" stroke-dasharray="{dash}"/>'
            )

    curve(chart.lower_95, "6 4")
    curve(chart.upper_95, "6 4")
    curve(chart.lower_998, "")
    curve(chart.upper_998, "")
    out.append(
        f'<line x1="{left}" x2="{left + w}" y1="{_n(y(chart.target))}" y2="{_n(y(chart.target))}" stroke="{INK}" stroke-width="2"/>'
    )
    for p in chart.points:
        if not p.denominator:
            continue
        cx, cy = x(p.denominator), y(p.numerator / p.denominator)
        colour = CONCERN if p.outside else INK
        r = 7 if p.highlight else 5
        shape = (
            f'<rect x="{_n(cx - r)}" y="{_n(cy - r)}" width="{2 * r}" height="{2 * r}" fill="{colour}"/>'
            if p.outside
            else f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{r}" fill="{colour if p.highlight else "#fff"}" stroke="{colour}" stroke-width="2"/>'
        )
        share_words = gettext("%(percent)s%% of %(total)s") % {
            "percent": _n(100 * p.numerator / p.denominator),
            "total": f"{int(p.denominator):,}",
        }
        out.append(f"<g><title>{escape(p.label)}: {escape(share_words)}</title>{shape}")
        if p.highlight:
            # Labels on the right half of the plot sit to the left of their point, so they fit.
            right_half = cx > left + w / 2
            tx, anchor = (cx - 10, "end") if right_half else (cx + 10, "start")
            out.append(
                f'<text x="{_n(tx)}" y="{_n(cy - 8)}" text-anchor="{anchor}" font-size="13" font-weight="700" fill="{INK}">{escape(p.label)}</text>'
            )
        out.append("</g>")
    legend_y = 22
    average_words = escape(gettext("Programme average"))
    limits_95 = escape(gettext("%(limit)s limits") % {"limit": "95%"})
    limits_998 = escape(gettext("%(limit)s limits") % {"limit": "99.8%"})
    outside_words = escape(gettext("Outside %(limit)s (square)") % {"limit": "99.8%"})
    out.append(
        f'<g font-size="12" fill="{INK}"><line x1="{left}" x2="{left + 24}" y1="{legend_y}" y2="{legend_y}" stroke="{INK}" stroke-width="2"/>'
        f'<text x="{left + 30}" y="{legend_y + 4}">{average_words}</text>'
        f'<line x1="{left + 170}" x2="{left + 194}" y1="{legend_y}" y2="{legend_y}" stroke="{LIMIT}" stroke-dasharray="6 4" stroke-width="1.5"/>'
        f'<text x="{left + 200}" y="{legend_y + 4}">{limits_95}</text>'
        f'<line x1="{left + 290}" x2="{left + 314}" y1="{legend_y}" y2="{legend_y}" stroke="{LIMIT}" stroke-width="1.5"/>'
        f'<text x="{left + 320}" y="{legend_y + 4}">{limits_998}</text>'
        f'<rect x="{left + 420}" y="{legend_y - 5}" width="10" height="10" fill="{CONCERN}"/>'
        f'<text x="{left + 436}" y="{legend_y + 4}">{outside_words}</text></g>'
    )
    out.append("</svg>")
    return "".join(out)
