#!/usr/bin/env python3
"""Flag direct ``Model.objects`` use in views. Views read through ``request.site`` and queries.py.

Usage: python3 tools/lint_scoping.py [PATH ...]   (default: src/imroc)
Exit status 1 when something is flagged, listing each place as FILE:LINE.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def view_files(root: Path) -> list[Path]:
    files = list(root.rglob("views.py"))
    files += list(root.rglob("views/*.py"))
    return sorted(set(files))


def problems_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {
            "objects",
            "_base_manager",
            "_default_manager",
        }:
            owner = ast.unparse(node.value)
            found.append(
                f"{path}:{node.lineno}: {owner}.{node.attr} used in a view; "
                "read through request.site or the app's queries.py"
            )
    return found


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or [Path(__file__).resolve().parent.parent / "src" / "imroc"]
    problems = [p for root in roots for f in view_files(root) for p in problems_in(f)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
