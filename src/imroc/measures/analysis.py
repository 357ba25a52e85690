"""SPC for many measures at once, through imroc.spc's batch paths.

XmR and t charts (a t chart is an XmR chart of t^(1/3.6)) go through one ``spc.xmr_many``
call. Attribute charts (p, u, c, g) are batched per chart type and improvement direction:
their series are laid end to end with a rebase at every boundary, so one ``spc`` call computes
them all (group limits and runs never cross a boundary), and the icons of each measure are
read from its own last point. The number of spc calls is fixed, whatever the number of measures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from imroc import spc
from imroc.measures.models import ChartType

T_POWER = 3.6
MIN_POINTS = 13  # fewer points in the last group: trial limits, no icons
VARIATION_FOR_TYPE = {
    ("special_cause_improvement", "high"): "improvement_high",
    ("special_cause_improvement", "low"): "improvement_low",
    ("special_cause_concern", "high"): "concern_high",
    ("special_cause_concern", "low"): "concern_low",
    ("special_cause_neutral", "high"): "neutral_high",
    ("special_cause_neutral", "low"): "neutral_low",
}


@dataclass
class Series:
    """A measure's data in period order: what the SPC engine needs, no models."""

    key: object
    chart: str
    improvement: str
    target: float | None
    periods: list[dt.date]
    values: list[float]
    numerators: list[float | None] = field(default_factory=list)
    denominators: list[float | None] = field(default_factory=list)
    rebase_periods: list[dt.date] = field(default_factory=list)

    @property
    def rebase_at(self) -> list[int]:
        """Index of the first point on or after each rebase (a rebase before any data: none)."""
        out = []
        for when in self.rebase_periods:
            i = next((k for k, p in enumerate(self.periods) if p >= when), None)
            if i is not None and i > 0 and i not in out:
                out.append(i)
        return sorted(out)


@dataclass
class Analysis:
    """One measure's SPC result, in stored units (not yet scaled for display)."""

    key: object
    chart: str
    n: int
    variation: str = "none"
    assurance: str = "none"
    point_types: list[str] = field(default_factory=list)
    rules: list[str | None] = field(default_factory=list)
    sides: list[str | None] = field(default_factory=list)
    # Per point (filled when detail=True):
    group_index: list[int] = field(default_factory=list)
    centre: list[float] = field(default_factory=list)
    lpl: list[float] = field(default_factory=list)
    upl: list[float] = field(default_factory=list)
    trial_groups: frozenset[int] = frozenset()
    # Last group:
    mean: float | None = None
    last_lpl: float | None = None
    last_upl: float | None = None
    last_group_n: int = 0

    @property
    def trial(self) -> bool:
        return self.last_group_n < MIN_POINTS


def _finite(v) -> float | None:
    v = float(v)
    return v if np.isfinite(v) else None


def analyse(series: list[Series], *, detail: bool = False) -> list[Analysis]:
    """SPC for every series, in order, with a fixed number of spc calls."""
    results: list[Analysis | None] = [None] * len(series)
    xmr_idx, attr_groups = [], defaultdict(list)
    for i, s in enumerate(series):
        if not s.values:
            results[i] = Analysis(key=s.key, chart=s.chart, n=0)
        elif s.chart in (ChartType.XMR, ChartType.T):
            xmr_idx.append(i)
        else:
            attr_groups[(s.chart, s.improvement)].append(i)
    if xmr_idx:
        _xmr_family([series[i] for i in xmr_idx], xmr_idx, results, detail)
    for (chart, improvement), idx in attr_groups.items():
        _attribute(chart, improvement, [series[i] for i in idx], idx, results, detail)
    return results  # type: ignore[return-value]


def _xmr_family(items: list[Series], idx: list[int], results: list, detail: bool) -> None:
    arrays, targets = [], []
    for s in items:
        x = np.asarray(s.values, dtype=np.float64)
        target = s.target
        if s.chart == ChartType.T:
            x = np.maximum(x, 0.0) ** (1 / T_POWER)
            target = None if target is None else max(target, 0.0) ** (1 / T_POWER)
        arrays.append(x)
        targets.append(target)
    out = spc.xmr_many(
        arrays,
        improvement=[s.improvement for s in items],
        target=targets,
        rebase_at=[s.rebase_at for s in items],
    )
    for i, s, r in zip(idx, items, out, strict=True):
        groups = r.groups
        last = groups[-1]
        back = (lambda v: max(v, 0.0) ** T_POWER) if s.chart == ChartType.T else (lambda v: v)
        a = Analysis(
            key=s.key,
            chart=s.chart,
            n=r.n,
            variation=r.variation,
            assurance=r.assurance,
            point_types=r.point_types,
            mean=_finite(back(last.mean)),
            last_lpl=_finite(back(last.lpl)),
            last_upl=_finite(back(last.upl)),
            last_group_n=last.n,
        )
        if detail:
            gid = r.group_index.tolist()
            a.rules, a.sides, a.group_index = r.rules, r.sides, gid
            a.centre = [back(groups[g].mean) for g in gid]
            a.lpl = [back(groups[g].lpl) for g in gid]
            a.upl = [back(groups[g].upl) for g in gid]
            a.trial_groups = frozenset(k for k, g in enumerate(groups) if g.trial)
        results[i] = a


def _attribute(
    chart: str, improvement: str, items: list[Series], idx: list[int], results: list, detail: bool
) -> None:
    lengths = [len(s.values) for s in items]
    starts = np.cumsum([0, *lengths[:-1]]).tolist()
    cuts = sorted(
        {start for start in starts if start}
        | {start + r for start, s in zip(starts, items, strict=True) for r in s.rebase_at}
    )
    if chart in (ChartType.P, ChartType.U):
        num = np.concatenate([np.asarray(s.numerators, dtype=np.float64) for s in items])
        den = np.concatenate([np.asarray(s.denominators, dtype=np.float64) for s in items])
        fn = spc.p_chart if chart == ChartType.P else spc.u_chart
        res = fn(num, den, improvement=improvement, rebase_at=cuts)
    else:
        counts = np.concatenate([np.asarray(s.values, dtype=np.float64) for s in items])
        fn = spc.c_chart if chart == ChartType.C else spc.g_chart
        res = fn(counts, improvement=improvement, rebase_at=cuts)
    gid = res.group_index
    for i, s, a0, n in zip(idx, items, starts, lengths, strict=True):
        b = a0 + n
        last = b - 1
        last_n = int(np.count_nonzero(gid[a0:b] == gid[last]))
        point_types = res.point_types[a0:b]
        sides = res.sides[a0:b]
        enough = last_n >= MIN_POINTS
        variation = "none"
        if enough:
            variation = VARIATION_FOR_TYPE.get((point_types[-1], sides[-1]), "common_cause")
        lpl, upl = float(res.lpl[last]), float(res.upl[last])
        assurance = "none"
        if enough and s.target is not None and improvement != "neutral":
            good = s.target < lpl if improvement == "increase" else s.target > upl
            bad = s.target > upl if improvement == "increase" else s.target < lpl
            assurance = "pass" if good else "fail" if bad else "inconsistent"
        a = Analysis(
            key=s.key,
            chart=chart,
            n=n,
            variation=variation,
            assurance=assurance,
            point_types=point_types,
            mean=_finite(res.centre[last]),
            last_lpl=_finite(lpl),
            last_upl=_finite(upl),
            last_group_n=last_n,
        )
        if detail:
            local = (gid[a0:b] - gid[a0]).tolist()
            a.rules, a.sides, a.group_index = res.rules[a0:b], sides, local
            a.centre = res.centre[a0:b].tolist()
            a.lpl = res.lpl[a0:b].tolist()
            a.upl = res.upl[a0:b].tolist()
            counts = np.bincount(local)
            a.trial_groups = frozenset(int(g) for g in np.flatnonzero(counts < MIN_POINTS))
        results[i] = a
