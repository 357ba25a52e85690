"""The hazard log's evidence must point at tests that exist, so the log cannot rot.

docs/safety/hazard-log.md has a table of hazards; its Evidence column names tests as
`tests/<file>.py::<test name>`. Each must be a file in this repository that defines that test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "docs" / "safety" / "hazard-log.md"
REFERENCE = re.compile(r"(tests/[\w/]+\.py)::(\w+)")
COLUMNS = [
    "ID", "Hazard", "Cause", "Effect on people who use services / staff", "Initial S / L / R",
    "Controls", "Evidence", "Residual S / L / R",
]  # fmt: skip
# The DCB0129 matrix: RISK[likelihood][severity], both 1 to 5.
RISK = {
    5: [3, 4, 4, 5, 5],
    4: [2, 3, 3, 4, 5],
    3: [2, 2, 3, 3, 4],
    2: [1, 2, 2, 3, 4],
    1: [1, 1, 2, 2, 3],
}


def _hazards() -> list[dict[str, str]]:
    rows, header = [], None
    for line in LOG.read_text().splitlines():
        if not line.startswith("|"):
            header = None  # a table ends at the first line that is not a row
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "ID":
            header = cells
        elif header and not set(cells[0]) <= {"-"}:
            rows.append(dict(zip(header, cells, strict=True)))
    return rows


def _defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def test_the_log_has_a_hazard_table():
    hazards = _hazards()
    assert len(hazards) >= 10
    assert list(hazards[0]) == COLUMNS
    ids = [h["ID"] for h in hazards]
    assert len(ids) == len(set(ids)), "hazard ids must be unique"


def test_every_hazard_has_controls_and_evidence():
    for hazard in _hazards():
        assert hazard["Controls"], f"{hazard['ID']} has no controls"
        assert REFERENCE.search(hazard["Evidence"]), f"{hazard['ID']} names no test as evidence"


def test_every_evidence_reference_is_a_test_that_exists():
    problems = []
    for hazard in _hazards():
        for file, name in REFERENCE.findall(hazard["Evidence"]):
            path = ROOT / file
            if not path.is_file():
                problems.append(f"{hazard['ID']}: {file} does not exist")
            elif name not in _defined_tests(path):
                problems.append(f"{hazard['ID']}: {file} defines no {name}")
            elif not name.startswith("test_"):
                problems.append(f"{hazard['ID']}: {name} is not a test")
    assert not problems, "\n".join(problems)


def test_risk_ratings_follow_the_matrix_and_controls_do_not_raise_risk():
    for hazard in _hazards():
        ratings = []
        for column in ("Initial S / L / R", "Residual S / L / R"):
            severity, likelihood, risk = (int(x) for x in hazard[column].split("/"))
            assert RISK[likelihood][severity - 1] == risk, (
                f"{hazard['ID']} {column}: severity {severity} and likelihood {likelihood} "
                f"give risk {RISK[likelihood][severity - 1]}, not {risk}"
            )
            ratings.append(risk)
        assert ratings[1] <= ratings[0], f"{hazard['ID']}: residual risk is above initial"
        assert ratings[1] <= 2, f"{hazard['ID']}: residual risk above 2 needs an argued case"


def test_reference_pattern_finds_names():
    # Guards the parser: a reference with "::" must be read whole.
    assert REFERENCE.findall("a; tests/x/test_y.py::test_z; b") == [("tests/x/test_y.py", "test_z")]
