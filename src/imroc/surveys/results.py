"""Results of one instrument at one site, with small-number suppression.

No figure is shown that comes from fewer responses than the suppression threshold (5 unless
set otherwise): such cells read "fewer than 5" instead, so nobody can be picked out from the results.
Each breakdown (by way of answering, year, version, score, band, month, and change) adds up
to a total that is shown, so it also goes through the secondary suppression of
``imroc.core.suppression``: a cell that would let a hidden one be worked out reads "not shown".
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from imroc.core import suppression
from imroc.surveys import engine
from imroc.surveys.models import Mode

MODE_LABELS = dict(Mode.choices)


@dataclass
class Cell:
    """A count or figure that may be hidden because it comes from too few responses."""

    n: int
    value: float | None = None
    # Hidden although not small, because with the total it would give a small one away.
    protects: bool = False

    @property
    def small(self) -> bool:
        return 0 < self.n < suppression.threshold()

    @property
    def hidden(self) -> bool:
        return self.small or self.protects

    def __str__(self) -> str:
        if self.small:
            return _("fewer than %(small)d") % {"small": suppression.threshold()}
        if self.protects:
            return _("not shown")
        return f"{self.n:,}"


def protect(cells: list[Cell]) -> None:
    """Hide, as well as the small cells, any cell that would let one be worked out from the
    total of the row (``core.suppression.suppress_row``; zeros are shown)."""
    row = suppression.suppress_row([cell.n for cell in cells], zeros_shown=True)
    for cell, shown in zip(cells, row.cells, strict=True):
        cell.protects = shown is None and not cell.small


@dataclass
class Results:
    n: int = 0
    n_scored: int = 0
    by_mode: list[tuple[str, Cell]] = field(default_factory=list)
    by_year: list[tuple[int, Cell]] = field(default_factory=list)
    by_version: list[tuple[int, Cell]] = field(default_factory=list)
    summary: dict | None = None
    distribution: list[tuple[str, Cell]] = field(default_factory=list)
    bands: list[tuple[str, Cell]] = field(default_factory=list)
    months: list[tuple[dt.date, Cell, float | None]] = field(default_factory=list)
    pairs: dict | None = None
    pairs_n: int = 0
    subscales: list[tuple[str, Cell, float | None]] = field(default_factory=list)
    score_range: tuple | None = None
    small_number: int = field(default_factory=suppression.threshold)

    @property
    def shown(self) -> bool:
        return self.n >= suppression.threshold()


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 2) if len(values) >= suppression.threshold() else None


def _counted(counter: Counter, order) -> list:
    return [(key, Cell(counter[key])) for key in order if counter[key]]


def build(definition: dict, rows: list[tuple]) -> Results:
    """Rows are (completed_on, score, respondent id, mode, version number, band, subscales)."""
    result = Results(n=len(rows), score_range=engine.score_range(definition))
    if not rows:
        return result
    result.by_mode = _counted(Counter(r[3] for r in rows), MODE_LABELS)
    result.by_mode = [(MODE_LABELS[k], c) for k, c in result.by_mode]
    years = Counter(r[0].year for r in rows)
    result.by_year = _counted(years, sorted(years))
    versions = Counter(r[4] for r in rows)
    result.by_version = _counted(versions, sorted(versions))
    scores = [r[1] for r in rows if r[1] is not None]
    result.n_scored = len(scores)
    if len(scores) >= suppression.threshold():
        result.summary = {
            "mean": round(statistics.fmean(scores), 2),
            "median": round(statistics.median(scores), 2),
            "sd": round(statistics.stdev(scores), 2) if len(scores) > 1 else 0.0,
        }
        result.distribution = _distribution(scores, result.score_range)
    bands = definition["scoring"]["bands"]
    if bands:
        counts = Counter(r[5] for r in rows if r[5])
        result.bands = [(b["label"], Cell(counts[b["label"]])) for b in bands]
    months: dict[dt.date, list[float]] = defaultdict(list)
    for r in rows:
        if r[1] is not None:
            months[r[0].replace(day=1)].append(r[1])
    result.months = [(m, Cell(len(v)), _mean(v)) for m, v in sorted(months.items())]
    result.pairs_n, result.pairs = _pairs(rows)
    breakdowns = [result.by_mode, result.by_year, result.by_version]
    breakdowns += [result.distribution, result.bands, result.months]
    for breakdown in breakdowns:
        protect([row[1] for row in breakdown])
    if result.pairs:
        protect([result.pairs[key] for key in ("improved", "same", "worse")])
    for sub in definition["scoring"]["subscales"]:
        values = [r[6].get(sub["key"]) for r in rows if r[6].get(sub["key"]) is not None]
        result.subscales.append((sub["label"], Cell(len(values)), _mean(values)))
    return result


def _distribution(scores: list[float], score_range) -> list[tuple[str, Cell]]:
    low, high = score_range if score_range else (min(scores), max(scores))
    if high <= low:
        return [(f"{low:g}", Cell(len(scores)))]
    bins = 6
    width = (high - low) / bins
    counts = Counter(min(int((s - low) / width), bins - 1) for s in scores)
    out = []
    for b in range(bins):
        start, end = low + b * width, low + (b + 1) * width
        values = {"start": format(start, "g"), "end": format(end, "g")}
        label = (
            _("%(start)s to %(end)s") % values
            if b == bins - 1
            else _("%(start)s to under %(end)s") % values
        )
        out.append((label, Cell(counts[b])))
    return out


def _pairs(rows) -> tuple[int, dict | None]:
    """Baseline (first) and follow-up (latest, on a later day) scores per respondent code."""
    firsts: dict[int, tuple] = {}
    lasts: dict[int, tuple] = {}
    for day, value, respondent, *_rest in rows:  # rows come in date order
        if respondent is None or value is None:
            continue
        firsts.setdefault(respondent, (day, value))
        lasts[respondent] = (day, value)
    pairs = [(firsts[r][1], lasts[r][1]) for r in firsts if lasts[r][0] > firsts[r][0]]
    if len(pairs) < suppression.threshold():
        return len(pairs), None
    changes = [after - before for before, after in pairs]
    return len(pairs), {
        "baseline": round(statistics.fmean(b for b, _ in pairs), 2),
        "follow_up": round(statistics.fmean(a for _, a in pairs), 2),
        "change": round(statistics.fmean(changes), 2),
        "improved": Cell(sum(1 for c in changes if c > 0)),
        "same": Cell(sum(1 for c in changes if c == 0)),
        "worse": Cell(sum(1 for c in changes if c < 0)),
    }
