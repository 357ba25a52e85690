"""The ``imroc spc`` command, run as ``python -m imroc.spc`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from imroc.spc import cli

SRC = Path(__file__).resolve().parents[2] / "src"
RNORM20 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.2240818, 0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.7013559, -0.47279141,
]  # fmt: skip


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "imroc.spc", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def write_csv(path: Path, values: list[float], start: date = date(2021, 1, 4)) -> Path:
    rows = ["date,value"] + [f"{start + timedelta(weeks=i)},{v!r}" for i, v in enumerate(values)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_json_output_matches_the_contract(tmp_path: Path) -> None:
    result = run(str(write_csv(tmp_path / "in.csv", RNORM20)))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    assert list(doc)[:5] == ["chart", "groups", "points", "variation", "assurance"]
    assert doc["chart"] == "xmr"
    (group,) = doc["groups"]
    assert {"start", "n", "mean", "lpl", "upl", "trial"} <= set(group)
    assert group["start"] == "2021-01-04" and group["n"] == 20 and group["trial"] is False
    assert group["mean"] == pytest.approx(0.1416238, abs=1e-7)
    assert group["lpl"] == pytest.approx(-3.01138, abs=1e-5)
    assert group["upl"] == pytest.approx(3.294627, abs=1e-6)
    first = doc["points"][0]
    assert first == first | {
        "date": "2021-01-04",
        "value": -0.56047565,
        "group": 0,
        "point_type": "common_cause",
        "rule": None,
    }
    assert len(doc["points"]) == 20
    assert doc["variation"] == "common_cause" and doc["assurance"] == "none"
    assert "NaN" not in result.stdout


def test_full_precision_numbers(tmp_path: Path) -> None:
    doc = json.loads(run(str(write_csv(tmp_path / "in.csv", RNORM20))).stdout)
    from imroc import spc

    expected = spc.xmr(RNORM20)
    assert doc["groups"][0]["mean"] == expected.mean
    assert doc["groups"][0]["upl"] == expected.upl


def test_options_rebase_target_direction_and_fix_after(tmp_path: Path) -> None:
    values = [10.0, 12.0] * 8 + [30.0, 32.0] * 8
    path = write_csv(tmp_path / "in.csv", values)
    rebase_date = str(date(2021, 1, 4) + timedelta(weeks=16))
    result = run(str(path), "--rebase", rebase_date, "--target", "20", "--improvement", "decrease")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [g["start"] for g in doc["groups"]] == ["2021-01-04", rebase_date]
    assert [g["mean"] for g in doc["groups"]] == [11.0, 31.0]
    assert doc["points"][16]["group"] == 1
    assert doc["assurance"] == "fail"
    fixed = json.loads(run(str(path), "--fix-after", "12").stdout)
    assert fixed["groups"][0]["mean"] == 11.0
    assert fixed["points"][-1]["rule"] == "astronomical"
    assert fixed["points"][-1]["point_type"] == "special_cause_improvement"
    assert fixed["variation"] == "improvement_high"


def test_no_screen_reproduces_the_excel_tool(tmp_path: Path) -> None:
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    path = write_csv(tmp_path / "in.csv", [float(v) for v in values])
    screened = json.loads(run(str(path)).stdout)["groups"][0]
    unscreened = json.loads(run(str(path), "--no-screen").stdout)["groups"][0]
    assert screened["upl"] == pytest.approx(4.604444, abs=1e-6)
    assert unscreened["upl"] == pytest.approx(6.951503, abs=1e-6)


def test_table_format(tmp_path: Path) -> None:
    result = run(str(write_csv(tmp_path / "in.csv", RNORM20)), "--format", "table")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Groups"
    assert lines[1].split() == ["group", "start", "n", "mean", "lpl", "upl", "trial"]
    assert "Points" in lines
    assert lines[-1] == "Assurance: none"
    header = lines[lines.index("Points") + 1]
    assert header.split() == ["date", "value", "group", "point_type", "rule"]


def test_trial_and_one_point_group_emit_no_nan(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", RNORM20[:5])
    last_date = str(date(2021, 1, 4) + timedelta(weeks=4))
    result = run(str(path), "--rebase", last_date)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["groups"][0]["trial"] is True
    assert doc["groups"][1]["lpl"] is None and doc["groups"][1]["upl"] is None
    assert doc["variation"] == "none"


BAD_INPUTS = {
    "empty": "",
    "header_only": "date,value\n",
    "missing_column": "date,amount\n2021-01-01,1\n2021-01-02,2\n",
    "non_numeric": "date,value\n2021-01-01,1\n2021-01-02,abc\n",
    "unparseable_date": "date,value\n2021-01-01,1\n01/02/2021,2\n",
    "unsorted": "date,value\n2021-01-02,1\n2021-01-01,2\n",
    "duplicate_date": "date,value\n2021-01-01,1\n2021-01-01,2\n",
    "one_point": "date,value\n2021-01-01,1\n",
    "infinite": "date,value\n2021-01-01,1\n2021-01-02,inf\n",
    "nan": "date,value\n2021-01-01,1\n2021-01-02,NaN\n",
    "overflow": "date,value\n2021-01-01,1\n2021-01-02,1e999\n",
    "missing_value": "date,value\n2021-01-01,1\n2021-01-02\n",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gets_one_line_and_status_2(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_text(BAD_INPUTS[name])
    result = run(str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("imroc spc: error: ")


@pytest.mark.parametrize(
    "args",
    [
        ["--fix-after", "11"],
        ["--fix-after", "21"],
        ["--fix-after", "x"],
        ["--rebase", "2021-02-30"],
        ["--rebase", "1999-01-01"],
        ["--improvement", "up"],
        ["--target", "nan"],
        ["--chart", "pie"],
        ["--format", "xml"],
    ],
)
def test_bad_options_get_one_line_and_status_2(tmp_path: Path, args: list[str]) -> None:
    result = run(str(write_csv(tmp_path / "in.csv", RNORM20)), *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("imroc spc: error: ")


def test_missing_file_and_no_arguments() -> None:
    for args in (["/nonexistent/in.csv"], []):
        result = run(*args)
        assert result.returncode == 2
        assert result.stderr.startswith("imroc spc: error: ")
        assert result.stderr.count("\n") == 1


def test_main_can_be_called_in_process(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = write_csv(tmp_path / "in.csv", RNORM20)
    assert cli.main([str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["chart"] == "xmr"
    assert cli.main([str(tmp_path / "nope.csv")]) == 2
    assert capsys.readouterr().err.startswith("imroc spc: error: ")
