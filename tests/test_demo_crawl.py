"""Load the demo and follow every kind of link as each demo user: no page may fail.

A smoke test over real data, so a template or query that breaks only with a full programme
(a review with a score, a cohort with posts) is caught before a person meets it. No link or
button may lead its viewer to a 403 either: actions a person cannot take are not shown.
"""

from __future__ import annotations

import collections
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

# Every page, with the stylesheets and scripts it loads, must stay small enough for an old
# phone on a poor connection (issue 12): HTML + CSS + JS, excluding user uploads.
PAGE_BUDGET_BYTES = 150 * 1024
# Printable reports put every chart of a site or the network on one page; they are read once
# per board meeting rather than on every visit, so they have a larger budget of their own.
REPORT_BUDGET_BYTES = 300 * 1024
REPORT = re.compile(r"/reports/[a-z]+\.html(\?|$)")
ASSET = re.compile(r'<(?:link[^>]*href|script[^>]*src)="(/static/[^"]+)"')
EXTERNAL = re.compile(r'<(?:link|script|img|iframe|source)[^>]*(?:href|src)="(?:https?:)?//', re.I)


def _asset_bytes(path: str) -> int:
    from django.contrib.staticfiles import finders

    found = finders.find(path.removeprefix("/static/").split("?")[0])
    assert found, f"missing static file {path}"
    with open(found, "rb") as handle:
        return len(handle.read())


def page_weight(html: str) -> int:
    """The bytes a browser fetches for a page: its HTML and every stylesheet and script."""
    return len(html.encode()) + sum(_asset_bytes(p) for p in set(ASSET.findall(html)))


# Links that download files or leave the session are followed by their own tests.
SKIP = re.compile(r"/accounts/logout/|\.json$|\.csv$|/file/$|export|^/r/|[?&]format=")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _crawl(client: Client, start: str, limit: int) -> tuple[int, list[tuple[int, str]]]:
    """Breadth-first over same-site links, visiting at most two links of each shape."""
    seen: set[str] = set()
    queue = collections.deque([start])
    shapes: collections.Counter = collections.Counter()
    failures = []
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code >= 500 or response.status_code == 403:
            failures.append((response.status_code, path))
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        weight = page_weight(html)
        # The API's interactive docs are a developer's tool built on Swagger UI's script; the
        # schema at /api/v1/openapi.json is the plain alternative. Every other page has a budget.
        if path.startswith("/api/"):
            pass
        elif weight > (REPORT_BUDGET_BYTES if REPORT.search(path) else PAGE_BUDGET_BYTES):
            failures.append((f"{weight} bytes, over the page budget", path))
        if EXTERNAL.search(html):
            failures.append(("loads something from another site", path))
        # A button's form is checked, not sent: a GET to a POST-only address answers 405 to
        # someone allowed to use it, and 403 to someone shown a button they cannot use.
        for action in re.findall(r'<form[^>]*method="post"[^>]*action="(/[^"#]*)"', html, re.I):
            action = action.replace("&amp;", "&")
            shape = UUID.sub("ID", action.split("?")[0])
            if shapes["form " + shape] >= 1 or SKIP.search(action):
                continue
            shapes["form " + shape] += 1
            if client.get(action).status_code == 403:
                failures.append((403, f"the form on {path} posts to {action}"))
        for href in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
            href = href.replace("&amp;", "&")
            shape = UUID.sub("ID", href.split("?")[0])
            if SKIP.search(href) or href.startswith("/static/") or shapes[shape] >= 2:
                continue
            shapes[shape] += 1
            queue.append(href)
    return len(seen), failures


@pytest.mark.django_db
def test_every_demo_page_opens_for_every_demo_user():
    call_command("demo", allow_in_production=True, stdout=StringIO())
    report = {}
    for username in (
        "site-lead-1",
        "site-lead-2",
        "partner-1",
        "viewer-1",
        "programme-admin",
        None,
    ):
        client = Client()
        if username:
            assert client.login(username=username, password="recovery-demo")
            start = "/"
        else:
            start = "/colleges/ashdown-vale-nhs-foundation-trust/"
        visited, failures = _crawl(client, start, limit=160)
        assert visited > (10 if username else 3), (username, visited)
        if failures:
            report[username or "anonymous"] = failures
    assert not report, report


FORM = re.compile(r'<form[^>]*method="post"[^>]*>(.*?)</form>', re.S | re.I)
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*name="([^"]+)"', re.I)
JUNK = [
    "",
    "x" * 5000,
    "-1",
    "9" * 30,
    "2011-02-30",
    "<script>alert(1)</script>",
    "../../etc/passwd",
]


@pytest.mark.django_db
def test_no_form_in_the_demo_fails_on_junk():
    """Every form a site lead or the programme admin can reach, sent empty or full of junk: a
    message or a refusal, never a server error."""
    call_command("demo", allow_in_production=True, stdout=StringIO())
    failures = []
    for username in ("site-lead-1", "programme-admin"):
        client = Client(raise_request_exception=False)
        assert client.login(username=username, password="recovery-demo")
        pages = collections.deque(["/"])
        seen: set[str] = set()
        shapes: collections.Counter = collections.Counter()
        while pages and len(seen) < 120:
            path = pages.popleft()
            if path in seen:
                continue
            seen.add(path)
            response = client.get(path, follow=True)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            body = response.content.decode()
            for form in FORM.findall(body):
                names = [n for n in FIELD.findall(form) if n != "csrfmiddlewaretoken"]
                for junk in JUNK:
                    answer = client.post(path, dict.fromkeys(names, junk))
                    if answer.status_code >= 500:
                        failures.append((username, path, junk[:20]))
            for href in re.findall(r'href="(/[^"#]*)"', body):
                shape = UUID.sub("ID", href.split("?")[0])
                if SKIP.search(href) or href.startswith("/static/") or shapes[shape] >= 1:
                    continue
                shapes[shape] += 1
                pages.append(href.replace("&amp;", "&"))
    assert not failures, "\n".join(sorted({f"{u} {p} {j!r}" for u, p, j in failures}))
