"""Vectorised special-cause rules, point types and icons over flat, segmented arrays.

Every function here works on one flat array holding many groups back to back. ``start`` marks
the first point of each group, so no run, window or trend ever links two groups. Runs are found
with rolling AND/OR over boolean "link" arrays (doubling steps, O(log width) passes), which is
cheaper than run-length encoding and needs no Python loop over points or series.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

from .constants import SHIFT_RUN, TREND_RUN

BoolArray: TypeAlias = NDArray[np.bool_]
FloatArray: TypeAlias = NDArray[np.float64]
Int8Array: TypeAlias = NDArray[np.int8]
Level: TypeAlias = "float | FloatArray"

# Internal rule codes; 0 means no rule. Lower code wins (README precedence).
RULE_NONE, RULE_ASTRONOMICAL, RULE_TREND, RULE_TWO_IN_THREE, RULE_SHIFT = 0, 1, 2, 3, 4
# Internal point-type codes, indexes into constants.POINT_TYPES.
PT_COMMON, PT_IMPROVEMENT, PT_CONCERN, PT_NEUTRAL = 0, 1, 2, 3
# Direction codes.
DIR_CODES = {"increase": 1, "decrease": -1, "neutral": 0}


def _rolling_all(a: BoolArray, width: int) -> BoolArray:
    """Return r with r[j] = all(a[j:j+width]) (length len(a) - width + 1)."""
    cur, covered = a, 1
    while covered * 2 <= width:
        cur = cur[:-covered] & cur[covered:]
        covered *= 2
    rest = width - covered
    if rest:
        cur = cur[:-rest] & cur[rest:]
    return cur


def _rolling_any(a: BoolArray, width: int) -> BoolArray:
    """Return r with r[j] = any(a[j:j+width]) (length len(a) - width + 1)."""
    cur, covered = a, 1
    while covered * 2 <= width:
        cur = cur[:-covered] | cur[covered:]
        covered *= 2
    rest = width - covered
    if rest:
        cur = cur[:-rest] | cur[rest:]
    return cur


def _dilate(windows: BoolArray, reach: int) -> BoolArray:
    """Mark point i when any window starting in [i - reach, i] is set (length + reach points)."""
    pad = np.zeros(reach, dtype=bool)
    return _rolling_any(np.concatenate((pad, windows, pad)), reach + 1)


def chain_points(links: BoolArray, min_points: int) -> BoolArray:
    """Mark points in a chain of >= ``min_points`` points joined by consecutive true links.

    ``links[k]`` joins point k to point k + 1, so there is one point more than links.
    """
    n_links = min_points - 1
    n_points = links.size + 1
    if links.size < n_links:
        return np.zeros(n_points, dtype=bool)
    windows = _rolling_all(links, n_links)
    if not windows.any():
        return np.zeros(n_points, dtype=bool)
    return _dilate(windows, n_links)


def _at(level: Level, idx: NDArray[np.intp]) -> Level:
    """A level at some points (scalars stay scalars)."""
    return level[idx] if isinstance(level, np.ndarray) else level


def _two_in_three(beyond: BoolArray, same_side_links: BoolArray) -> NDArray[np.intp]:
    """Indices of points beyond a near-limit line that sit in a qualifying window of three.

    A window (w, w+1, w+2) qualifies when at least two of its points are beyond a near line
    and the three are joined by same-side links (one side of the centre, one group). Points
    on one side can only be beyond that side's near line, so both sides are done at once.
    """
    if beyond.size < 3:
        return np.zeros(0, dtype=np.intp)
    b = beyond.view(np.int8)
    count = b[:-2] + b[1:-1]
    count += b[2:]
    windows = (count >= 2) & same_side_links[:-1] & same_side_links[1:]
    w = np.flatnonzero(windows)
    if not w.size:
        return w
    points = np.unique(np.concatenate((w, w + 1, w + 2)))
    return points[beyond[points]]


def evaluate_rules(
    x: FloatArray,
    centre: Level,
    lpl: Level,
    upl: Level,
    lnl: Level,
    unl: Level,
    start: BoolArray | None,
) -> tuple[Int8Array, BoolArray]:
    """Return (rule code per point, high side per point) for the four MDC rules.

    Levels are per-point arrays or scalars. ``start`` marks the first point of each group (None
    for a single group). Comparisons are strict: a point on a line is not beyond it.
    """
    n = x.size
    above = x > centre
    below = x < centre
    # Shift: consecutive points on the same side of the centre (a point on it links nothing).
    above_links = above[:-1] & above[1:]
    below_links = below[:-1] & below[1:]
    # Trend: steps up or down; a tie links nothing.
    up = x[1:] > x[:-1]
    down = x[1:] < x[:-1]
    if start is not None:
        # Cut every link into a group's first point, so nothing spans two groups.
        cut = np.flatnonzero(start[1:])
        for links in (above_links, below_links, up, down):
            links[cut] = False
    same_side = above_links | below_links
    shift = chain_points(same_side, SHIFT_RUN)
    rule = shift.view(np.int8) * np.int8(RULE_SHIFT)

    # Near-limit and process-limit tests: only points beyond a near line can be either.
    beyond = (x > unl) | (x < lnl)
    rule[_two_in_three(beyond, same_side)] = RULE_TWO_IN_THREE
    far = np.flatnonzero(beyond)

    # Steps k and k+1 link when they go the same way; 6 linked steps make a run of 7 points.
    in_run = chain_points((up[:-1] & up[1:]) | (down[:-1] & down[1:]), TREND_RUN - 1)
    high = above
    run_steps = np.flatnonzero(in_run)
    if run_steps.size:
        trend_idx = np.union1d(run_steps, run_steps + 1)
        rule[trend_idx] = RULE_TREND
        # A trend's side is its slope. A peak or trough shared by an up and a down run takes
        # the run that ends at it (its incoming step), so a peak is high and a trough is low.
        incoming = trend_idx - 1
        from_incoming = (trend_idx > 0) & in_run[np.maximum(incoming, 0)]
        step_idx = np.where(from_incoming, incoming, np.minimum(trend_idx, n - 2))
        high = above.copy()
        high[trend_idx] = up[step_idx]

    xf = x[far]
    astro = far[(xf > _at(upl, far)) | (xf < _at(lpl, far))]
    if astro.size:
        rule[astro] = RULE_ASTRONOMICAL
        if high is not above:
            high[astro] = above[astro]
    return rule, high


def point_type_codes(rule: Int8Array, high: BoolArray, direction: int | Int8Array) -> Int8Array:
    """Map rules and sides to point-type codes for a direction code (scalar or per point)."""
    special = (rule > 0).view(np.int8)
    if np.isscalar(direction):
        if direction == 0:
            return special * np.int8(PT_NEUTRAL)
        concern = high if direction < 0 else ~high
        return special * (np.int8(1) + concern.view(np.int8))
    d = np.asarray(direction, dtype=np.int8)
    concern = np.where(d < 0, high, ~high)
    code = np.int8(1) + concern.view(np.int8)
    code[d == 0] = PT_NEUTRAL
    return special * code


def icon_codes(
    last_type: Int8Array,
    last_high: BoolArray,
    last_group_n: NDArray[np.intp],
    direction: Int8Array,
    target: FloatArray,
    lpl: FloatArray,
    upl: FloatArray,
    min_points: int,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Return variation and assurance codes (indexes into VARIATIONS and ASSURANCES)."""
    enough = last_group_n >= min_points
    variation = np.where(
        last_type == PT_COMMON, 1, 2 * last_type.astype(np.intp) + (~last_high).astype(np.intp)
    )
    variation = np.where(enough, variation, 0)

    with np.errstate(invalid="ignore"):
        below_lpl = target < lpl
        above_upl = target > upl
    good = np.where(direction > 0, below_lpl, above_upl)
    bad = np.where(direction > 0, above_upl, below_lpl)
    assurance = np.where(good, 1, np.where(bad, 2, 3))
    usable = enough & (direction != 0) & ~np.isnan(target)
    assurance = np.where(usable, assurance, 0)
    return variation, assurance
