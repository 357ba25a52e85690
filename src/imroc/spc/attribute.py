"""Attribute and rare-event charts: p, u (with Laney p'/u'), c, g and t.

Each chart gives per-point centre lines and limits; the four MDC special-cause rules, point
types and icons then work exactly as on an XmR chart, using the per-point limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _rules
from ._xmr import xmr
from .constants import (
    ASSURANCES,
    D2,
    HIGH,
    LOW,
    MIN_POINTS_FOR_LIMITS,
    POINT_TYPES,
    RULES,
    VARIATIONS,
)

FloatArray: TypeAlias = NDArray[np.float64]
IntArray: TypeAlias = NDArray[np.intp]

T_POWER = 3.6


@dataclass(frozen=True)
class AttributeChart:
    """A p, u, c, g or t chart: per-point lines, rules, point types and icons."""

    chart: str
    values: FloatArray
    centre: FloatArray
    lpl: FloatArray
    upl: FloatArray
    lnl: FloatArray
    unl: FloatArray
    group_index: IntArray
    rules: list[str | None]
    sides: list[str | None]
    point_types: list[str]
    variation: str
    assurance: str
    sigma_z: tuple[float, ...] | None = None

    @property
    def trial(self) -> bool:
        """True when the last group has too few points for firm limits."""
        return int(np.sum(self.group_index == self.group_index[-1])) < MIN_POINTS_FOR_LIMITS


def _array(values: ArrayLike, name: str) -> FloatArray:
    """A finite, non-empty 1-D float array."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite")
    return arr


def _groups(n: int, rebase_at: Sequence[int]) -> tuple[IntArray, IntArray]:
    """Return (group start indices, group index of every point)."""
    cuts = sorted({int(i) for i in rebase_at} - {0})
    if cuts and (cuts[0] < 0 or cuts[-1] >= n):
        raise ValueError("rebase index outside the series")
    starts = np.array([0, *cuts], dtype=np.intp)
    return starts, np.searchsorted(starts, np.arange(n), side="right") - 1


def _group_ratio(num: FloatArray, den: FloatArray, starts: IntArray, gid: IntArray) -> FloatArray:
    """Per-point pooled ratio sum(num)/sum(den) of the point's group."""
    return (np.add.reduceat(num, starts) / np.add.reduceat(den, starts))[gid]


def _laney(
    values: FloatArray, centre: FloatArray, sigma: FloatArray, starts: IntArray, gid: IntArray
) -> tuple[FloatArray, tuple[float, ...]]:
    """Scale sigma by Laney's sigma_z (only where it exceeds 1); return it with sigma_z."""
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (values - centre) / sigma
    mr = np.abs(np.diff(z, prepend=np.nan))
    mr[starts] = np.nan
    sigma_z = []
    for g, s in enumerate(starts):
        e = starts[g + 1] if g + 1 < starts.size else values.size
        ranges = mr[s:e][~np.isnan(mr[s:e])]
        sigma_z.append(float(ranges.mean() / D2) if ranges.size else float("nan"))
    factor = np.array([sz if sz > 1 else 1.0 for sz in sigma_z])
    return sigma * factor[gid], tuple(sigma_z)


def _finish(
    chart: str,
    values: FloatArray,
    centre: FloatArray,
    lines: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    gid: IntArray,
    improvement: str,
    target: float | None,
    sigma_z: tuple[float, ...] | None = None,
) -> AttributeChart:
    """Apply the rules and icons to per-point lines."""
    if improvement not in _rules.DIR_CODES:
        raise ValueError(f"improvement must be one of {', '.join(_rules.DIR_CODES)}")
    direction = _rules.DIR_CODES[improvement]
    lpl, upl, lnl, unl = lines
    start = np.zeros(values.size, dtype=bool)
    start[1:] = gid[1:] != gid[:-1]
    rule, high = _rules.evaluate_rules(values, centre, lpl, upl, lnl, unl, start=start)
    types = _rules.point_type_codes(rule, high, direction)
    last_n = np.array([np.sum(gid == gid[-1])])
    variation, assurance = _rules.icon_codes(
        types[-1:],
        high[-1:],
        last_n,
        np.array([direction], dtype=np.int8),
        np.array([np.nan if target is None else float(target)]),
        lpl[-1:],
        upl[-1:],
        MIN_POINTS_FOR_LIMITS,
    )
    special = rule > 0
    sides = np.where(high, HIGH, LOW).astype(object)
    sides[~special] = None
    return AttributeChart(
        chart=chart,
        values=values,
        centre=centre,
        lpl=lpl,
        upl=upl,
        lnl=lnl,
        unl=unl,
        group_index=gid,
        rules=np.array([None, *RULES], dtype=object)[rule].tolist(),
        sides=sides.tolist(),
        point_types=np.array(POINT_TYPES, dtype=object)[types].tolist(),
        variation=VARIATIONS[int(variation[0])],
        assurance=ASSURANCES[int(assurance[0])],
        sigma_z=sigma_z,
    )


def _sigma_lines(
    centre: FloatArray, sigma: FloatArray, low: float | None, high: float | None
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """3-sigma limits and 2-sigma near-limit lines, clipped to [low, high]."""
    lines = (centre - 3 * sigma, centre + 3 * sigma, centre - 2 * sigma, centre + 2 * sigma)
    return tuple(np.clip(v, low, high) for v in lines)  # type: ignore[return-value]


def p_chart(
    numerators: ArrayLike,
    denominators: ArrayLike,
    improvement: str = "increase",
    target: float | None = None,
    laney: bool = False,
    rebase_at: Sequence[int] = (),
) -> AttributeChart:
    """Proportion chart (p, or Laney p' with ``laney=True``): pbar ± 3√(pbar(1-pbar)/n)."""
    num = _array(numerators, "numerators")
    den = _array(denominators, "denominators")
    if num.size != den.size:
        raise ValueError("numerators and denominators differ in length")
    if (den <= 0).any() or (num < 0).any() or (num > den).any():
        raise ValueError("need 0 <= numerator <= denominator and denominator > 0")
    starts, gid = _groups(num.size, rebase_at)
    values = num / den
    centre = _group_ratio(num, den, starts, gid)
    sigma = np.sqrt(centre * (1 - centre) / den)
    sigma_z = None
    if laney:
        sigma, sigma_z = _laney(values, centre, sigma, starts, gid)
    lines = _sigma_lines(centre, sigma, 0.0, 1.0)
    return _finish(
        "p_prime" if laney else "p", values, centre, lines, gid, improvement, target, sigma_z
    )


def u_chart(
    counts: ArrayLike,
    exposures: ArrayLike,
    improvement: str = "increase",
    target: float | None = None,
    laney: bool = False,
    rebase_at: Sequence[int] = (),
) -> AttributeChart:
    """Rate chart (u, or Laney u' with ``laney=True``): ubar ± 3√(ubar/n), LCL clipped at 0."""
    cnt = _array(counts, "counts")
    exp = _array(exposures, "exposures")
    if cnt.size != exp.size:
        raise ValueError("counts and exposures differ in length")
    if (exp <= 0).any() or (cnt < 0).any():
        raise ValueError("need counts >= 0 and exposures > 0")
    starts, gid = _groups(cnt.size, rebase_at)
    values = cnt / exp
    centre = _group_ratio(cnt, exp, starts, gid)
    sigma = np.sqrt(centre / exp)
    sigma_z = None
    if laney:
        sigma, sigma_z = _laney(values, centre, sigma, starts, gid)
    lines = _sigma_lines(centre, sigma, 0.0, None)
    return _finish(
        "u_prime" if laney else "u", values, centre, lines, gid, improvement, target, sigma_z
    )


def c_chart(
    counts: ArrayLike,
    improvement: str = "increase",
    target: float | None = None,
    rebase_at: Sequence[int] = (),
) -> AttributeChart:
    """Count chart: cbar ± 3√cbar, clipped at 0."""
    cnt = _array(counts, "counts")
    if (cnt < 0).any():
        raise ValueError("counts must be >= 0")
    starts, gid = _groups(cnt.size, rebase_at)
    centre = _group_ratio(cnt, np.ones_like(cnt), starts, gid)
    lines = _sigma_lines(centre, np.sqrt(centre), 0.0, None)
    return _finish("c", cnt, centre, lines, gid, improvement, target)


def g_chart(
    counts: ArrayLike,
    improvement: str = "increase",
    target: float | None = None,
    rebase_at: Sequence[int] = (),
) -> AttributeChart:
    """Opportunities-between-events chart: gbar ± 3√(gbar(gbar+1)), LCL clipped at 0."""
    cnt = _array(counts, "counts")
    if (cnt < 0).any():
        raise ValueError("counts must be >= 0")
    starts, gid = _groups(cnt.size, rebase_at)
    centre = _group_ratio(cnt, np.ones_like(cnt), starts, gid)
    lines = _sigma_lines(centre, np.sqrt(centre * (centre + 1)), 0.0, None)
    return _finish("g", cnt, centre, lines, gid, improvement, target)


def t_chart(
    times: ArrayLike,
    improvement: str = "increase",
    target: float | None = None,
    screen: bool = True,
    fix_after: int | None = None,
    rebase_at: Sequence[int] = (),
) -> AttributeChart:
    """Time-between-events chart: an XmR chart of t^(1/3.6), lines back-transformed by ^3.6."""
    t = _array(times, "times")
    if (t < 0).any():
        raise ValueError("times must be >= 0")
    inner = xmr(t ** (1 / T_POWER), improvement, None, screen, fix_after, rebase_at)
    gid = inner.group_index
    groups = inner.groups

    def back(name: str) -> FloatArray:
        level = np.array([getattr(g, name) for g in groups])[gid]
        return np.maximum(level, 0.0) ** T_POWER

    codes = inner.point_type_codes
    rules = inner.rules
    result = _finish(
        "t",
        t,
        back("mean"),
        (back("lpl"), back("upl"), back("lnl"), back("unl")),
        gid,
        improvement,
        target,
    )
    # The rules ran on the transformed scale (the XmR chart); keep exactly those verdicts.
    return AttributeChart(
        **{
            **result.__dict__,
            "rules": rules,
            "sides": inner.sides,
            "point_types": np.array(POINT_TYPES, dtype=object)[codes].tolist(),
            "variation": inner.variation,
            "assurance": result.assurance,
        }
    )
