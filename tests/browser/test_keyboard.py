"""Keyboard only: every step by Tab, Enter and Space, with the focus always visible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from imroc.college.models import Enrolment
from tests.browser.conftest import check_page
from tests.college.factories import build_college

# What the focused element looks like. Our focus styles draw an outline, a box shadow or a
# yellow background; the browser default would also count as an outline.
_FOCUS_STYLE = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  return {
    tag: el.tagName, text: (el.innerText || el.value || el.id || "").trim().slice(0, 60),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
      && !/rgba\(.*, 0\)$|transparent/.test(style.outlineColor),
    shadow: style.boxShadow !== "none",
    inView: rect.bottom > 0 && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth,
  };
}"""


def _focus_is_visible(page) -> dict:
    state = page.evaluate(_FOCUS_STYLE)
    assert state is not None, "Tab moved the focus nowhere"
    assert state["outline"] or state["shadow"], f"no visible focus on {state}"
    assert state["inView"], f"the focused element is off screen: {state}"
    return state


def tab_to(page, locator, limit: int = 80) -> None:
    """Press Tab until the locator has the focus, checking the focus is visible at each stop."""
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        _focus_is_visible(page)
        if page.evaluate("el => el === document.activeElement", target):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {locator}")


@pytest.mark.django_db(transaction=True)
def test_learner_enrols_with_the_keyboard_alone(page, site):
    _college, course, run = build_college(site)
    page.goto(page.base + f"/colleges/{site.slug}/")
    check_page(page, "Prospectus")
    # The first Tab shows the skip link, and it takes the focus past the header.
    page.keyboard.press("Tab")
    first = _focus_is_visible(page)
    assert first["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name=course.title, exact=True))
    page.keyboard.press("Enter")
    check_page(page, course.title)
    tab_to(page, page.get_by_role("link", name=f"Enrol on {course.title}"))
    page.keyboard.press("Enter")
    check_page(page, f"Enrol on {course.title}")
    # Send it empty: the error summary takes the focus and its links reach each field.
    tab_to(page, page.get_by_role("button", name="Enrol"))
    page.keyboard.press("Enter")
    check_page(page, "Error: Enrol")
    summary_link = page.locator(".error-summary a").first
    tab_to(page, summary_link)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.keyboard.type("Alex")
    tab_to(page, page.get_by_label("Email address or phone number"))
    page.keyboard.type("alex@example.org")
    tab_to(page, page.get_by_label("I agree that the college keeps"))
    page.keyboard.press("Space")
    expect(page.get_by_label("I agree that the college keeps")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Enrol"))
    page.keyboard.press("Enter")
    check_page(page, "Thank you")
    assert Enrolment.objects.get(run=run).learner.display_name == "Alex"


@pytest.mark.django_db(transaction=True)
def test_site_lead_signs_in_and_finds_their_way_with_the_keyboard(page, site, site_lead):
    page.goto(page.base + "/accounts/login/")
    check_page(page, "Sign in")
    tab_to(page, page.locator("#id_username"))
    page.keyboard.type(site_lead.username)
    tab_to(page, page.locator("#id_password"))
    page.keyboard.type("a-long-test-password")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(page.base + f"/sites/{site.slug}/")
    check_page(page, site.name)
    # The site menu's groups are reachable in order, and the focus shows where you are.
    for name in ("Self-assessment", "Goals and PDSA cycles", "Recovery college", "Reports"):
        tab_to(page, page.locator(".site-nav").get_by_role("link", name=name, exact=True))
    page.keyboard.press("Enter")
    check_page(page, "Reports")
    # Switching language is a button, so the keyboard reaches it too.
    tab_to(page, page.get_by_role("button", name="Cymraeg"))
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
