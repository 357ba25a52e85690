from __future__ import annotations

import datetime as dt
import random
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from imroc import spc
from imroc.core import charts
from imroc.measures.analysis import Series, analyse
from tests.measures.factories import months


def _xml(text: str) -> ET.Element:
    return ET.fromstring(text)  # noqa: S314 - parses our own SVG


def _series(key, chart, improvement="increase", target=None, n=30, rebase=None, seed=0):
    rng = np.random.default_rng(seed)
    periods = months(dt.date(2012, 1, 1), n)
    if chart in ("p", "u"):
        den = rng.integers(20, 80, n).astype(float)
        num = np.minimum(
            den, rng.binomial(den.astype(int), 0.3 + 0.2 * (np.arange(n) > n // 2))
        ).astype(float)
        values = (num / den).tolist()
        return Series(key, chart, improvement, target, periods, values, num.tolist(), den.tolist(),
                      [periods[rebase]] if rebase and rebase < n else [])  # fmt: skip
    values = rng.poisson(6 + 4 * (np.arange(n) > n // 2), n).astype(float).tolist()
    return Series(key, chart, improvement, target, periods, values, [None] * n, [None] * n,
                  [periods[rebase]] if rebase and rebase < n else [])  # fmt: skip


def _single(s: Series):
    """The same chart from one per-series spc call: the reference for the batch."""
    if s.chart == "xmr":
        return spc.xmr(s.values, s.improvement, s.target, rebase_at=s.rebase_at)
    if s.chart == "t":
        return spc.t_chart(s.values, s.improvement, s.target, rebase_at=s.rebase_at)
    if s.chart in ("p", "u"):
        fn = spc.p_chart if s.chart == "p" else spc.u_chart
        return fn(s.numerators, s.denominators, s.improvement, s.target, rebase_at=s.rebase_at)
    fn = spc.c_chart if s.chart == "c" else spc.g_chart
    return fn(s.values, s.improvement, s.target, rebase_at=s.rebase_at)


def test_batched_analysis_matches_one_call_per_series(monkeypatch):
    series = []
    rng = random.Random(4)
    for i in range(60):
        chart = ["xmr", "p", "u", "c", "g", "t"][i % 6]
        improvement = ["increase", "decrease", "neutral"][i % 3]
        target = None if i % 4 == 0 else rng.choice([0.2, 0.5, 3.0, 8.0, 12.0])
        series.append(_series(i, chart, improvement, target, n=rng.randint(8, 45),
                              rebase=rng.choice([None, 5, 14]), seed=i))  # fmt: skip
    calls = []
    for name in ("xmr_many", "p_chart", "u_chart", "c_chart", "g_chart"):
        real = getattr(spc, name)
        monkeypatch.setattr(
            spc, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k)
        )
    results = analyse(series, detail=True)
    # One xmr_many call, and one call per attribute chart and direction: never one per measure.
    assert calls.count("xmr_many") == 1
    assert len(calls) <= 1 + 4 * 3
    monkeypatch.undo()
    for s, a in zip(series, results, strict=True):
        ref = _single(s)
        assert a.point_types == list(ref.point_types), s.key
        assert a.variation == ref.variation, s.key
        assert a.assurance == ref.assurance, (s.key, s.chart, s.target)
        if s.chart not in ("xmr", "t"):
            np.testing.assert_allclose(a.lpl, ref.lpl)
            np.testing.assert_allclose(a.upl, ref.upl)
            np.testing.assert_allclose(a.centre, ref.centre)
        elif s.chart == "xmr":
            assert a.mean == pytest.approx(ref.mean)
            assert a.last_upl == pytest.approx(ref.upl)


def test_empty_series_have_no_icons():
    empty = Series("e", "xmr", "increase", None, [], [])
    (a,) = analyse([empty])
    assert (a.n, a.variation, a.assurance) == (0, "none", "none")


def test_chart_svg_is_valid_and_labels_trial_rebase_target_and_markers():
    points = [
        charts.ChartPoint(label=f"M{i}", value=None if i == 4 else float(i % 5),
                          point_type="special_cause_concern" if i == 9 else "common_cause",
                          centre=2.0, lpl=-1.0, upl=5.0, group=0 if i < 6 else 1)
        for i in range(12)
    ]  # fmt: skip
    svg = charts.spc_chart_svg(
        charts.SpcChart(
            title="A & B <chart>", description='Says "this"', points=points,
            trial_groups=frozenset({1}), rebases=[(6, "Rebase: new ward")], target=4.5,
            markers=[charts.ChartMarker(1, 2.2, "PDSA <test>", end=3.5, kind="pdsa")], id_prefix="c1",
        )
    )  # fmt: skip
    root = _xml(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{ns}title").text == "A & B <chart>"
    assert root.find(f"{ns}desc").text == 'Says "this"'
    assert len(root.findall(f".//{ns}g[@class='point']")) == 11
    assert root.findall(
        f".//{ns}g[@data-type='special_cause_concern']/{ns}rect"
    )  # a square, not a dot
    texts = "".join(root.itertext())
    assert "Trial limits" in texts and "Rebase: new ward" in texts and "Target 4.5" in texts
    assert root.findall(f".//{ns}path[@class='line-upl trial']")


def test_icons_do_not_rely_on_colour_alone():
    letters = {}
    for code in ("common_cause", "improvement_high", "improvement_low", "concern_high", "concern_low",
                 "neutral_high", "neutral_low", "none"):  # fmt: skip
        root = _xml(charts.variation_icon_svg(code))
        assert root.get("role") == "img" and root.get("aria-label")
        letters[code] = "".join(root.itertext()).replace(
            root.find("{http://www.w3.org/2000/svg}title").text, ""
        )
    assert letters["improvement_high"] == "H+" and letters["concern_high"] == "H!"
    assert letters["improvement_low"] == "L+" and letters["concern_low"] == "L!"
    assert letters["neutral_high"] == "H" and letters["neutral_low"] == "L"
    assert {c: _xml(charts.assurance_icon_svg(c)).find("{http://www.w3.org/2000/svg}text").text
            for c in ("pass", "fail", "inconsistent", "none")} == {"pass": "P", "fail": "F", "inconsistent": "?", "none": "–"}  # fmt: skip


def test_sparkline_breaks_at_gaps():
    root = _xml(
        charts.sparkline_svg([1.0, 2.0, None, 3.0, 4.0], ["common_cause"] * 5, label="x & y")
    )
    assert len(root.findall("{http://www.w3.org/2000/svg}polyline")) == 2
    assert root.get("aria-label") == "x & y"
