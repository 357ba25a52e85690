"""A respondent answers a one-time questionnaire link on a phone-sized screen, with axe."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imroc.surveys import tokens
from imroc.surveys.models import SurveyResponse
from tests.browser.conftest import check_page
from tests.surveys.factories import licensed_version, make_link


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", is_mobile=True, has_touch=True)  # fmt: skip
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


@pytest.mark.django_db(transaction=True)
def test_respondent_completes_a_link_on_a_phone(phone, site):
    version = licensed_version(site)
    link = make_link(site, version, days=7)
    url = phone.base + reverse("respond:link", kwargs={"link_token": tokens.make(tokens.LINK, link.public_id)})  # fmt: skip
    phone.goto(url)
    check_page(phone, version.title)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    # Answer a few, save, and come back later with the same link.
    for n in range(1, 6):
        phone.get_by_role("group", name=f"Item {n} wording supplied by licensee").get_by_role("radio", name="Agree", exact=True).check()  # fmt: skip
    phone.get_by_role("button", name="Save and finish later").click()
    check_page(phone, version.title)
    assert "Your answers so far are saved" in phone.locator(".notice").inner_text()
    phone.goto(url)
    check_page(phone, version.title)
    assert phone.get_by_role("group", name="Item 1 wording supplied by licensee").get_by_role("radio", name="Agree", exact=True).is_checked()  # fmt: skip

    # Sending now shows which answers are missing, linked from the summary.
    phone.get_by_role("button", name="Send my answers").click()
    check_page(phone, "Error: " + version.title)
    assert "Choose an answer." in phone.locator(".error-summary").inner_text()

    for n in range(6, 16):
        phone.get_by_role("group", name=f"Item {n} wording supplied by licensee").get_by_role("radio", name="Agree strongly", exact=True).check()  # fmt: skip
    phone.get_by_role("button", name="Send my answers").click()
    check_page(phone, "Thank you")
    response = SurveyResponse.objects.get()
    assert response.score == 5 * 3 + 10 * 4

    # The link is used up.
    phone.goto(url)
    check_page(phone, "This link cannot be used")
    assert "already been used" in phone.locator("main").inner_text()
