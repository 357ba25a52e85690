"""Browser tests: a real Chromium (Debian's) driven by Playwright, with axe on every page.

They are marked ``browser``. Where Chromium is missing they are skipped, unless
IMROC_REQUIRE_BROWSER=1 (CI sets it), in which case they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in this thread; the live server and the ORM in
# the test body are still synchronous, so Django must not refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("IMROC_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        message = f"Chromium is not installed at {CHROMIUM}"
        if os.environ.get("IMROC_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(chromium, live_server, request):
    # @pytest.mark.viewport(width=..., height=...) runs a test at another size, such as a phone's.
    marker = request.node.get_closest_marker("viewport")
    viewport = marker.kwargs if marker else {"width": 1280, "height": 900}
    context = chromium.new_context(
        viewport=viewport, locale="en-GB", is_mobile=bool(marker), has_touch=bool(marker)
    )
    page = context.new_page()
    page.base = live_server.url
    external = []
    page.on(
        "request",
        lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-120:]
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
    assert not [u for u in external if not u.startswith(("data:", "about:"))], (
        f"external requests: {external}"
    )


def place_path_from_mail(to: str) -> str:
    """The private place link sent to ``to``. The message goes out just after the page's
    response, on the server's thread, so wait a moment for it."""
    from django.core import mail

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in mail.outbox:
            found = re.search(r"https?://[^/\s]+(/colleges/\S+/places/\S+/)", message.body)
            if message.to == [to] and found:
                return found.group(1)
        time.sleep(0.05)
    raise AssertionError(f"no message with a place link was sent to {to}")


def check_page(page, title_part: str | None = None) -> None:
    """Every page we visit: a meaningful title, one h1, and no axe WCAG 2.2 AA violations."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    if title_part:
        # Waits for the navigation a click started, rather than reading the old page.
        expect(page).to_have_title(re.compile(re.escape(title_part)))
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_count(1)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()
    check_reflow(page)


# 1280 CSS pixels at 400% zoom: WCAG 1.4.10 asks for no sideways scrolling at this width.
REFLOW_WIDTH, REFLOW_HEIGHT = 320, 256
_WIDER_THAN_VIEWPORT = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => !el.parentElement.closest("table, svg, pre"))
    .slice(0, 5)
    .map((el) => el.outerHTML.slice(0, 120));
}"""


def check_reflow(page) -> None:
    """At 400% zoom the page reflows into one column: nothing makes the page scroll sideways.

    Data tables may scroll inside their own box (WCAG allows two-dimensional content to).
    """
    viewport = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": REFLOW_HEIGHT})
    try:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > REFLOW_WIDTH + 1:
            culprits = page.evaluate(_WIDER_THAN_VIEWPORT)
            raise AssertionError(
                f"{page.url} scrolls sideways at 400% zoom ({scroll_width}px wide): {culprits}"
            )
    finally:
        page.set_viewport_size(viewport)


def sign_in(page, username: str, password: str = "a-long-test-password") -> None:
    page.goto(page.base + "/accounts/login/")
    check_page(page, "Sign in")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
