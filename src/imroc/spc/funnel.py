"""Funnel plots for comparing sites on a proportion (Spiegelhalter, Stat Med 2005).

Target: the pooled proportion. Limits at 95% and 99.8%, from the exact binomial distribution
(with Spiegelhalter's interpolation between counts) or the normal approximation when n is
large. Overdispersion is handled additively: a random-effects variance tau² estimated from
z-scores winsorised at 10% at each end widens every limit by the same amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import lgamma, log, sqrt
from statistics import NormalDist
from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray: TypeAlias = NDArray[np.float64]
Method: TypeAlias = Literal["auto", "exact", "normal"]

LEVELS = (0.95, 0.998)
WINSOR = 0.10
# With "auto", exact limits up to this many cases, the normal approximation above it.
EXACT_MAX_N = 100_000

# Flags, from low to high.
LOW_998, LOW_95, WITHIN, HIGH_95, HIGH_998 = "low_998", "low_95", "within", "high_95", "high_998"


@dataclass(frozen=True)
class FunnelPlot:
    """Sites on a funnel plot with their limits, z-scores and flags."""

    numerators: FloatArray
    denominators: FloatArray
    proportions: FloatArray
    target: float
    z: FloatArray
    phi: float
    tau2: float
    overdispersed: bool
    lower_95: FloatArray
    upper_95: FloatArray
    lower_998: FloatArray
    upper_998: FloatArray
    flags: list[str]
    method: str

    def limits(self, n: ArrayLike, level: float = 0.998) -> tuple[FloatArray, FloatArray]:
        """Lower and upper limit curves at ``level`` for denominators ``n`` (for drawing)."""
        sizes = np.asarray(n, dtype=np.float64)
        return _limits(self.target, sizes, level, self.tau2, self.method)


def _binomial_cdf_window(n: int, p: float) -> tuple[int, FloatArray]:
    """CDF of Binomial(n, p) on a window of counts holding all but ~1e-15 of the mass."""
    sd = sqrt(n * p * (1 - p))
    lo = max(0, int(n * p - 12 * sd - 2))
    hi = min(n, int(n * p + 12 * sd + 2))
    k = np.arange(lo, hi + 1)
    log_choose = np.array([lgamma(n + 1) - lgamma(i + 1) - lgamma(n - i + 1) for i in k.tolist()])
    log_pmf = log_choose + k * log(p) + (n - k) * log(1 - p)
    return lo, np.cumsum(np.exp(log_pmf))


def _exact_quantile(n: int, p: float, q: float) -> float:
    """Spiegelhalter's interpolated binomial quantile, as a proportion of n."""
    if p <= 0 or p >= 1:
        return p
    lo, cdf = _binomial_cdf_window(n, p)
    i = int(np.searchsorted(cdf, q, side="left"))
    i = min(i, cdf.size - 1)
    r = lo + i
    below = cdf[i - 1] if i > 0 else 0.0
    alpha = (cdf[i] - q) / (cdf[i] - below) if cdf[i] > below else 0.0
    return float(np.clip((r - alpha) / n, 0.0, 1.0))


def _limits(
    target: float, n: FloatArray, level: float, tau2: float, method: str
) -> tuple[FloatArray, FloatArray]:
    """Lower and upper limits at ``level`` for each denominator."""
    z = NormalDist().inv_cdf(0.5 + level / 2)
    q_low, q_high = (1 - level) / 2, 1 - (1 - level) / 2
    var = target * (1 - target) / n
    lower = target - z * np.sqrt(var + tau2)
    upper = target + z * np.sqrt(var + tau2)
    if tau2 == 0 and method != "normal":
        whole = (n == np.round(n)) & (n >= 1)
        if method == "auto":
            whole &= n <= EXACT_MAX_N
        for i in np.flatnonzero(whole).tolist():
            size = int(n[i])
            lower[i] = _exact_quantile(size, target, q_low)
            upper[i] = _exact_quantile(size, target, q_high)
    return np.clip(lower, 0.0, 1.0), np.clip(upper, 0.0, 1.0)


def _dispersion(z: FloatArray, weights: FloatArray) -> tuple[float, float]:
    """Spiegelhalter's winsorised phi and additive tau² (0 when not overdispersed)."""
    k = z.size
    low, high = np.quantile(z, [WINSOR, 1 - WINSOR])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    if k * phi <= k - 1:
        return phi, 0.0
    denom = weights.sum() - (weights**2).sum() / weights.sum()
    return phi, float(max(0.0, (k * phi - (k - 1)) / denom))


def funnel(
    numerators: ArrayLike,
    denominators: ArrayLike,
    method: Method = "auto",
    overdispersion: bool = True,
) -> FunnelPlot:
    """Funnel plot of sites' proportions against the pooled target, flagging outliers."""
    num = np.asarray(numerators, dtype=np.float64)
    den = np.asarray(denominators, dtype=np.float64)
    if num.ndim != 1 or num.shape != den.shape or num.size < 2:
        raise ValueError("need matching 1-D numerators and denominators for at least 2 sites")
    if not (np.isfinite(num).all() and np.isfinite(den).all()):
        raise ValueError("numerators and denominators must be finite")
    if (den <= 0).any() or (num < 0).any() or (num > den).any():
        raise ValueError("need 0 <= numerator <= denominator and denominator > 0")
    if method not in ("auto", "exact", "normal"):
        raise ValueError("method must be auto, exact or normal")
    target = float(num.sum() / den.sum())
    prop = num / den
    var = target * (1 - target) / den
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (prop - target) / np.sqrt(var)
    phi, tau2 = (1.0, 0.0)
    if 0 < target < 1:
        phi, tau2 = _dispersion(z, 1 / var)
    overdispersed = tau2 > 0
    if not overdispersion:
        tau2 = 0.0
    if tau2 > 0:
        z = (prop - target) / np.sqrt(var + tau2)
    l95, u95 = _limits(target, den, 0.95, tau2, method)
    l998, u998 = _limits(target, den, 0.998, tau2, method)
    flags = np.full(num.size, WITHIN, dtype=object)
    flags[prop > u95] = HIGH_95
    flags[prop > u998] = HIGH_998
    flags[prop < l95] = LOW_95
    flags[prop < l998] = LOW_998
    return FunnelPlot(
        numerators=num,
        denominators=den,
        proportions=prop,
        target=target,
        z=z,
        phi=phi,
        tau2=tau2,
        overdispersed=overdispersed,
        lower_95=l95,
        upper_95=u95,
        lower_998=l998,
        upper_998=u998,
        flags=flags.tolist(),
        method=method,
    )
