"""docs/security.md names every public entry point, and only ones that exist.

The threat model's table of public entry points lists each page open to everyone (a view
marked ``public_view``) by its address pattern, with ``<name>`` for each changing part. This
walks the URLconf, so a new public page fails here until the document says how it is protected.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

DOC = Path(__file__).resolve().parents[1] / "docs" / "security.md"
SECTION = "## Public entry points"
ROW = re.compile(r"^\|\s*`(/[^`]*)`\s*\|")
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def public_routes() -> set[str]:
    """Each public_view route as an address: /colleges/<site>/runs/<run>/enrol/."""
    found = set()
    for route, callback in _walk(get_resolver().url_patterns):
        access = getattr(callback, "imroc_access", None)
        if access and access[0] == "public":
            found.add("/" + CONVERTER.sub(r"<\1>", route))
    return found


def documented_routes(text: str) -> set[str]:
    """The addresses in the first column of the public entry points table."""
    start = text.index(SECTION) + len(SECTION)
    end = text.find("\n## ", start)
    section = text[start : end if end != -1 else None]
    return {m.group(1) for line in section.splitlines() if (m := ROW.match(line))}


def test_the_walk_finds_the_public_routes():
    routes = public_routes()
    # Guards the walk itself: a few that must always be there.
    assert {"/accounts/login/", "/colleges/<site>/runs/<run>/enrol/", "/r/<link_token>/"} <= routes


def test_every_public_route_is_in_the_threat_model():
    missing = public_routes() - documented_routes(DOC.read_text())
    assert not missing, (
        "Public pages not described in docs/security.md (add a row under "
        f"'{SECTION}' saying how each is protected): {sorted(missing)}"
    )


def test_the_threat_model_names_no_route_that_is_gone():
    gone = documented_routes(DOC.read_text()) - public_routes()
    assert not gone, f"docs/security.md names public pages that no longer exist: {sorted(gone)}"


def test_the_rate_limits_section_is_there_for_the_limits_table():
    text = DOC.read_text()
    assert "## Rate limits" in text
    assert "`settings.RATE_LIMITS` holds them." in text


def test_documented_routes_reads_only_its_own_section():
    text = (
        "## Public entry points\n\n| address | what |\n|---|---|\n| `/a/<x>/` | one |\n"
        "\n## Other\n\n| `/b/` | not a public route row |\n"
    )
    assert documented_routes(text) == {"/a/<x>/"}


def test_every_rate_limit_is_in_the_table_with_its_default():
    from imroc.core.ratelimit import LIMITS

    text = DOC.read_text()
    start = text.index("## Rate limits")
    section = text[start : text.index("\n## ", start + 1)]
    rows = {
        m.group(1): m.group(2)
        for line in section.splitlines()
        if (m := re.match(r"^\|\s*`([\w-]+)`\s*\|[^|]*\|\s*(\d+) tr", line))
    }
    assert rows == {name: str(tries) for name, (_counts, tries, _seconds) in LIMITS.items()}
