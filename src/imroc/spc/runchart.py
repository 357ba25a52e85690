"""IHI run charts: median centre line, shift, trend, number of runs and astronomical points.

The runs limits come from the exact distribution of the number of runs (Swed and Eisenhart,
1943) with the useful observations split evenly above and below the median, at 5% two-sided,
which is how the IHI runs table is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import comb
from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._rules import chain_points
from ._xmr import xmr
from .constants import LIMIT_FACTOR

FloatArray: TypeAlias = NDArray[np.float64]
BoolArray: TypeAlias = NDArray[np.bool_]

SHIFT_POINTS = 6
TREND_POINTS = 5
RUNS_ALPHA = 0.05
MIN_USEFUL_FOR_RUNS = 10


@dataclass(frozen=True)
class RunChart:
    """A run chart: median, per-point signals and the runs test."""

    values: FloatArray
    median: float
    shift: BoolArray
    trend: BoolArray
    astronomical: BoolArray
    useful: int
    runs: int
    runs_lower: int | None
    runs_upper: int | None
    astronomical_low: float
    astronomical_high: float

    @property
    def too_few_runs(self) -> bool:
        """Fewer runs than the table allows."""
        return self.runs_lower is not None and self.runs < self.runs_lower

    @property
    def too_many_runs(self) -> bool:
        """More runs than the table allows."""
        return self.runs_upper is not None and self.runs > self.runs_upper


def _runs_pmf(n1: int, n2: int) -> dict[int, float]:
    """Exact distribution of the number of runs for n1 and n2 symbols in random order."""
    total = comb(n1 + n2, n1)
    pmf: dict[int, float] = {}
    for r in range(2, n1 + n2 + 1):
        k, odd = divmod(r, 2)
        if odd:
            ways = comb(n1 - 1, k) * comb(n2 - 1, k - 1) + comb(n1 - 1, k - 1) * comb(n2 - 1, k)
        else:
            ways = 2 * comb(n1 - 1, k - 1) * comb(n2 - 1, k - 1)
        if ways:
            pmf[r] = ways / total
    return pmf


@lru_cache(maxsize=512)
def runs_limits(useful: int, alpha: float = RUNS_ALPHA) -> tuple[int, int] | None:
    """Fewest and most runs expected by chance among ``useful`` points (None below 10)."""
    if useful < MIN_USEFUL_FOR_RUNS:
        return None
    n1 = useful // 2
    pmf = _runs_pmf(n1, useful - n1)
    tail = alpha / 2
    cumulative, lower = 0.0, 2
    for r in sorted(pmf):
        cumulative += pmf[r]
        if cumulative > tail:
            lower = r
            break
    cumulative, upper = 0.0, useful
    for r in sorted(pmf, reverse=True):
        cumulative += pmf[r]
        if cumulative > tail:
            upper = r
            break
    return lower, upper


def _flag_subsequence(mask: BoolArray, flags: BoolArray) -> BoolArray:
    """Spread flags computed on the points selected by ``mask`` back to all points."""
    out = np.zeros(mask.size, dtype=bool)
    out[np.flatnonzero(mask)] = flags
    return out


def run_chart(values: ArrayLike) -> RunChart:
    """Run chart with IHI rules; points on the median and repeated values are skipped."""
    y = np.asarray(values, dtype=np.float64)
    if y.ndim != 1 or y.size < 2:
        raise ValueError("a run chart needs at least 2 points")
    if not np.isfinite(y).all():
        raise ValueError("values must be finite")
    median = float(np.median(y))

    useful = y != median
    side = y[useful] > median
    same = side[1:] == side[:-1]
    shift_useful = chain_points(same & side[1:], SHIFT_POINTS) | chain_points(
        same & ~side[1:], SHIFT_POINTS
    )
    shift = _flag_subsequence(useful, shift_useful)

    # A value equal to the one before neither makes nor breaks a trend.
    counted = np.ones(y.size, dtype=bool)
    counted[1:] = y[1:] != y[:-1]
    z = y[counted]
    trend_counted = chain_points(z[1:] > z[:-1], TREND_POINTS) | chain_points(
        z[1:] < z[:-1], TREND_POINTS
    )
    trend = _flag_subsequence(counted, trend_counted)

    runs = int(np.count_nonzero(side[1:] != side[:-1]) + 1) if side.size else 0
    limits = runs_limits(int(side.size))

    # IHI leaves "astronomical" to judgement; we use the XmR process-limit width around the
    # median (2.66 x the screened mean moving range) as an objective stand-in.
    width = LIMIT_FACTOR * xmr(y).groups[0].mr_bar
    low, high = median - width, median + width
    astronomical = (y < low) | (y > high)
    return RunChart(
        values=y,
        median=median,
        shift=shift,
        trend=trend,
        astronomical=astronomical,
        useful=int(side.size),
        runs=runs,
        runs_lower=None if limits is None else limits[0],
        runs_upper=None if limits is None else limits[1],
        astronomical_low=low,
        astronomical_high=high,
    )
