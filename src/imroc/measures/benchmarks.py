"""Benchmarking sites against each other: funnel plots of shared measures and stage comparisons.

The programme team sees every site's name. A site sees its own name, the names of sites that
chose to be named, and an anonymous label for every other site. Labels come from a keyed hash,
so neither their order nor their letters say anything about which site is which.
"""

from __future__ import annotations

import hashlib
import hmac
import string
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from imroc import spc
from imroc.assessment.models import AssessmentRound, Consensus
from imroc.core.charts import FunnelChart, FunnelPoint, funnel_svg
from imroc.measures.models import DataPoint, DataType, ProgrammeMeasure
from imroc.programme.models import Programme, Site


def shared_proportion_measures(programme: Programme):
    return programme.shared_measures.filter(data_type=DataType.PROPORTION).order_by("name")


def benchmark_years(shared: ProgrammeMeasure) -> list[tuple[int, int]]:
    """(year, number of sites reporting), newest first."""
    rows = (
        DataPoint.objects.filter(measure__shared=shared)
        .annotate(year=ExtractYear("period"))
        .values("year")
        .annotate(sites=Count("measure__site", distinct=True))
        .values_list("year", "sites")
    )
    return sorted(rows, reverse=True)


def default_year(years: list[tuple[int, int]]) -> int | None:
    """The latest year in which the most sites reported."""
    return max(years, key=lambda ys: (ys[1], ys[0]))[0] if years else None


def _key(site_id: int) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"benchmark:{site_id}".encode(), hashlib.sha256
    ).hexdigest()


def _letters(n: int) -> str:
    letters = string.ascii_uppercase
    return letters[n] if n < 26 else letters[n // 26 - 1] + letters[n % 26]


def site_labels(sites: list[Site], viewer: Site | None) -> dict[int, tuple[str, bool]]:
    """site id -> (label, shown by name). The programme team (viewer None) sees every name."""
    labels: dict[int, tuple[str, bool]] = {}
    hidden = []
    for site in sites:
        if viewer is None or site.pk == viewer.pk or site.named_in_benchmarks:
            labels[site.pk] = (site.name, True)
        else:
            hidden.append(site.pk)
    for index, site_id in enumerate(sorted(hidden, key=_key)):
        labels[site_id] = (_("Site %(letters)s") % {"letters": _letters(index)}, False)
    return labels


@dataclass
class FunnelRow:
    label: str
    named: bool
    is_you: bool
    numerator: float
    denominator: float
    outside: str
    within_95: bool

    @property
    def percent(self) -> float:
        return 100 * self.numerator / self.denominator

    @property
    def reading(self) -> str:
        if self.outside == "high":
            return _("Higher than the programme average, beyond what chance explains")
        if self.outside == "low":
            return _("Lower than the programme average, beyond what chance explains")
        if not self.within_95:
            return _("Near the edge of what chance explains: worth a look")
        return _("In line with the programme average")


@dataclass
class FunnelBenchmark:
    shared: ProgrammeMeasure
    year: int
    rows: list[FunnelRow]
    target: float | None
    svg: str


def funnel_benchmark(
    shared: ProgrammeMeasure, year: int, viewer: Site | None
) -> FunnelBenchmark | None:
    """One funnel plot of a shared proportion measure over a calendar year, or None without data."""
    totals = list(
        DataPoint.objects.filter(measure__shared=shared, period__year=year, denominator__gt=0)
        .values("measure__site")
        .annotate(num=Sum("numerator"), den=Sum("denominator"))
        .order_by("measure__site")
    )
    if len(totals) < 2:
        return None
    sites = list(
        Site.objects.filter(pk__in=[t["measure__site"] for t in totals]).select_related(
            "organisation"
        )
    )
    labels = site_labels(sites, viewer)
    nums = np.array([t["num"] for t in totals], dtype=float)
    dens = np.array([t["den"] for t in totals], dtype=float)
    plot = spc.funnel(nums, dens)
    rows = []
    for i, t in enumerate(totals):
        label, named = labels[t["measure__site"]]
        p, n = nums[i] / dens[i], dens[i]
        lo95, hi95 = (float(v[0]) for v in plot.limits([n], 0.95))
        lo998, hi998 = (float(v[0]) for v in plot.limits([n], 0.998))
        outside = "high" if p > hi998 else "low" if p < lo998 else ""
        rows.append(FunnelRow(label, named, viewer is not None and t["measure__site"] == viewer.pk,
                              nums[i], dens[i], outside, lo95 <= p <= hi95))  # fmt: skip
    rows.sort(key=lambda r: (not r.is_you, -r.denominator, r.label))
    curve_n = np.linspace(max(1.0, dens.min() * 0.5), dens.max() * 1.05, 80)
    l95, u95 = plot.limits(curve_n, 0.95)
    l998, u998 = plot.limits(curve_n, 0.998)
    you = next((r for r in rows if r.is_you), None)
    parts = [
        _(
            "Each point is a site: its share for %(year)s against how many cases it had. "
            "The programme average is %(average)s%%."
        )
        % {"year": year, "average": f"{100 * plot.target:.1f}"}
    ]
    if you:
        parts.append(
            _("%(site)s is at %(share)s%% of %(cases)s: %(reading)s.")
            % {
                "site": you.label,
                "share": f"{you.percent:.1f}",
                "cases": f"{int(you.denominator):,}",
                "reading": you.reading[:1].lower() + you.reading[1:],
            }
        )
    outside = sum(1 for r in rows if r.outside)
    parts.append(
        ngettext(
            "%(outside)d of %(count)d site is outside the 99.8%% limits.",
            "%(outside)d of %(count)d sites are outside the 99.8%% limits.",
            len(rows),
        )
        % {"outside": outside, "count": len(rows)}
    )
    description = " ".join(parts)
    chart = FunnelChart(
        title=f"{shared.name}, {year}",
        description=description,
        points=[
            FunnelPoint(r.label, r.numerator, r.denominator, r.outside, highlight=r.is_you)
            for r in rows
        ],
        target=float(plot.target),
        curve_n=curve_n.tolist(),
        lower_95=l95.tolist(), upper_95=u95.tolist(), lower_998=l998.tolist(), upper_998=u998.tolist(),
    )  # fmt: skip
    return FunnelBenchmark(shared, year, rows, float(plot.target), funnel_svg(chart))


@dataclass
class StageRow:
    label: str
    named: bool
    is_you: bool
    levels: list[int | None]


def stage_comparison(programme: Programme, challenges: list, viewer: Site | None) -> list[StageRow]:
    """Each site's latest agreed stage on every challenge, from its latest closed round."""
    sites = list(programme.sites.select_related("organisation"))
    latest: dict[int, int] = {}
    for round_id, site_id in (
        AssessmentRound.objects.filter(
            site__programme=programme, status=AssessmentRound.Status.CLOSED
        )
        .order_by("site_id", "held_on", "id")
        .values_list("id", "site_id")
    ):
        latest[site_id] = round_id
    levels: dict[int, dict[str, int]] = defaultdict(dict)
    for round_id, slug, level in Consensus.objects.filter(round_id__in=latest.values()).values_list(
        "round_id", "challenge__slug", "level"
    ):
        levels[round_id][slug] = level
    labels = site_labels(sites, viewer)
    rows = [
        StageRow(
            labels[s.pk][0],
            labels[s.pk][1],
            viewer is not None and s.pk == viewer.pk,
            [levels[latest[s.pk]].get(c.slug) for c in challenges],
        )
        for s in sites
        if s.pk in latest
    ]
    # Named sites alphabetically; anonymous labels in their own order (B before AA).
    return sorted(
        rows, key=lambda r: (not r.is_you, not r.named, 0 if r.named else len(r.label), r.label)
    )
