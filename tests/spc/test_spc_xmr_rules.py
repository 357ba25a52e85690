"""Rule-by-rule XmR cases: run lengths, ties, exact lines, rebases, trial limits, icons."""

from __future__ import annotations

import numpy as np
import pytest

from imroc import spc

# Twelve points alternating 10, 12: mean 11, every moving range 2, so with fix_after=12
# the limits are 11 ± 5.32 and the near-limit lines 11 ± 3.5467, whatever follows.
BASE = [10.0, 12.0] * 6


def chart(tail: list[float], **kwargs) -> spc.XmrResult:
    kwargs.setdefault("fix_after", 12)
    return spc.xmr(BASE + tail, **kwargs)


def tail_rules(result: spc.XmrResult) -> list[str | None]:
    return result.rules[len(BASE) :]


def test_baseline_limits() -> None:
    g = chart([11.0]).groups[0]
    assert g.mean == 11.0
    assert g.mr_bar == 2.0
    assert g.lpl == pytest.approx(5.68) and g.upl == pytest.approx(16.32)
    assert g.lnl == pytest.approx(11 - 2.66 * 2 / 3 * 2)
    assert g.unl == pytest.approx(11 + 2.66 * 2 / 3 * 2)


def test_shift_needs_seven() -> None:
    six = chart([10.0] + [11.5, 12.0] * 3 + [10.0])
    assert tail_rules(six) == [None] * 8
    seven = chart([10.0] + [11.5, 12.0] * 3 + [11.5, 10.0])
    assert tail_rules(seven) == [None] + ["shift"] * 7 + [None]
    assert seven.point_types[13:20] == ["special_cause_improvement"] * 7
    assert set(seven.sides[13:20]) == {"high"}


def test_shift_below_is_concern_for_increase() -> None:
    result = chart([12.0] + [10.5, 10.0] * 3 + [10.5, 12.0])
    assert tail_rules(result) == [None] + ["shift"] * 7 + [None]
    assert set(result.point_types[13:20]) == {"special_cause_concern"}
    assert set(result.sides[13:20]) == {"low"}


def test_point_on_mean_breaks_shift() -> None:
    result = chart([10.0, 11.5, 12.0, 11.5, 11.0, 12.0, 11.5, 12.0, 11.5, 10.0])
    assert tail_rules(result) == [None] * 10


def test_trend_needs_seven_and_tie_breaks_it() -> None:
    six = chart([8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 9.0])
    assert tail_rules(six) == [None] * 7
    seven = chart([7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 9.0])
    assert tail_rules(seven) == ["trend"] * 7 + [None]
    assert set(seven.sides[12:19]) == {"high"}
    tie = chart([7.5, 8.5, 9.5, 9.5, 10.5, 11.5, 12.5, 13.5, 9.0])
    assert tail_rules(tie) == [None] * 9


def test_decreasing_trend_side_comes_from_slope() -> None:
    # Every point of this falling run is above the mean, yet the trend is low.
    result = spc.xmr([13.0, 14.0] * 6 + [14.9, 14.6, 14.3, 14.0, 13.7, 13.4, 13.1], fix_after=12)
    assert result.rules[12:] == ["trend"] * 7
    assert set(result.sides[12:]) == {"low"}
    assert set(result.point_types[12:]) == {"special_cause_concern"}


def test_two_in_three_flags_only_points_beyond_near_line() -> None:
    result = chart([10.0, 15.0, 11.5, 15.0, 10.0])
    assert tail_rules(result) == [None, "two_in_three", None, "two_in_three", None]
    low = chart([12.0, 7.0, 10.5, 7.0, 12.0])
    assert tail_rules(low) == [None, "two_in_three", None, "two_in_three", None]
    assert low.point_types[13] == "special_cause_concern"


def test_two_in_three_needs_all_three_on_one_side() -> None:
    result = chart([10.0, 15.0, 10.5, 15.0, 10.0])
    assert tail_rules(result) == [None] * 5


def test_opposite_side_near_limit_points_do_not_combine() -> None:
    result = chart([11.5, 15.0, 7.0, 15.0, 7.0, 11.5])
    assert tail_rules(result) == [None] * 6


def test_point_exactly_on_a_line_is_not_beyond_it() -> None:
    g = chart([11.0]).groups[0]
    on_upl = chart([10.0, g.upl, 10.0])
    assert tail_rules(on_upl) == [None] * 3
    on_lpl = chart([12.0, g.lpl, 12.0])
    assert tail_rules(on_lpl) == [None] * 3
    just_over = chart([10.0, np.nextafter(g.upl, np.inf), 10.0])
    assert tail_rules(just_over) == [None, "astronomical", None]
    on_near = chart([10.0, g.unl, 11.5, g.unl, 10.0])
    assert tail_rules(on_near) == [None] * 5
    over_near = chart([10.0, np.nextafter(g.unl, np.inf), 11.5, g.unl + 0.01, 10.0])
    assert tail_rules(over_near) == [None, "two_in_three", None, "two_in_three", None]


def test_astronomical_points_and_their_types() -> None:
    result = chart([11.0, 17.0, 11.0, 5.0, 11.0])
    assert tail_rules(result) == [None, "astronomical", None, "astronomical", None]
    assert result.point_types[13] == "special_cause_improvement"
    assert result.point_types[15] == "special_cause_concern"
    down = chart([11.0, 17.0, 11.0, 5.0, 11.0], improvement="decrease")
    assert down.point_types[13] == "special_cause_concern"
    assert down.point_types[15] == "special_cause_improvement"
    neutral = chart([11.0, 17.0, 11.0, 5.0, 11.0], improvement="neutral")
    assert neutral.point_types[13] == neutral.point_types[15] == "special_cause_neutral"


def test_precedence() -> None:
    # An astronomical point at the top of a trend is named astronomical.
    result = chart([7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 17.0, 9.0])
    assert tail_rules(result) == ["trend"] * 6 + ["astronomical", None]
    # Inside a shift, the two points beyond the near line are two_in_three.
    shifted = chart([10.0, 11.5, 12.0, 15.0, 12.0, 15.0, 12.0, 11.5, 10.0])
    assert tail_rules(shifted) == [
        None,
        "shift",
        "shift",
        "two_in_three",
        "shift",
        "two_in_three",
        "shift",
        "shift",
        None,
    ]


def test_runs_do_not_cross_a_rebase() -> None:
    first = [10.0, 12.0] * 8 + [12.5] * 4
    second = [12.5] * 3 + [10.0, 12.0] * 8
    joined = spc.xmr(first + second)
    assert "shift" in joined.rules
    rebased = spc.xmr(first + second, rebase_at=[len(first)])
    assert rebased.rules == [None] * (len(first) + len(second))
    assert [g.start for g in rebased.groups] == [0, 20]
    assert rebased.groups[1].mean == pytest.approx(np.mean(second))
    assert rebased.group_index.tolist() == [0] * 20 + [1] * 19


def test_trend_does_not_cross_a_rebase() -> None:
    values = [10.0, 12.0] * 7 + [8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0] + [10.0, 12.0] * 7
    assert spc.xmr(values).rules[14:21] == ["trend"] * 7
    assert spc.xmr(values, rebase_at=[17]).rules[14:21] == [None] * 7


def test_trial_limits_and_icons_need_thirteen() -> None:
    twelve = spc.xmr(BASE, target=0.0)
    assert twelve.groups[-1].trial
    assert (twelve.variation, twelve.assurance) == ("none", "none")
    thirteen = spc.xmr([*BASE, 11.0], target=0.0)
    assert not thirteen.groups[-1].trial
    assert (thirteen.variation, thirteen.assurance) == ("common_cause", "pass")
    # A rebased last group of 12 is trial even though the series is long.
    rebased = spc.xmr(BASE * 3, rebase_at=[24], target=0.0)
    assert [g.trial for g in rebased.groups] == [False, True]
    assert rebased.variation == "none"


def test_fix_after_limits_from_first_points_rules_on_all() -> None:
    fixed = spc.xmr([*BASE, 20.0, 11.0], fix_after=12)
    assert fixed.mean == 11.0 and fixed.upl == pytest.approx(16.32)
    assert fixed.rules[12] == "astronomical"
    free = spc.xmr([*BASE, 20.0, 11.0])
    assert free.mean == pytest.approx(np.mean([*BASE, 20.0, 11.0]))
    with pytest.raises(ValueError, match="at least 12"):
        spc.xmr(BASE, fix_after=11)


def test_fix_after_applies_per_group() -> None:
    values = BASE + [11.0] * 3 + [20.0, 22.0] * 6 + [40.0]
    result = spc.xmr(values, fix_after=12, rebase_at=[15])
    assert [g.mean for g in result.groups] == [11.0, 21.0]
    assert result.groups[1].n == 13
    assert result.rules[-1] == "astronomical"


@pytest.mark.parametrize(
    ("improvement", "last", "variation"),
    [
        ("increase", 30.0, "improvement_high"),
        ("increase", -10.0, "concern_low"),
        ("decrease", 30.0, "concern_high"),
        ("decrease", -10.0, "improvement_low"),
        ("neutral", 30.0, "neutral_high"),
        ("neutral", -10.0, "neutral_low"),
        ("increase", 11.0, "common_cause"),
        ("decrease", 11.0, "common_cause"),
        ("neutral", 11.0, "common_cause"),
    ],
)
def test_variation_icons(improvement: str, last: float, variation: str) -> None:
    assert chart([last], improvement=improvement).variation == variation


@pytest.mark.parametrize(
    ("improvement", "target", "assurance"),
    [
        ("increase", 5.0, "pass"),
        ("increase", 17.0, "fail"),
        ("increase", 11.0, "inconsistent"),
        ("decrease", 17.0, "pass"),
        ("decrease", 5.0, "fail"),
        ("decrease", 11.0, "inconsistent"),
        ("neutral", 5.0, "none"),
        ("increase", None, "none"),
    ],
)
def test_assurance_icons(improvement: str, target: float | None, assurance: str) -> None:
    assert chart([11.0], improvement=improvement, target=target).assurance == assurance


def test_target_on_a_limit_is_inconsistent() -> None:
    g = chart([11.0]).groups[0]
    assert chart([11.0], target=g.lpl).assurance == "inconsistent"
    assert chart([11.0], target=g.upl, improvement="decrease").assurance == "inconsistent"


def test_screening_drops_large_ranges_once() -> None:
    values = [1.0, 2.0] * 6 + [30.0] + [1.0, 2.0] * 3
    screened = spc.xmr(values)
    unscreened = spc.xmr(values, screen=False)
    assert screened.groups[0].mr_bar == 1.0
    mrs = np.abs(np.diff(values))
    assert unscreened.groups[0].mr_bar == pytest.approx(mrs.mean())
    assert screened.rules[12] == "astronomical"


def test_constant_series_has_zero_width_limits() -> None:
    result = spc.xmr([5.0] * 20)
    assert (result.lpl, result.mean, result.upl) == (5.0, 5.0, 5.0)
    assert set(result.point_types) == {"common_cause"}


def test_single_point_group_has_no_limits() -> None:
    result = spc.xmr([*BASE, 11.0], rebase_at=[12])
    last = result.groups[-1]
    assert last.n == 1 and last.mean == 11.0 and np.isnan(last.lpl) and np.isnan(last.upl)
    assert result.rules[-1] is None


def test_rule_names_and_colours_are_the_readme_ones() -> None:
    assert spc.RULES == ("astronomical", "trend", "two_in_three", "shift")
    assert spc.POINT_TYPE_COLOURS == {
        "common_cause": "#a6a6a6",
        "special_cause_improvement": "#00b0f0",
        "special_cause_concern": "#e46c0a",
        "special_cause_neutral": "#490092",
    }
