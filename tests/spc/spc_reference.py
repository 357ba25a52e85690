"""A deliberately plain, loop-by-loop XmR implementation of spc/README.md, to check the engine.

It shares no code with imroc.spc: it reads the README's rules literally, point by point.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RefGroup:
    """Limits of one group."""

    start: int
    n: int
    mean: float
    mr_bar: float
    lpl: float
    upl: float
    lnl: float
    unl: float


@dataclass
class RefChart:
    """Per-point verdicts and icons."""

    groups: list[RefGroup]
    rules: list[str | None]
    sides: list[str | None]
    point_types: list[str]
    variation: str
    assurance: str


def _limits(values: list[float], start: int, end: int, fix_after, screen: bool) -> RefGroup:
    base = values[start:end] if fix_after is None else values[start : min(end, start + fix_after)]
    mean = sum(base) / len(base)
    mrs = [abs(base[i] - base[i - 1]) for i in range(1, len(base))]
    mr_bar = sum(mrs) / len(mrs) if mrs else float("nan")
    if screen and mrs:
        kept = [m for m in mrs if m < 3.267 * mr_bar]
        if kept:
            mr_bar = sum(kept) / len(kept)
        # all dropped only happens when every range is zero: keep mr_bar (= 0)
    w, nw = 2.66 * mr_bar, (2.66 * 2 / 3) * mr_bar
    return RefGroup(start, end - start, mean, mr_bar, mean - w, mean + w, mean - nw, mean + nw)


def xmr_reference(
    values: list[float],
    improvement: str = "increase",
    target: float | None = None,
    screen: bool = True,
    fix_after: int | None = None,
    rebase_at: tuple[int, ...] = (),
) -> RefChart:
    """XmR chart computed with plain loops."""
    n = len(values)
    starts = sorted({0, *rebase_at})
    bounds = list(zip(starts, [*starts[1:], n], strict=True))
    groups = [_limits(values, s, e, fix_after, screen) for s, e in bounds]
    rules: list[str | None] = [None] * n
    sides: list[str | None] = [None] * n
    for g in groups:
        s, e = g.start, g.start + g.n
        xs = values[s:e]
        m = len(xs)
        astro = [x > g.upl or x < g.lpl for x in xs]
        sign = [1 if x > g.mean else -1 if x < g.mean else 0 for x in xs]
        shift = [0] * m
        i = 0
        while i < m:
            j = i
            while j + 1 < m and sign[j + 1] == sign[i]:
                j += 1
            if sign[i] != 0 and j - i + 1 >= 7:
                for k in range(i, j + 1):
                    shift[k] = sign[i]
            i = j + 1
        trend = [0] * m
        i = 0
        while i < m - 1:
            d = (xs[i + 1] > xs[i]) - (xs[i + 1] < xs[i])
            j = i
            while j + 1 < m and d != 0 and (xs[j + 1] > xs[j]) - (xs[j + 1] < xs[j]) == d:
                j += 1
            if d != 0 and j - i + 1 >= 7:
                for k in range(i, j + 1):
                    # a point shared by two opposite runs keeps the run that ends at it
                    if trend[k] == 0:
                        trend[k] = d
            i = max(j, i + 1)
        two = [0] * m
        for side in (1, -1):
            beyond = [(x > g.unl) if side == 1 else (x < g.lnl) for x in xs]
            for w in range(m - 2):
                window = range(w, w + 3)
                if sum(beyond[k] for k in window) >= 2 and all(sign[k] == side for k in window):
                    for k in window:
                        if beyond[k]:
                            two[k] = side
        for k in range(m):
            if astro[k]:
                rule, side = "astronomical", sign[k]
            elif trend[k]:
                rule, side = "trend", trend[k]
            elif two[k]:
                rule, side = "two_in_three", two[k]
            elif shift[k]:
                rule, side = "shift", shift[k]
            else:
                continue
            rules[s + k] = rule
            sides[s + k] = "high" if side > 0 else "low"
    point_types = []
    for rule, side in zip(rules, sides, strict=True):
        if rule is None:
            point_types.append("common_cause")
        elif improvement == "neutral":
            point_types.append("special_cause_neutral")
        elif (side == "high") == (improvement == "increase"):
            point_types.append("special_cause_improvement")
        else:
            point_types.append("special_cause_concern")
    last = groups[-1]
    if last.n < 13:
        variation = assurance = "none"
    else:
        pt = point_types[-1]
        if pt == "common_cause":
            variation = "common_cause"
        else:
            kind = pt.removeprefix("special_cause_")
            variation = f"{kind}_{sides[-1]}"
        if target is None or improvement == "neutral":
            assurance = "none"
        else:
            good, bad = (
                (target < last.lpl, target > last.upl)
                if improvement == "increase"
                else (target > last.upl, target < last.lpl)
            )
            assurance = "pass" if good else "fail" if bad else "inconsistent"
    return RefChart(groups, rules, sides, point_types, variation, assurance)
