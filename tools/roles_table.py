#!/usr/bin/env python3
"""Write the page-by-page table of docs/roles.md from the routes' access markers.

Usage: .venv/bin/python tools/roles_table.py [--check]

Every route carries a marker (site_view, programme_view, signed_in_view or public_view) that
says who may open it. This prints the table of docs/roles.md between its two markers, or,
with --check, exits 1 when the document no longer matches the code. tests/test_project.py
runs the check, so the role table cannot drift from what the code enforces.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "roles.md"
START, END = "<!-- routes:start -->", "<!-- routes:end -->"

SITE_LEVELS = {
    1: "site viewer, partner, member, lead; programme team (read only)",
    2: "lived-experience partner, member, lead",
    3: "member, lead",
    4: "lead",
}
PROGRAMME_LEVELS = {1: "programme viewer, programme admin", 2: "programme admin"}


def _routes():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, route, ns)
            elif isinstance(entry, URLPattern):
                yield route, f"{namespace}{entry.name}", entry.callback

    for route, name, callback in walk(get_resolver().url_patterns):
        if name.startswith("api:") or route.startswith("api/"):
            continue  # the API checks each token's roles per operation (tests/api)
        yield "/" + route, name, getattr(callback, "imroc_access", None)


def who(access) -> str:
    if access is None:
        return "NO MARKER"
    kind, level = access
    if kind == "public":
        return "everyone, signed in or not"
    if kind == "signed_in":
        return "anyone signed in (their own things only)"
    if kind == "site":
        return SITE_LEVELS[int(level)]
    return PROGRAMME_LEVELS[int(level)]


def table() -> str:
    rows = sorted(_routes())
    lines = ["| page | name | who can open it |", "|---|---|---|"]
    for route, name, access in rows:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        lines.append(f"| `{path}` | `{name}` | {who(access)} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imroc.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    generated = table()
    if "--check" not in argv:
        print(generated)
        return 0
    text = DOC.read_text()
    current = text.split(START, 1)[1].split(END, 1)[0].strip()
    if current != generated:
        print(
            "docs/roles.md does not match the routes' access markers. Run "
            "'.venv/bin/python tools/roles_table.py' and paste its table between the markers."
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
