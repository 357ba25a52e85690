"""With JavaScript switched off in the browser, people can still do what they came to do."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from imroc.college.models import Enrolment
from imroc.improvement.models import Goal
from tests.college.factories import build_college


@pytest.fixture
def no_js_page(chromium, live_server):
    context = chromium.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_learner_enrols_in_welsh_without_javascript(no_js_page, site):
    page = no_js_page
    _college, course, run = build_college(site)
    page.goto(page.base + f"/colleges/{site.slug}/")
    expect(page).to_have_title(re.compile("Prospectus"))
    page.get_by_role("button", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    page.get_by_role("link", name=course.title, exact=True).click()
    page.get_by_role("link", name=f"Cofrestru ar {course.title}").click()
    page.get_by_label("Eich enw").fill("Alys")
    page.get_by_label("Cyfeiriad e-bost neu rif ffôn").fill("alys@example.org")
    page.get_by_label("Rwy'n cytuno bod y coleg yn cadw").check()
    page.get_by_role("button", name="Cofrestru").click()
    expect(page.locator("main")).to_contain_text(f"Diolch am gofrestru ar {course.title}")
    assert Enrolment.objects.get(run=run).learner.display_name == "Alys"


@pytest.mark.django_db(transaction=True)
def test_a_site_lead_adds_a_goal_without_javascript(no_js_page, site, site_lead, framework):
    page = no_js_page
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", site_lead.username)
    page.fill("#id_password", "a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(page.base + f"/sites/{site.slug}/goals/new/")
    # Sent empty, the errors come back from the server, linked to their fields.
    page.get_by_role("button", name="Add the goal").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.locator(".error-summary a").count() >= 1
    risk = framework.challenges.get(slug="risk")
    page.get_by_label("Challenge", exact=True).select_option(str(risk.pk))
    page.get_by_label("Goal", exact=True).fill("Safety plans written with people")
    page.get_by_label("Stage to reach").select_option("2")
    page.get_by_label("Reach it by").fill("2013-03-31")
    page.get_by_role("button", name="Add the goal").click()
    expect(page.locator("h1")).to_have_text("Safety plans written with people")
    expect(page.locator(".error-summary")).to_have_count(0)
    assert Goal.objects.get(site=site).challenge == risk
