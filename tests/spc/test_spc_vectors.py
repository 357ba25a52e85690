"""The public test vectors of shared/spc/vectors.json (from NHSRplotthedots 0.2.2).

A copy lives beside this file so the suite runs in any clone; when ../shared is there too,
a test checks the copy still matches it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from imroc import spc
from imroc.spc import _rules

VECTORS_PATH = Path(__file__).resolve().parent / "vectors.json"
SHARED_PATH = Path(__file__).resolve().parents[3] / "shared" / "spc" / "vectors.json"
VECTORS = json.loads(VECTORS_PATH.read_text())


def _half_last_digit(expected: float) -> float:
    """Half a unit in the last printed decimal place of a rounded reference value."""
    exponent = Decimal(repr(expected)).as_tuple().exponent
    return 0.5 * 10.0 ** int(exponent) + 1e-12


@pytest.mark.parametrize("case", VECTORS["xmr_limits"], ids=lambda c: c["name"])
def test_xmr_limits(case: dict) -> None:
    result = spc.xmr(
        case["values"], improvement=case.get("improvement", "increase"), screen=case["screen"]
    )
    expected = case.get("expected") or case["expected_approx"]
    for key in ("mean", "lpl", "upl"):
        got = getattr(result, key)
        assert abs(got - expected[key]) <= _half_last_digit(expected[key]), (key, got)
    if case.get("all_common_cause"):
        assert set(result.point_types) == {"common_cause"}
    if "trial" in case.get("note", ""):
        assert len(case["values"]) < 13
        assert result.groups[-1].trial is True
        assert (result.variation, result.assurance) == ("none", "none")
    if "special_cause_indexes" in case:
        special = [i for i, t in enumerate(result.point_types) if t != "common_cause"]
        assert special == case["special_cause_indexes"]
        for i in special:
            assert result.point_types[i] == case["special_cause_type"]


def test_rnorm20_exact_figures() -> None:
    result = spc.xmr(VECTORS["xmr_limits"][0]["values"])
    assert result.mean == pytest.approx(0.1416238035, abs=1e-10)
    assert result.lpl == pytest.approx(-3.0113795941, abs=1e-9)
    assert result.upl == pytest.approx(3.2946272011, abs=1e-9)


def _rules_only(values: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """Run the rules with the centre at 0 and limits out of reach."""
    x = np.asarray(values, dtype=float)
    inf = float("inf")
    return _rules.evaluate_rules(x, 0.0, -inf, inf, -inf, inf, start=None)


def _vector(rule_prefix: str) -> dict:
    return next(v for v in VECTORS["rule_functions"] if v["rule"] == rule_prefix)


def test_shift_vector() -> None:
    case = next(v for v in VECTORS["rule_functions"] if v["rule"].startswith("shift"))
    rule, high = _rules_only(case["signs"])
    flagged = rule == _rules.RULE_SHIFT
    # The reference flags the 7th and later points; all points of the run are labelled.
    marked_at_end = np.array(case["expected_flag_at_run_end"], dtype=bool)
    assert flagged[marked_at_end].all()
    assert flagged.tolist() == [True] * 8 + [False]
    assert high[flagged].all()


def test_trend_vectors() -> None:
    rule, high = _rules_only(_vector("trend 7")["values"])
    assert (rule == _rules.RULE_TREND).all() and high.all()

    rule, _ = _rules_only(_vector("trend 7 with a tie")["values"])
    assert not (rule == _rules.RULE_TREND).any()

    # Shift the decreasing run below zero so only the trend applies to its side.
    rule, high = _rules_only(_vector("trend 7 decreasing")["values"])
    assert (rule == _rules.RULE_TREND).all() and not high.any()


@pytest.mark.parametrize("case", VECTORS["assurance"], ids=lambda c: f"{c['lpl']}-{c['upl']}")
@pytest.mark.parametrize("direction", ["increase", "decrease"])
def test_assurance_vectors(case: dict, direction: str) -> None:
    _, assurance = _rules.icon_codes(
        np.array([0], dtype=np.int8),
        np.array([False]),
        np.array([13]),
        np.array([_rules.DIR_CODES[direction]], dtype=np.int8),
        np.array([float(case["target"])]),
        np.array([float(case["lpl"])]),
        np.array([float(case["upl"])]),
        13,
    )
    assert spc.ASSURANCES[int(assurance[0])] == case[direction]


def test_the_copy_matches_the_shared_vectors():
    if not SHARED_PATH.exists():
        pytest.skip("../shared is not beside this clone")
    assert json.loads(SHARED_PATH.read_text()) == json.loads(VECTORS_PATH.read_text())
