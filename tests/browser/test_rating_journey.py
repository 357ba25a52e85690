"""A lived-experience partner rates a round; a site lead agrees it. In a real browser, with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from imroc.assessment.models import Consensus, Rating
from tests.assessment.factories import RoundFactory
from tests.browser.conftest import check_page, sign_in


@pytest.mark.django_db(transaction=True)
def test_partner_rates_a_round_with_the_keyboard(page, site, partner, framework):
    assessment_round = RoundFactory(
        site=site, framework_version=framework, title="Spring 2012 review"
    )
    sign_in(page, partner.username)
    check_page(page, site.name)
    page.get_by_role("link", name="Self-assessment").click()
    check_page(page, "Self-assessment")
    page.get_by_role("link", name="Spring 2012 review").click()
    check_page(page, "Spring 2012 review")
    page.get_by_role("link", name="Give ratings").click()
    check_page(page, "Rate the challenges")
    assert "Service user" in page.locator("main").inner_text()

    # Choose stages with the keyboard only: focus a radio, move with the arrow keys.
    first = page.get_by_role("group", name="1. Changing the nature")
    first.get_by_role("radio", name="Engagement").focus()
    page.keyboard.press("ArrowDown")  # to Development
    expect(first.get_by_role("radio", name="Development")).to_be_checked()
    page.locator("#id_text-interactions").fill("Most staff now ask what matters to me.")
    page.get_by_role("group", name="7. Changing the way we approach risk").get_by_role(
        "radio", name="Engagement"
    ).check()
    page.get_by_role("button", name="Save the ratings").click()
    check_page(page, "Spring 2012 review")
    assert "Saved the service user ratings." in page.locator(".notice").inner_text()

    ratings = {r.challenge.slug: r for r in Rating.objects.filter(round=assessment_round)}
    assert set(ratings) == {"interactions", "risk"}
    assert ratings["interactions"].level == 2
    assert ratings["interactions"].stakeholder_group == "service_user"
    assert ratings["interactions"].evidence == "Most staff now ask what matters to me."


@pytest.mark.django_db(transaction=True)
def test_error_summary_links_to_the_field(page, site, site_lead, framework):
    RoundFactory(site=site, framework_version=framework, title="Autumn 2012 review")
    sign_in(page, site_lead.username)
    page.goto(page.base + f"/sites/{site.slug}/assessments/new/")
    page.get_by_role("button", name="Start the round").click()
    check_page(page, "Error: Start a round")
    summary = page.locator(".error-summary")
    assert "Enter a name for the round." in summary.inner_text()
    summary.get_by_role("link", name="Enter a name for the round.").click()
    assert page.evaluate("document.activeElement.id") == "id_title"


@pytest.mark.django_db(transaction=True)
def test_lead_agrees_consensus(page, site, site_lead, framework):
    assessment_round = RoundFactory(site=site, framework_version=framework, title="Review 2013")
    sign_in(page, site_lead.username)
    page.goto(page.base + f"/sites/{site.slug}/assessments/{assessment_round.public_id}/consensus/")
    check_page(page, "Agree the stages")
    page.get_by_role("group", name="1. Changing the nature").get_by_role(
        "radio", name="Development"
    ).check()
    page.get_by_role("button", name="Save the agreed stages").click()
    check_page(page, "Review 2013")
    assert Consensus.objects.get(round=assessment_round).level == 2
