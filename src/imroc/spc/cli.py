"""The ``imroc spc`` command: an XmR chart of a ``date,value`` CSV file, as JSON or a table.

It needs no database, settings or environment variables. Bad input gets one line on stderr,
``imroc spc: error: ...``, and exit status 2; it never prints a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import re
import sys
from datetime import date
from typing import Any, NoReturn

from ._xmr import XmrResult, xmr
from .constants import IMPROVEMENTS, MIN_FIX_AFTER

PROG = "imroc spc"
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


class InputError(Exception):
    """Bad input: reported as one line and exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, like every other error here."""

    def error(self, message: str) -> NoReturn:
        """Print one line and exit 2."""
        self.exit(2, f"{self.prog}: error: {message}\n")


def _finite_float(text: str) -> float:
    """Parse a finite number for --target."""
    if not _NUMBER.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"not a number: {text!r}")
    value = float(text)
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def _parse_date(text: str) -> date:
    """Parse an ISO 8601 calendar date."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 date (YYYY-MM-DD)") from None


def _iso_date(text: str) -> date:
    """argparse type for --rebase."""
    try:
        return _parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"rebase date {exc}") from None


def build_parser() -> argparse.ArgumentParser:
    """The command's argument parser."""
    parser = _Parser(
        prog=PROG,
        description="XmR chart (NHS Making Data Count rules) of a CSV file with date,value.",
    )
    parser.add_argument("input", metavar="INPUT.csv", help="CSV with a date,value header")
    parser.add_argument("--chart", choices=["xmr"], default="xmr", help="chart type")
    parser.add_argument(
        "--improvement", choices=IMPROVEMENTS, default="increase", help="improvement direction"
    )
    parser.add_argument("--target", type=_finite_float, help="target for the assurance icon")
    parser.add_argument(
        "--fix-after", type=int, metavar="N", help="fix limits after N points (N >= 12)"
    )
    parser.add_argument(
        "--rebase",
        type=_iso_date,
        action="append",
        default=[],
        metavar="YYYY-MM-DD",
        help="start a new group at this date (repeatable)",
    )
    parser.add_argument(
        "--no-screen", action="store_true", help="keep every moving range (MDC Excel tool)"
    )
    parser.add_argument("--format", choices=["json", "table"], default="json")
    return parser


def _read_text(path: str) -> str:
    """Read the input file (``-`` for stdin) as UTF-8."""
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None


def read_series(text: str) -> tuple[list[date], list[float]]:
    """Parse ``date,value`` CSV text into ascending dates and finite values."""
    if not text.strip():
        raise InputError("the input file is empty")
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as exc:
        raise InputError(f"cannot read CSV: {exc}") from None
    header = [name.strip().lower() for name in rows[0]]
    missing = [name for name in ("date", "value") if name not in header]
    if missing:
        raise InputError(f"missing column {missing[0]!r} (the header must be date,value)")
    di, vi = header.index("date"), header.index("value")
    dates: list[date] = []
    values: list[float] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(di, vi):
            raise InputError(f"line {line}: expected a date and a value")
        raw_date, raw_value = row[di].strip(), row[vi].strip()
        try:
            when = _parse_date(raw_date)
        except ValueError as exc:
            raise InputError(f"line {line}: date {exc}") from None
        if not _NUMBER.fullmatch(raw_value):
            raise InputError(f"line {line}: value {raw_value!r} is not a number")
        value = float(raw_value)
        if not math.isfinite(value):
            raise InputError(f"line {line}: value {raw_value!r} is not a finite number")
        if dates and when == dates[-1]:
            raise InputError(f"line {line}: duplicate date {when.isoformat()}")
        if dates and when < dates[-1]:
            raise InputError(f"line {line}: date {when.isoformat()} is before the previous date")
        dates.append(when)
        values.append(value)
    if len(values) < 2:
        raise InputError(f"too few points: need at least 2, got {len(values)}")
    return dates, values


def _rebase_indices(dates: list[date], rebases: list[date]) -> list[int]:
    """Map rebase dates to point indices; each must be one of the input dates."""
    where = {d: i for i, d in enumerate(dates)}
    indices = []
    for when in rebases:
        if when not in where:
            raise InputError(f"rebase date {when.isoformat()} is not one of the input dates")
        indices.append(where[when])
    return sorted(set(indices))


def _number(value: float) -> float | None:
    """JSON-safe number: NaN and infinity become null."""
    return value if math.isfinite(value) else None


def to_json(result: XmrResult, dates: list[date]) -> dict[str, Any]:
    """The JSON object of the command contract."""
    groups = result.groups
    group_of = result.group_index.tolist()
    points = [
        {
            "date": when.isoformat(),
            "value": value,
            "group": group,
            "point_type": point_type,
            "rule": rule,
            "side": side,
        }
        for when, value, group, point_type, rule, side in zip(
            dates,
            result.values.tolist(),
            group_of,
            result.point_types,
            result.rules,
            result.sides,
            strict=True,
        )
    ]
    return {
        "chart": "xmr",
        "groups": [
            {
                "start": dates[g.start].isoformat(),
                "n": g.n,
                "mean": _number(g.mean),
                "lpl": _number(g.lpl),
                "upl": _number(g.upl),
                "trial": g.trial,
                "mr_bar": _number(g.mr_bar),
                "lnl": _number(g.lnl),
                "unl": _number(g.unl),
            }
            for g in groups
        ],
        "points": points,
        "variation": result.variation,
        "assurance": result.assurance,
    }


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    """Align rows into columns (numbers right-aligned)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def to_table(doc: dict[str, Any]) -> str:
    """A readable aligned text table: groups, then points, then the icons."""

    def fmt(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:.6g}"
        return str(value)

    group_rows = [["group", "start", "n", "mean", "lpl", "upl", "trial"]]
    for i, g in enumerate(doc["groups"]):
        group_rows.append(
            [str(i)] + [fmt(g[k]) for k in ("start", "n", "mean", "lpl", "upl", "trial")]
        )
    point_rows = [["date", "value", "group", "point_type", "rule"]]
    for p in doc["points"]:
        point_rows.append([fmt(p[k]) for k in ("date", "value", "group", "point_type", "rule")])
    lines = ["Groups", *_table(group_rows, {0, 2, 3, 4, 5}), ""]
    lines += ["Points", *_table(point_rows, {1, 2}), ""]
    lines += [f"Variation: {doc['variation']}", f"Assurance: {doc['assurance']}"]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> str:
    """Compute the chart for parsed arguments and return the output text."""
    dates, values = read_series(_read_text(args.input))
    if args.fix_after is not None:
        if args.fix_after < MIN_FIX_AFTER:
            raise InputError(f"--fix-after must be at least {MIN_FIX_AFTER}, got {args.fix_after}")
        if args.fix_after > len(values):
            raise InputError(
                f"--fix-after {args.fix_after} is more than the {len(values)} points in the input"
            )
    rebase_at = _rebase_indices(dates, args.rebase)
    result = xmr(
        values,
        improvement=args.improvement,
        target=args.target,
        screen=not args.no_screen,
        fix_after=args.fix_after,
        rebase_at=rebase_at,
    )
    doc = to_json(result, dates)
    if args.format == "table":
        return to_table(doc)
    return json.dumps(doc, allow_nan=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``imroc spc``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        output = run(args)
    except InputError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, OverflowError) as exc:
        print(f"{PROG}: error: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    except Exception as exc:
        print(
            f"{PROG}: error: internal error: {type(exc).__name__}: {exc}".splitlines()[0],
            file=sys.stderr,
        )
        return 1
    sys.stdout.write(output)
    return 0
