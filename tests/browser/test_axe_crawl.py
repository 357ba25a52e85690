"""axe on every kind of page in the demo, as each kind of user, in English and in Welsh.

The journeys check the pages people pass through; this walks everything else a demo user can
reach: one page of each shape (a list, a detail, a form, an error), with the same checks as
every other browser test: a meaningful title, one h1, no WCAG 2.2 AA violation, and no
sideways scrolling at 400% zoom.
"""

from __future__ import annotations

import collections
import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from playwright.sync_api import expect

from tests.browser.conftest import check_page
from tests.test_demo_crawl import SKIP, UUID

# What a page says and how it is built does not depend on the database; this long walk runs
# once, on SQLite, and the journeys check the same pages on PostgreSQL too.
pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the walk checks HTML; once is enough"
)

SITE = "ashdown-vale-nhs-foundation-trust"
PASSWORD = "recovery-demo"  # the demo's published password


def _sign_in(page, username: str) -> None:
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _walk(page, start: str, limit: int) -> list[str]:
    """Visit one page of each shape reachable from ``start``; return the paths checked."""
    queue = collections.deque([start])
    shapes: set[str] = set()
    checked: list[str] = []
    while queue and len(checked) < limit:
        path = queue.popleft()
        shape = UUID.sub("ID", path.split("?")[0])
        if shape in shapes:
            continue
        shapes.add(shape)
        response = page.goto(page.base + path)
        assert response is not None and response.status < 500, f"{path}: server error"
        landed = urlsplit(page.url)
        if landed.path != urlsplit(path).path:
            # A redirect: the page it leads to is checked under its own address.
            queue.appendleft(landed.path + (f"?{landed.query}" if landed.query else ""))
            continue
        if response.status != 200:
            continue  # a refusal (403, 404) is not a page of this user's
        if "text/html" not in response.headers.get("content-type", "") or path.startswith("/api/"):
            continue
        try:
            check_page(page)
        except AssertionError as problem:
            raise AssertionError(f"{path}: {problem}") from None
        checked.append(path)
        for href in page.eval_on_selector_all(
            "a[href^='/']", "els => els.map(e => e.getAttribute('href'))"
        ):
            href = href.split("#")[0]
            if href and not SKIP.search(href) and ".pdf" not in href:
                queue.append(href)
    return checked


@pytest.fixture
def demo(transactional_db):
    call_command("demo", allow_in_production=True, stdout=StringIO())


@pytest.mark.parametrize(
    ("username", "start", "limit", "welsh"),
    [
        ("site-lead-1", f"/sites/{SITE}/", 90, False),
        ("site-lead-1", f"/sites/{SITE}/", 90, True),
        ("partner-1", "/", 30, False),
        ("viewer-1", "/", 30, False),
        ("programme-admin", "/programme/", 60, False),
        ("programme-admin", "/programme/", 60, True),
        (None, f"/colleges/{SITE}/", 20, True),
    ],
)
def test_every_kind_of_demo_page_passes_axe(page, demo, username, start, limit, welsh):
    if username:
        _sign_in(page, username)
    if welsh:
        # Welsh words are often longer: the same pages must still fit and pass.
        page.goto(page.base + start)
        page.get_by_role("button", name="Cymraeg").click()
        expect(page.locator("html")).to_have_attribute("lang", "cy")
    checked = _walk(page, start, limit)
    assert len(checked) >= min(limit, 10), checked


def test_error_states_pass_axe(page, demo):
    """Pages that say something went wrong are read by the same people, often more slowly."""
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", "site-lead-1")
    page.fill("#id_password", "not the password")
    page.press("#id_password", "Enter")
    check_page(page, "Sign in")
    _sign_in(page, "site-lead-1")
    # A page that does not exist, inside and outside a site.
    for path in (f"/sites/{SITE}/goals/00000000-0000-0000-0000-000000000000/", "/no-such-page/"):
        assert page.goto(page.base + path).status == 404
        check_page(page, "Page not found")
    # A report asked for an impossible period.
    response = page.goto(page.base + f"/sites/{SITE}/reports/?from=2014-02-30&to=2013-01-01")
    assert response.status == 400
    check_page(page, "Error:")
    # Forms sent empty: the error summary links to each field.
    for path in (f"/sites/{SITE}/goals/new/", f"/sites/{SITE}/measures/new/"):
        page.goto(page.base + path)
        page.locator("main form[method=post] button[type=submit]").first.click()
        check_page(page, "Error:")
        links = page.locator(".error-summary a")
        assert links.count() >= 1
        target = links.first.get_attribute("href")
        assert re.fullmatch(r"#[\w-]+", target), target
        assert page.locator(target).count() == 1, f"{path}: {target} points at nothing"
