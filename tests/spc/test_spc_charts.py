"""p, u (Laney), c, g and t charts; IHI run charts; funnel plots."""

from __future__ import annotations

from math import comb, sqrt

import numpy as np
import pytest

from imroc import spc


def test_p_chart_limits_and_clipping() -> None:
    chart = spc.p_chart([10, 20, 30], [100, 100, 100])
    assert chart.values.tolist() == [0.1, 0.2, 0.3]
    assert chart.centre == pytest.approx([0.2] * 3)
    assert chart.lpl == pytest.approx([0.08] * 3)
    assert chart.upl == pytest.approx([0.32] * 3)
    assert chart.unl == pytest.approx([0.28] * 3)
    small = spc.p_chart([1, 1], [10, 10])
    assert small.lpl.tolist() == [0.0, 0.0]


def test_p_chart_flags_an_astronomical_point_with_per_point_limits() -> None:
    num = [20] * 15 + [45]
    den = [100] * 15 + [100]
    chart = spc.p_chart(num, den, improvement="decrease")
    assert chart.rules[-1] == "astronomical"
    assert chart.point_types[-1] == "special_cause_concern"
    assert chart.variation == "concern_high"


def test_laney_p_prime_scales_sigma_by_sigma_z() -> None:
    chart = spc.p_chart([10, 20, 30], [100, 100, 100], laney=True)
    sigma_z = 2.5 / 1.128
    assert chart.sigma_z == pytest.approx((sigma_z,))
    assert chart.upl == pytest.approx([0.2 + 3 * 0.04 * sigma_z] * 3)
    assert chart.chart == "p_prime"
    # sigma_z below 1 leaves the limits alone.
    calm = spc.p_chart([20, 21, 20, 21], [100] * 4, laney=True)
    assert calm.sigma_z[0] < 1
    assert calm.upl == pytest.approx(spc.p_chart([20, 21, 20, 21], [100] * 4).upl)


def test_u_chart_and_laney_u_prime() -> None:
    chart = spc.u_chart([2, 4, 6], [1, 2, 3])
    assert chart.centre == pytest.approx([2.0] * 3)
    assert chart.upl == pytest.approx([2 + 3 * sqrt(2 / n) for n in (1, 2, 3)])
    assert chart.lpl.min() == 0.0
    prime = spc.u_chart([1, 9, 1, 9, 1], [1, 1, 1, 1, 1], laney=True)
    assert prime.sigma_z[0] > 1
    plain = spc.u_chart([1, 9, 1, 9, 1], [1, 1, 1, 1, 1])
    assert (prime.upl > plain.upl).all()


def test_c_and_g_charts() -> None:
    c = spc.c_chart([4, 4, 4, 4])
    assert c.upl == pytest.approx([10.0] * 4) and c.lpl.tolist() == [0.0] * 4
    g = spc.g_chart([9, 9])
    assert g.upl == pytest.approx([9 + 3 * sqrt(90)] * 2) and g.lpl.tolist() == [0.0] * 2


def test_t_chart_transforms_and_back_transforms() -> None:
    times = [5.0, 12.0, 3.0, 30.0, 8.0, 9.0, 14.0, 2.0, 20.0, 7.0, 11.0, 6.0, 15.0, 4.0]
    chart = spc.t_chart(times)
    y = np.array(times) ** (1 / 3.6)
    inner = spc.xmr(y)
    assert chart.centre[0] == pytest.approx(y.mean() ** 3.6)
    assert chart.upl[0] == pytest.approx(inner.upl**3.6)
    assert chart.lpl[0] == pytest.approx(max(inner.lpl, 0) ** 3.6)
    assert chart.point_types == inner.point_types


def test_attribute_charts_reject_bad_input() -> None:
    with pytest.raises(ValueError):
        spc.p_chart([5], [4])
    with pytest.raises(ValueError):
        spc.u_chart([1, 2], [1, 0])
    with pytest.raises(ValueError):
        spc.c_chart([1, -1])
    with pytest.raises(ValueError):
        spc.t_chart([1, -2])


def _runs_cdf(n1: int, n2: int, r: int) -> float:
    total = comb(n1 + n2, n1)
    acc = 0
    for k in range(2, r + 1):
        h, odd = divmod(k, 2)
        if odd:
            acc += comb(n1 - 1, h) * comb(n2 - 1, h - 1) + comb(n1 - 1, h - 1) * comb(n2 - 1, h)
        else:
            acc += 2 * comb(n1 - 1, h - 1) * comb(n2 - 1, h - 1)
    return acc / total


def test_runs_limits_follow_swed_eisenhart() -> None:
    # 10 above and 10 below: 6 or fewer runs, or 16 or more, is significant at 5%.
    assert spc.runs_limits(20) == (7, 15)
    assert spc.runs_limits(9) is None
    for n in range(10, 61):
        lower, upper = spc.runs_limits(n)
        n1 = n // 2
        assert _runs_cdf(n1, n - n1, lower - 1) <= 0.025 < _runs_cdf(n1, n - n1, lower)
        assert 1 - _runs_cdf(n1, n - n1, upper) <= 0.025 < 1 - _runs_cdf(n1, n - n1, upper - 1)


def test_run_chart_shift_skips_points_on_the_median() -> None:
    values = [1, 9, 1, 1, 5, 5, 5, 7, 7, 8, 5, 7, 8, 7, 1, 2, 1, 5, 5, 3]
    chart = spc.run_chart(values)
    assert chart.median == 5.0
    flagged = np.flatnonzero(chart.shift).tolist()
    assert flagged == [7, 8, 9, 11, 12, 13]
    assert not chart.shift[10]


def test_run_chart_trend_of_five_ignores_repeats() -> None:
    chart = spc.run_chart([5, 1, 2, 3, 3, 4, 5, 2, 8, 7, 8, 6])
    assert np.flatnonzero(chart.trend).tolist() == [1, 2, 3, 5, 6]
    four = spc.run_chart([5, 1, 2, 3, 4, 2, 8, 7, 8, 6])
    assert not four.trend.any()


def test_run_chart_runs_and_astronomical() -> None:
    values = [1.0, 2.0] * 5 + [3.0, 4.0] * 5
    chart = spc.run_chart(values)
    assert chart.useful == 20 and chart.runs == 2
    assert chart.too_few_runs and not chart.too_many_runs
    alternating = spc.run_chart([1.0, 3.0] * 10)
    assert alternating.runs == 20 and alternating.too_many_runs
    spike = spc.run_chart([10.0, 11.0] * 8 + [60.0] + [10.0, 11.0] * 2)
    assert np.flatnonzero(spike.astronomical).tolist() == [16]


def test_funnel_exact_limits_bracket_the_target() -> None:
    num = [18, 22, 40, 45, 190, 210]
    den = [100, 100, 200, 200, 1000, 1000]
    plot = spc.funnel(num, den, overdispersion=False)
    assert plot.target == pytest.approx(sum(num) / sum(den))
    assert (plot.lower_998 < plot.lower_95).all() and (plot.upper_95 < plot.upper_998).all()
    assert (plot.lower_95 < plot.target).all() and (plot.target < plot.upper_95).all()
    # Wider for small sites; close to the normal approximation for big ones.
    assert plot.upper_998[0] > plot.upper_998[-1]
    normal = spc.funnel(num, den, method="normal", overdispersion=False)
    assert plot.upper_95[-1] == pytest.approx(normal.upper_95[-1], abs=0.003)
    assert set(plot.flags) == {"within"}


def test_funnel_exact_quantile_matches_binomial_tail() -> None:
    # n = 50, p = 0.2: P(X <= 15) is about 0.969 and P(X <= 16) about 0.986, so the
    # interpolated 97.5% point lies between 15/50 and 16/50.
    lo, hi = spc.funnel([10, 10], [50, 50], overdispersion=False).limits([50], 0.95)
    assert 15 / 50 < hi[0] < 16 / 50
    assert 4 / 50 < lo[0] < 6 / 50


def test_funnel_overdispersion_widens_limits_and_flags_outliers() -> None:
    rng = np.random.default_rng(5)
    den = np.full(40, 500)
    true_rates = rng.uniform(0.05, 0.35, 40)
    num = rng.binomial(den, true_rates)
    plain = spc.funnel(num, den, overdispersion=False)
    adjusted = spc.funnel(num, den)
    assert adjusted.overdispersed and adjusted.tau2 > 0 and adjusted.phi > 1
    assert (adjusted.upper_998 > plain.upper_998).all()
    assert plain.flags.count("within") < adjusted.flags.count("within")
    even = spc.funnel([50] * 10, [500] * 10)
    assert even.tau2 == 0.0 and not even.overdispersed
