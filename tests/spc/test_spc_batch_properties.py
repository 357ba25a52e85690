"""The batch path against single series, a plain reference implementation, and invariances."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from imroc import spc
from imroc.spc import _xmr
from tests.spc.spc_reference import xmr_reference

DIRECTIONS = ("increase", "decrease", "neutral")
SWAP = {
    "special_cause_improvement": "special_cause_concern",
    "special_cause_concern": "special_cause_improvement",
}

small_ints = st.lists(st.integers(-20, 20), min_size=1, max_size=60)


@st.composite
def chart_args(draw: st.DrawFn) -> dict:
    values = [float(v) for v in draw(small_ints)]
    n = len(values)
    rebase = sorted(draw(st.sets(st.integers(1, max(n - 1, 1)), max_size=3))) if n > 1 else []
    fix = draw(st.one_of(st.none(), st.integers(12, 40)))
    return {
        "values": values,
        "improvement": draw(st.sampled_from(DIRECTIONS)),
        "target": draw(st.one_of(st.none(), st.integers(-25, 25).map(float))),
        "screen": draw(st.booleans()),
        "fix_after": fix,
        "rebase_at": tuple(rebase),
    }


def _same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=1e-12)


@settings(max_examples=300, deadline=None)
@given(chart_args())
def test_engine_matches_plain_reference(args: dict) -> None:
    ours = spc.xmr(**args)
    ref = xmr_reference(**args)
    for g, r in zip(ours.groups, ref.groups, strict=True):
        assert (g.start, g.n) == (r.start, r.n)
        for key in ("mean", "mr_bar", "lpl", "upl", "lnl", "unl"):
            assert _same(getattr(g, key), getattr(r, key)), key
    assert ours.rules == ref.rules
    assert ours.sides == ref.sides
    assert ours.point_types == ref.point_types
    assert (ours.variation, ours.assurance) == (ref.variation, ref.assurance)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(chart_args(), min_size=1, max_size=12), st.booleans())
def test_batch_equals_single(many: list[dict], screen: bool) -> None:
    batch = spc.xmr_many(
        [a["values"] for a in many],
        improvement=[a["improvement"] for a in many],
        target=[a["target"] for a in many],
        screen=screen,
        fix_after=[a["fix_after"] for a in many],
        rebase_at=[a["rebase_at"] for a in many],
    )
    for a, got in zip(many, batch, strict=True):
        one = spc.xmr(**{**a, "screen": screen})
        assert got.groups == one.groups or all(
            _same(x, y)
            for g, h in zip(got.groups, one.groups, strict=True)
            for x, y in zip(
                (g.mean, g.lpl, g.upl, g.mr_bar), (h.mean, h.lpl, h.upl, h.mr_bar), strict=True
            )
        )
        assert got.point_types == one.point_types
        assert got.rules == one.rules
        assert (got.variation, got.assurance) == (one.variation, one.assurance)
        assert _same(got.mean, one.mean) and _same(got.upl, one.upl)


@settings(max_examples=150, deadline=None)
@given(chart_args(), st.integers(-1000, 1000))
def test_adding_a_constant_moves_lines_and_keeps_verdicts(args: dict, shift: int) -> None:
    base = spc.xmr(**args)
    moved_target = None if args["target"] is None else args["target"] + shift
    moved = spc.xmr(
        **{**args, "values": [v + shift for v in args["values"]], "target": moved_target}
    )
    assert moved.point_types == base.point_types
    assert moved.rules == base.rules
    assert (moved.variation, moved.assurance) == (base.variation, base.assurance)
    assert moved.mean == pytest.approx(base.mean + shift)
    if not np.isnan(base.upl):
        assert moved.upl == pytest.approx(base.upl + shift, abs=1e-9)


def _margin(values: list[float], result: spc.XmrResult) -> float:
    """Smallest gap between a point and any line of its group, relative to the spread."""
    x = np.asarray(values)
    gi = result.group_index
    gaps = [np.inf]
    for i, g in enumerate(result.groups):
        pts = x[gi == i]
        for level in (g.mean, g.lpl, g.upl, g.lnl, g.unl):
            if np.isfinite(level):
                gaps.append(float(np.min(np.abs(pts - level))) / (1 + abs(level)))
    return min(gaps)


@settings(max_examples=150, deadline=None)
@given(chart_args(), st.floats(0.01, 1000.0))
def test_scaling_by_a_positive_factor_keeps_verdicts(args: dict, factor: float) -> None:
    base = spc.xmr(**args)
    # Away from knife-edge ties, where rounding could legitimately tip a comparison.
    gap = _margin(args["values"], base)
    assume(gap == 0 or gap > 1e-9)
    target = None if args["target"] is None else args["target"] * factor
    scaled = spc.xmr(**{**args, "values": [v * factor for v in args["values"]], "target": target})
    if gap == 0:
        # Points exactly on a line: only exact (power-of-two) scaling keeps them there.
        factor = 2.0
        target = None if args["target"] is None else args["target"] * 2
        scaled = spc.xmr(**{**args, "values": [v * 2 for v in args["values"]], "target": target})
    assert scaled.point_types == base.point_types
    assert scaled.rules == base.rules
    assert (scaled.variation, scaled.assurance) == (base.variation, base.assurance)
    assert scaled.mean == pytest.approx(base.mean * factor, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(chart_args())
def test_reversing_direction_swaps_improvement_and_concern(args: dict) -> None:
    up = spc.xmr(**{**args, "improvement": "increase"})
    down = spc.xmr(**{**args, "improvement": "decrease"})
    neutral = spc.xmr(**{**args, "improvement": "neutral"})
    assert down.point_types == [SWAP.get(t, t) for t in up.point_types]
    assert up.rules == down.rules == neutral.rules
    assert all(
        t == ("common_cause" if r is None else "special_cause_neutral")
        for t, r in zip(neutral.point_types, neutral.rules, strict=True)
    )
    flip = {"improvement": "concern", "concern": "improvement"}
    kind, _, side = up.variation.partition("_")
    expected = f"{flip[kind]}_{side}" if kind in flip else up.variation
    assert down.variation == expected
    if up.assurance in ("pass", "fail") and args["target"] is not None:
        # The same target judged from the other direction: pass and fail swap.
        assert down.assurance == {"pass": "fail", "fail": "pass"}[up.assurance]


def test_ragged_batch_keeps_order_and_accepts_arrays() -> None:
    rng = np.random.default_rng(7)
    series = [rng.normal(size=n) for n in (1, 2, 13, 100, 5)]
    results = spc.xmr_many(series, improvement="decrease", target=0.0)
    assert [r.n for r in results] == [1, 2, 13, 100, 5]
    for s, r in zip(series, results, strict=True):
        assert r.values.tolist() == s.tolist()
        assert r.mean == pytest.approx(s.mean())
    grid = rng.normal(size=(4, 30))
    from_grid = spc.xmr_many(grid)
    from_rows = spc.xmr_many(list(grid))
    assert [r.point_types for r in from_grid] == [r.point_types for r in from_rows]
    assert spc.xmr_many([]) == []


def test_batch_is_vectorised_not_a_loop_over_series() -> None:
    # 10,000 series of 100 points must take a fraction of a second.
    import time

    rng = np.random.default_rng(1)
    series = list(rng.normal(size=(10_000, 100)))
    t0 = time.perf_counter()
    results = spc.xmr_many(series, target=0.0)
    icons = [(r.variation, r.assurance) for r in results]
    assert len(icons) == 10_000
    assert time.perf_counter() - t0 < 2.0


def test_chunk_boundaries_do_not_change_results() -> None:
    # A long series spans several chunks; patterns straddling a chunk edge must still be found.
    rng = np.random.default_rng(3)
    n = 3 * _xmr.CHUNK + 123
    x = rng.integers(0, 3, size=n).astype(float)
    edge = _xmr.CHUNK
    x[edge - 4 : edge + 5] = [2.0, 0.2, 0.5, 0.8, 1.1, 1.4, 1.7, 2.0, 0.0]  # rises across the edge
    x[2 * edge - 1] = 1000.0  # astronomical right at an edge
    whole = spc.xmr(x)
    ref = xmr_reference(x.tolist())
    assert whole.rules == ref.rules
    assert whole.rules[edge - 3 : edge + 4] == ["trend"] * 7
    assert whole.rules[2 * edge - 1] == "astronomical"
    assert whole.mean == pytest.approx(ref.groups[0].mean, rel=1e-12)
    # The same series inside a batch, at an odd offset, gives identical figures.
    batch = spc.xmr_many([x[:17], x, x[:5]], rebase_at=[(), (edge + 9,), ()])
    alone = spc.xmr(x, rebase_at=[edge + 9])
    assert batch[1].groups == alone.groups
    assert batch[1].point_types == alone.point_types


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"series": [[1.0, float("nan")]]}, "finite"),
        ({"series": [[1.0, 2.0], []]}, "empty"),
        ({"series": [[1.0, 2.0]], "improvement": "up"}, "improvement"),
        ({"series": [[1.0, 2.0]], "improvement": ["increase", "decrease"]}, "2 entries"),
        ({"series": [[1.0, 2.0]], "rebase_at": [(5,)]}, "outside"),
        ({"series": [["a", "b"]]}, "numbers"),
    ],
)
def test_bad_batch_input_raises_value_error(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        spc.xmr_many(**kwargs)
