"""Benchmark imroc.spc against PyPI peers (abspc, clinical-qikit, pyspc) and a bare NumPy floor.

Run it with ONE command from the repository root (it builds .venv-bench and runs this file):

    python3 benchmarks/run_spc_bench.py

Scenarios, on the same random data for every engine:
  (a) one series of 1,000,000 points;
  (b) 10,000 series of 100 points, all four rules plus the variation and assurance icons.
The floor is a bare NumPy pass over the same data: means and moving ranges only.
Peers that would run past the cap (~60 s) are timed on a subset and extrapolated linearly;
the output says so. Peers are never project dependencies.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from imroc import spc  # noqa: E402

VECTORS = ROOT.parent / "shared" / "spc" / "vectors.json"
CAP_SECONDS = 60.0
SEED = 20240601


class _NoAxes:
    """Stands in for matplotlib axes: pyspc's rules draw as they detect."""

    def plot(self, *args: Any, **kwargs: Any) -> None:
        """Draw nothing."""


def _best_of(fn: Callable[[], Any], repeats: int) -> float:
    """Median wall seconds of ``repeats`` runs after one warm-up."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# -- engines -------------------------------------------------------------------------------


def imroc_one(x: np.ndarray) -> tuple[str, str]:
    """imroc on one series: limits, four rules, icons."""
    r = spc.xmr_many([x], improvement="increase", target=50.0)[0]
    return r.variation, r.assurance


def imroc_many(series: list[np.ndarray]) -> list[tuple[str, str]]:
    """imroc on many series in one batch call, reading both icons of every series."""
    results = spc.xmr_many(series, improvement="increase", target=50.0)
    return [(r.variation, r.assurance) for r in results]


def floor_one(x: np.ndarray) -> tuple[float, float]:
    """Bare NumPy: mean and mean moving range of one series."""
    return float(x.mean()), float(np.abs(np.diff(x)).mean())


def floor_many(series: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Bare NumPy: per-series means and mean moving ranges over the concatenated data."""
    x = np.concatenate(series)
    lengths = np.fromiter(map(len, series), np.intp, len(series))
    starts = np.zeros(len(series), dtype=np.intp)
    np.cumsum(lengths[:-1], out=starts[1:])
    means = np.add.reduceat(x, starts) / lengths
    mr = np.abs(np.diff(x, prepend=x[0]))
    mr[starts] = 0.0
    return means, np.add.reduceat(mr, starts) / (lengths - 1)


def abspc_one(x: np.ndarray) -> tuple[str, str]:
    """abspc: limits, its four rules, variation and assurance icons."""
    import abspc
    import pandas as pd

    df = abspc.calculate_control_limits(pd.DataFrame({"value": x}), "xmr")
    df = abspc.detect_special_causes(df)
    return (
        abspc.determine_variation_type(df, improvement_direction="high"),
        abspc.determine_assurance_type(df, 50.0, improvement_direction="high"),
    )


def qikit_one(x: np.ndarray) -> bool:
    """clinical-qikit: I chart with Nelson rules (the method covering all four MDC rules)."""
    from qikit import qic

    return qic(y=x, chart="i", method="nelson").signals


def pyspc_one(x: np.ndarray) -> list[int]:
    """pyspc: X chart limits plus its BASIC rules (beyond 3 sigma, 7 on one side)."""
    import pyspc

    values, centre, lcl, ucl, _ = pyspc.xmr().plot(x, 1)
    rules = pyspc.rules()
    ax = _NoAxes()
    return rules.RULE_1_BEYOND_3SIGMA(ax, values, centre, lcl, ucl) + rules.RULE_7_ON_ONE_SIDE(
        ax, values, centre, lcl, ucl
    )


PEERS: dict[str, tuple[str, Callable[[np.ndarray], Any], str]] = {
    "abspc": ("abspc", abspc_one, "4 rules + both icons"),
    "qikit": ("clinical-qikit", qikit_one, "I chart, Nelson rules; no MDC icons"),
    "pyspc": ("pyspc", pyspc_one, "limits + 2 rules; no icons"),
}


# -- capped peer timing --------------------------------------------------------------------


def time_peer_long(fn: Callable[[np.ndarray], Any], x: np.ndarray, cap: float) -> tuple[float, str]:
    """Time one long series, growing a prefix while the full run would pass the cap."""
    size = min(10_000, x.size)
    while True:
        t0 = time.perf_counter()
        fn(x[:size])
        elapsed = time.perf_counter() - t0
        if size == x.size:
            return elapsed, "measured"
        predicted = elapsed * x.size / size
        if predicted <= cap:
            size = x.size
            continue
        if elapsed * 4 > cap / 4 or size * 4 >= x.size:
            return predicted, f"extrapolated from {size:,} points"
        size *= 4


def time_peer_many(
    fn: Callable[[np.ndarray], Any], series: list[np.ndarray], cap: float
) -> tuple[float, str]:
    """Time a loop over series, stopping at the cap and extrapolating from those done."""
    t0 = time.perf_counter()
    done = 0
    for s in series:
        fn(s)
        done += 1
        if time.perf_counter() - t0 > cap:
            break
    elapsed = time.perf_counter() - t0
    if done == len(series):
        return elapsed, "measured"
    return elapsed * len(series) / done, f"extrapolated from {done:,} series"


# -- agreement on the rnorm20 vector -------------------------------------------------------


def peer_limits(name: str, values: np.ndarray) -> tuple[float, float, float]:
    """(mean, lower, upper) limits from a peer on one series."""
    if name == "abspc":
        import abspc
        import pandas as pd

        df = abspc.calculate_control_limits(pd.DataFrame({"value": values}), "xmr")
        return float(df["mean"].iloc[0]), float(df["lcl"].iloc[0]), float(df["ucl"].iloc[0])
    if name == "qikit":
        from qikit import qic

        data = qic(y=values, chart="i").data
        return float(data["cl"].iloc[0]), float(data["lcl"].iloc[0]), float(data["ucl"].iloc[0])
    import pyspc

    _, centre, lcl, ucl, _ = pyspc.xmr().plot(values, 1)
    return float(centre), float(lcl), float(ucl)


def main() -> int:
    """Run the benchmark and print a report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data, short cap (a smoke run)")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    n_long, n_series, length = (1_000_000, 10_000, 100)
    cap = CAP_SECONDS
    if args.quick:
        n_long, n_series, cap = 100_000, 1_000, 5.0
    rng = np.random.default_rng(SEED)
    long_series = rng.normal(50.0, 5.0, n_long)
    many = [rng.normal(50.0, 5.0, length) for _ in range(n_series)]

    print("imroc.spc benchmark")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} cores, {platform.platform()}"
    )
    versions = {}
    for key, (dist, _, _) in PEERS.items():
        try:
            versions[key] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[key] = None
    print(
        "peers: "
        + ", ".join(f"{d} {versions[k] or 'NOT INSTALLED'}" for k, (d, _, _) in PEERS.items())
    )
    print()

    rows: list[tuple[str, str, float, str]] = []
    a_imroc = _best_of(lambda: imroc_one(long_series), args.repeats)
    a_floor = _best_of(lambda: floor_one(long_series), args.repeats)
    b_imroc = _best_of(lambda: imroc_many(many), args.repeats)
    b_floor = _best_of(lambda: floor_many(many), args.repeats)
    a_label = f"(a) 1 series x {n_long:,}"
    b_label = f"(b) {n_series:,} series x {length}"
    rows += [(a_label, "imroc", a_imroc, "measured, median of runs")]
    rows += [(a_label, "numpy floor", a_floor, "mean + moving ranges only")]
    peer_times: dict[tuple[str, str], float] = {}
    for key, (dist, fn, what) in PEERS.items():
        if versions[key] is None:
            continue
        fn(many[0])  # warm up imports
        seconds, how = time_peer_long(fn, long_series, cap)
        peer_times[(a_label, key)] = seconds
        rows.append((a_label, dist, seconds, f"{how}; {what}"))
    rows += [(b_label, "imroc", b_imroc, "measured, median of runs; one batch call")]
    rows += [(b_label, "numpy floor", b_floor, "concatenate + means + moving ranges only")]
    for key, (dist, fn, what) in PEERS.items():
        if versions[key] is None:
            continue
        seconds, how = time_peer_many(fn, many, cap)
        peer_times[(b_label, key)] = seconds
        rows.append((b_label, dist, seconds, f"{how}; {what}"))

    width = max(len(r[1]) for r in rows)
    print(f"{'scenario':<26} {'engine':<{width}} {'seconds':>10}  note")
    for scenario, engine, seconds, note in rows:
        print(f"{scenario:<26} {engine:<{width}} {seconds:>10.4f}  {note}")
    print()
    print("ratios (how many times imroc's wall time the other engine took; floor: imroc/floor)")
    for label, ours, floor in ((a_label, a_imroc, a_floor), (b_label, b_imroc, b_floor)):
        parts = [f"imroc/floor = {ours / floor:.1f}x"]
        for key, (dist, _, _) in PEERS.items():
            if (label, key) in peer_times:
                parts.append(f"{dist}/imroc = {peer_times[(label, key)] / ours:,.0f}x")
        print(f"  {label}: " + "; ".join(parts))
    print()

    vector = next(
        v for v in json.loads(VECTORS.read_text())["xmr_limits"] if v["name"] == "rnorm20"
    )
    values = np.array(vector["values"])
    ours = spc.xmr(values)
    mine = (ours.mean, ours.lpl, ours.upl)
    print(
        f"limits on rnorm20: imroc mean={mine[0]:.6f} lpl={mine[1]:.6f} upl={mine[2]:.6f} "
        f"(reference {vector['expected']})"
    )
    for key, (dist, _, _) in PEERS.items():
        if versions[key] is None:
            continue
        theirs = peer_limits(key, values)
        diff = max(abs(a - b) for a, b in zip(mine, theirs, strict=True))
        verdict = "agree" if diff <= 1e-3 else "DISAGREE"
        print(
            f"  {dist}: mean={theirs[0]:.6f} lcl={theirs[1]:.6f} ucl={theirs[2]:.6f} "
            f"max |diff|={diff:.2e} -> {verdict} (tolerance 1e-3; peers use 3/1.128, not 2.66)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
