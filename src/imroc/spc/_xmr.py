"""XmR charts with Making Data Count rules: one vectorised batch path for any number of series.

All series are concatenated into one flat array. Groups (a series, or the part of a series
after a rebase) are contiguous slices of it, described by their start offsets. Sums per group
use ``np.add.reduceat``, so a group's figures do not depend on where it sits in the batch: the
single-series function is the batch function with one series, bit for bit.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _rules
from .constants import (
    ASSURANCES,
    HIGH,
    IMPROVEMENTS,
    LIMIT_FACTOR,
    LOW,
    MIN_FIX_AFTER,
    MIN_POINTS_FOR_LIMITS,
    MR_SCREEN_FACTOR,
    NEAR_LIMIT_FACTOR,
    POINT_TYPES,
    RULES,
    VARIATIONS,
)

FloatArray: TypeAlias = NDArray[np.float64]
IntArray: TypeAlias = NDArray[np.intp]
PerSeries: TypeAlias = "Any | Sequence[Any]"

_RULE_NAMES = np.array([None, *RULES], dtype=object)
_SIDE_NAMES = np.array([LOW, HIGH], dtype=object)
_TYPE_NAMES = np.array(POINT_TYPES, dtype=object)
_VARIATION_NAMES = np.array(VARIATIONS, dtype=object)
_ASSURANCE_NAMES = np.array(ASSURANCES, dtype=object)
_DIRECTION_NAMES = {code: name for name, code in _rules.DIR_CODES.items()}


@dataclass(frozen=True, slots=True)
class XmrGroup:
    """Limits of one group (the points between two rebases) of an XmR chart."""

    start: int
    n: int
    mean: float
    lpl: float
    upl: float
    lnl: float
    unl: float
    mr_bar: float
    trial: bool


class _XmrBatch:
    """Flat arrays behind a batch of XmR results; results are cheap views into it."""

    def __init__(self, **arrays: Any) -> None:
        """Keep the computed arrays as attributes."""
        self.__dict__.update(arrays)

    @cached_property
    def last_stats(self) -> tuple[list[float], list[float], list[float]]:
        """Mean, lpl and upl of each series' last group as Python floats."""
        g = self.last_group
        return self.mean[g].tolist(), self.lpl[g].tolist(), self.upl[g].tolist()


class XmrResult:
    """One series' XmR chart: a lazy view into a batch, so building thousands stays cheap."""

    __slots__ = ("_b", "_i", "assurance", "variation")

    variation: str
    assurance: str

    def __init__(self, batch: _XmrBatch, index: int, variation: str, assurance: str) -> None:
        """Point at series ``index`` of ``batch``; the icons are given (variation, assurance)."""
        self._b = batch
        self._i = index
        self.variation = variation
        self.assurance = assurance

    def __repr__(self) -> str:
        """Summarise the result."""
        return (
            f"XmrResult(n={self.n}, mean={self.mean!r}, lpl={self.lpl!r}, upl={self.upl!r}, "
            f"variation={self.variation!r}, assurance={self.assurance!r})"
        )

    @property
    def _slice(self) -> slice:
        start = int(self._b.offsets[self._i])
        return slice(start, start + int(self._b.lengths[self._i]))

    @property
    def n(self) -> int:
        """Number of points."""
        return int(self._b.lengths[self._i])

    @property
    def values(self) -> FloatArray:
        """The series' values (read-only view)."""
        v = self._b.x[self._slice]
        v.flags.writeable = False
        return v

    @property
    def mean(self) -> float:
        """Mean of the last group."""
        return self._b.last_stats[0][self._i]

    @property
    def lpl(self) -> float:
        """Lower process limit of the last group."""
        return self._b.last_stats[1][self._i]

    @property
    def upl(self) -> float:
        """Upper process limit of the last group."""
        return self._b.last_stats[2][self._i]

    @property
    def improvement(self) -> str:
        """Improvement direction of this series."""
        return _DIRECTION_NAMES[int(self._b.direction[self._i])]

    @property
    def target(self) -> float | None:
        """Target, or None."""
        t = float(self._b.target[self._i])
        return None if np.isnan(t) else t

    @property
    def groups(self) -> list[XmrGroup]:
        """Every group (baseline or rebased period) of the series, in order."""
        b, first = self._b, int(self._b.first_group[self._i])
        last = int(self._b.last_group[self._i])
        offset = int(b.offsets[self._i])
        out = []
        for g in range(first, last + 1):
            out.append(
                XmrGroup(
                    start=int(b.group_start[g]) - offset,
                    n=int(b.group_len[g]),
                    mean=float(b.mean[g]),
                    lpl=float(b.lpl[g]),
                    upl=float(b.upl[g]),
                    lnl=float(b.lnl[g]),
                    unl=float(b.unl[g]),
                    mr_bar=float(b.mr_bar[g]),
                    trial=bool(b.group_len[g] < MIN_POINTS_FOR_LIMITS),
                )
            )
        return out

    @property
    def group_index(self) -> IntArray:
        """Group number (0-based within the series) of every point."""
        b = self._b
        starts = b.group_start[int(b.first_group[self._i]) : int(b.last_group[self._i]) + 1]
        positions = np.arange(self._slice.start, self._slice.stop)
        return np.searchsorted(starts, positions, side="right") - 1

    @property
    def point_type_codes(self) -> NDArray[np.int8]:
        """Point-type codes (indexes into constants.POINT_TYPES)."""
        codes = self._b.codes[self._slice]
        direction = int(self._b.direction[self._i])
        return _rules.point_type_codes(codes & np.int8(7), codes >= 8, direction)

    @property
    def point_types(self) -> list[str]:
        """Point type of every point."""
        return _TYPE_NAMES[self.point_type_codes].tolist()

    @property
    def rules(self) -> list[str | None]:
        """Rule that names each special-cause point (None for common cause)."""
        return _RULE_NAMES[self._b.codes[self._slice] & np.int8(7)].tolist()

    @property
    def sides(self) -> list[str | None]:
        """Side ("high" or "low") of each special-cause point, None for common cause."""
        codes = self._b.codes[self._slice]
        names = _SIDE_NAMES[(codes >= 8).view(np.int8)]
        names[(codes & np.int8(7)) == 0] = None
        return names.tolist()


def _per_series(value: Any, count: int, name: str) -> tuple[bool, list[Any] | Any]:
    """Split a scalar-or-sequence argument into (is_sequence, value)."""
    if value is None or isinstance(value, (str, bytes, int, float, np.number)):
        return False, value
    items = list(value)
    if len(items) != count:
        raise ValueError(f"{name} has {len(items)} entries for {count} series")
    return True, items


def _direction_codes(improvement: PerSeries, count: int) -> tuple[int | None, NDArray[np.int8]]:
    """Return (scalar code or None, per-series codes)."""
    many, value = _per_series(improvement, count, "improvement")
    try:
        if not many:
            code = _rules.DIR_CODES[value]
            return code, np.full(count, code, dtype=np.int8)
        codes = np.fromiter((_rules.DIR_CODES[v] for v in value), np.int8, count)
    except (KeyError, TypeError):
        raise ValueError(f"improvement must be one of {', '.join(IMPROVEMENTS)}") from None
    return None, codes


def _targets(target: PerSeries, count: int) -> FloatArray:
    """Per-series targets with NaN for none."""
    many, value = _per_series(target, count, "target")
    if not many:
        t = np.nan if value is None else float(value)
        return np.full(count, t)
    out = np.array([np.nan if v is None else float(v) for v in value], dtype=np.float64)
    if np.isinf(out).any():
        raise ValueError("target must be finite")
    return out


def _fix_after(fix_after: PerSeries, count: int) -> IntArray | None:
    """Per-series baseline lengths (a huge value for none), or None when nobody fixes."""
    many, value = _per_series(fix_after, count, "fix_after")
    values = value if many else [value]
    if all(v is None for v in values):
        return None
    none = np.iinfo(np.intp).max
    codes = np.array([none if v is None else operator.index(v) for v in values], dtype=np.intp)
    if (codes < MIN_FIX_AFTER).any():
        raise ValueError(f"fix_after must be at least {MIN_FIX_AFTER}")
    return codes if many else np.full(count, codes[0], dtype=np.intp)


def _flatten(series: Any) -> tuple[FloatArray, IntArray]:
    """Concatenate the series into one float array; return it with the lengths."""
    if isinstance(series, np.ndarray) and series.ndim == 2:
        x = np.ascontiguousarray(series, dtype=np.float64).reshape(-1)
        lengths = np.full(series.shape[0], series.shape[1], dtype=np.intp)
    elif len(series) == 1 and isinstance(series[0], np.ndarray) and series[0].ndim == 1:
        # One array: read it in place (as float64), no copy needed.
        try:
            x = np.ascontiguousarray(series[0], dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"series must be 1-D sequences of numbers ({exc})") from None
        lengths = np.array([x.size], dtype=np.intp)
    else:
        lengths = np.fromiter(map(len, series), np.intp, len(series))
        try:
            x = np.concatenate(series, dtype=np.float64, casting="same_kind")
        except (TypeError, ValueError) as exc:
            raise ValueError(f"series must be 1-D sequences of numbers ({exc})") from None
        if x.ndim != 1 or x.size != lengths.sum():
            raise ValueError("each series must be one-dimensional")
    if lengths.size and lengths.min() < 1:
        raise ValueError(f"series {int(np.argmin(lengths))} is empty")
    return x, lengths


def _group_starts(
    rebase_at: Any, offsets: IntArray, lengths: IntArray
) -> tuple[IntArray, IntArray]:
    """Return group start offsets and the index of each series' first group."""
    count = offsets.size
    if rebase_at is None:
        return offsets, np.arange(count, dtype=np.intp)
    items = list(rebase_at)
    if len(items) != count:
        raise ValueError(f"rebase_at has {len(items)} entries for {count} series")
    lists = [() if r is None else [operator.index(i) for i in r] for r in items]
    counts = np.fromiter(map(len, lists), np.intp, count)
    if counts.sum() == 0:
        return offsets, np.arange(count, dtype=np.intp)
    local = np.fromiter((i for r in lists for i in r), np.intp, int(counts.sum()))
    owner = np.repeat(np.arange(count), counts)
    bad = (local < 0) | (local >= lengths[owner])
    if bad.any():
        k = int(np.argmax(bad))
        raise ValueError(f"rebase index {int(local[k])} is outside series {int(owner[k])}")
    starts = np.unique(np.concatenate((offsets, local + offsets[owner])))
    return starts, np.searchsorted(starts, offsets)


# Work happens in chunks of about this many points, so temporaries stay in cache and are
# reused by the allocator instead of faulting in fresh pages on every call.
CHUNK = 1 << 16
# Context each side of a chunk for the rules: a run of 7 reaches 6 points away.
HALO = 16


class _Plan:
    """How groups are cut into pieces (never longer than CHUNK) and pieces into chunks.

    Pieces are cut at fixed offsets from their group's start (and at the end of a fixed
    baseline), so a group's sums never depend on where the group sits in a batch.
    """

    def __init__(self, group_start: IntArray, group_len: IntArray, baseline: IntArray | None):
        """Cut the groups."""
        total = int(group_start[-1] + group_len[-1])
        cuts = [group_start]
        blocks = (group_len - 1) // CHUNK
        if blocks.any():
            owner = np.repeat(np.arange(group_start.size), blocks)
            first = np.cumsum(blocks) - blocks
            step = np.arange(owner.size) - np.repeat(first, blocks) + 1
            cuts.append(group_start[owner] + step * CHUNK)
        if baseline is not None:
            inside = baseline < group_len
            cuts.append(group_start[inside] + baseline[inside])
        start = np.unique(np.concatenate(cuts)) if len(cuts) > 1 else group_start
        self.start = start
        self.length = np.diff(start, append=total)
        self.group = np.searchsorted(group_start, start, side="right") - 1
        self.group_first_piece = np.searchsorted(start, group_start)
        self.opens_group = start == group_start[self.group]
        if baseline is None:
            self.in_baseline = None
        else:
            self.in_baseline = start < group_start[self.group] + baseline[self.group]
        bucket = start // CHUNK
        self.chunk_first = np.flatnonzero(np.diff(bucket, prepend=-1))
        self.chunk_bounds = np.append(start[self.chunk_first], total)
        self.chunk_pieces = np.append(self.chunk_first, start.size)

    def chunks(self) -> list[tuple[int, int, int, int]]:
        """Return (first piece, end piece, first point, end point) per chunk."""
        return list(
            zip(
                self.chunk_pieces[:-1].tolist(),
                self.chunk_pieces[1:].tolist(),
                self.chunk_bounds[:-1].tolist(),
                self.chunk_bounds[1:].tolist(),
                strict=True,
            )
        )

    def group_sums(self, piece_sums: NDArray[Any]) -> NDArray[Any]:
        """Sum piece sums over each group's baseline pieces."""
        if self.in_baseline is not None:
            piece_sums = np.where(self.in_baseline, piece_sums, 0)
        if piece_sums.size == self.group_first_piece.size:
            return piece_sums
        return np.add.reduceat(piece_sums, self.group_first_piece)


def _moving_ranges(x: FloatArray, a: int, b: int, group_openings: IntArray) -> FloatArray:
    """|x_i - x_{i-1}| for points a..b-1, zero at each group's first point."""
    mr = np.empty(b - a)
    if a == 0:
        mr[0] = 0.0
        np.subtract(x[1:b], x[: b - 1], out=mr[1:])
    else:
        np.subtract(x[a:b], x[a - 1 : b - 1], out=mr)
    np.abs(mr, out=mr)
    mr[group_openings] = 0.0
    return mr


def _group_stats(
    x: FloatArray, plan: _Plan, baseline: IntArray, screen: bool
) -> tuple[FloatArray, FloatArray]:
    """Return the mean and (screened) mean moving range of each group's baseline."""
    pieces = plan.start.size
    x_sums = np.empty(pieces)
    mr_sums = np.empty(pieces)
    chunks = plan.chunks()
    for p0, p1, a, b in chunks:
        local = plan.start[p0:p1] - a
        x_sums[p0:p1] = np.add.reduceat(x[a:b], local)
        mr = _moving_ranges(x, a, b, local[plan.opens_group[p0:p1]])
        mr_sums[p0:p1] = np.add.reduceat(mr, local)
    if not np.isfinite(x_sums).all():
        if not np.isfinite(x).all():
            raise ValueError("values must be finite (no NaN or infinity)")
        raise ValueError("values are too large to add up")
    mean = plan.group_sums(x_sums) / baseline
    mr_count = baseline - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        mr_bar = plan.group_sums(mr_sums) / mr_count
        if not screen:
            return mean, mr_bar
        cut = (MR_SCREEN_FACTOR * mr_bar)[plan.group]
        if plan.in_baseline is not None:
            cut[~plan.in_baseline] = np.inf
        dropped = np.zeros(pieces, dtype=np.intp)
        for p0, p1, a, b in chunks:
            local = plan.start[p0:p1] - a
            openings = local[plan.opens_group[p0:p1]]
            mr = _moving_ranges(x, a, b, openings)
            drop = mr >= (cut[p0] if p1 - p0 == 1 else np.repeat(cut[p0:p1], plan.length[p0:p1]))
            drop[openings] = False
            if drop.any():
                dropped[p0:p1] = np.add.reduceat(drop, local, dtype=np.intp)
                mr[drop] = 0.0
                mr_sums[p0:p1] = np.add.reduceat(mr, local)
        kept = mr_count - plan.group_sums(dropped)
        screened = plan.group_sums(mr_sums) / kept
    # Only an all-zero baseline loses every range: its spread is zero, not unknown.
    return mean, np.where(kept > 0, screened, mr_bar)


def _rule_codes(
    x: FloatArray, plan: _Plan, group_start: IntArray, levels: list[FloatArray]
) -> NDArray[np.int8]:
    """Rule code (bits 0-2) and high side (bit 3) of every point, chunk by chunk."""
    total = x.size
    codes = np.empty(total, dtype=np.int8)
    single = group_start.size == 1
    scalars = [float(v[0]) for v in levels] if single else None
    for _, _, a, b in plan.chunks():
        ea, eb = max(a - HALO, 0), min(b + HALO, total)
        if single:
            rule, high = _rules.evaluate_rules(x[ea:eb], *scalars, start=None)
        else:
            g0 = int(np.searchsorted(group_start, ea, side="right")) - 1
            g1 = int(np.searchsorted(group_start, eb, side="left"))
            local = group_start[g0:g1] - ea
            local[0] = 0
            lengths = np.diff(local, append=eb - ea)
            start = np.zeros(eb - ea, dtype=bool)
            start[local] = True
            per_point = [np.repeat(v[g0:g1], lengths) for v in levels]
            rule, high = _rules.evaluate_rules(x[ea:eb], *per_point, start=start)
        rule |= (high & (rule > 0)).view(np.int8) << np.int8(3)
        codes[a:b] = rule[a - ea : b - ea]
    return codes


def xmr_many(
    series: Sequence[ArrayLike] | NDArray[np.floating],
    improvement: str | Sequence[str] = "increase",
    target: float | Sequence[float | None] | None = None,
    screen: bool = True,
    *,
    fix_after: int | Sequence[int | None] | None = None,
    rebase_at: Sequence[Sequence[int] | None] | None = None,
) -> list[XmrResult]:
    """Compute XmR charts for many series in one vectorised pass; results keep input order.

    ``improvement``, ``target`` and ``fix_after`` are one value for all series or one per
    series. ``rebase_at`` gives, per series, the 0-based indices where a new group starts.
    ``series`` may also be a 2-D array whose rows are the series.
    """
    count = len(series)
    if count == 0:
        return []
    x, lengths = _flatten(series)
    direction_scalar, direction = _direction_codes(improvement, count)
    targets = _targets(target, count)
    fix = _fix_after(fix_after, count)

    total = x.size
    offsets = np.zeros(count, dtype=np.intp)
    np.cumsum(lengths[:-1], out=offsets[1:])
    group_start, first_group = _group_starts(rebase_at, offsets, lengths)
    n_groups = group_start.size
    group_len = np.diff(group_start, append=total)
    last_group = np.empty(count, dtype=np.intp)
    last_group[:-1] = first_group[1:] - 1
    last_group[-1] = n_groups - 1

    if fix is None:
        baseline = group_len
        plan = _Plan(group_start, group_len, None)
    else:
        owner = np.searchsorted(offsets, group_start, side="right") - 1
        baseline = np.minimum(group_len, fix[owner])
        plan = _Plan(group_start, group_len, baseline)
    mean, mr_bar = _group_stats(x, plan, baseline, screen)

    width = LIMIT_FACTOR * mr_bar
    near = NEAR_LIMIT_FACTOR * mr_bar
    lpl, upl = mean - width, mean + width
    lnl, unl = mean - near, mean + near
    codes = _rule_codes(x, plan, group_start, [mean, lpl, upl, lnl, unl])

    last_codes = codes[offsets + lengths - 1]
    last_high = last_codes >= 8
    last_type = _rules.point_type_codes(last_codes & np.int8(7), last_high, direction)
    variation, assurance = _rules.icon_codes(
        last_type,
        last_high,
        group_len[last_group],
        direction,
        targets,
        lpl[last_group],
        upl[last_group],
        MIN_POINTS_FOR_LIMITS,
    )
    batch = _XmrBatch(
        x=x,
        offsets=offsets,
        lengths=lengths,
        group_start=group_start,
        group_len=group_len,
        first_group=first_group,
        last_group=last_group,
        mean=mean,
        lpl=lpl,
        upl=upl,
        lnl=lnl,
        unl=unl,
        mr_bar=mr_bar,
        codes=codes,
        direction=direction,
        direction_scalar=direction_scalar,
        target=targets,
    )
    names = zip(
        _VARIATION_NAMES[variation].tolist(), _ASSURANCE_NAMES[assurance].tolist(), strict=False
    )
    return [XmrResult(batch, i, v, a) for i, (v, a) in enumerate(names)]


def xmr(
    values: ArrayLike,
    improvement: str = "increase",
    target: float | None = None,
    screen: bool = True,
    fix_after: int | None = None,
    rebase_at: Sequence[int] = (),
) -> XmrResult:
    """Compute one XmR chart (the batch path with a single series)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError("values must be one-dimensional")
    return xmr_many(
        [arr],
        improvement,
        [target],
        screen,
        fix_after=[fix_after],
        rebase_at=[tuple(rebase_at)],
    )[0]
