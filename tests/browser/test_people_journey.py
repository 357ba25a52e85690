"""A real installation, not the demo: the first admin, a new site's lead, a partner and a viewer.

`imroc setup` makes the programme and invites its first admin. The admin accepts a site's
application; its lead invites a lived-experience partner and a board viewer; the partner
rates a round and co-leads a goal; the viewer reads the figures but never a learner; the lead
ends the partner's role. In Chromium, with axe on every page.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from imroc.assessment.models import Rating
from imroc.programme.models import PastRole, Site
from tests.assessment.factories import RoundFactory
from tests.browser.conftest import check_page, sign_in
from tests.college.factories import EnrolmentFactory, LearnerFactory, build_college
from tests.improvement.factories import GoalFactory
from tests.programme.factories import ApplicationFactory

PASSWORD = "kingfisher-reed-morning"


def _link(page, text: str) -> str:
    return page.base + re.search(r"http://[^/\s]+(/invitations/[^/\s]+/)", text).group(1)


def _accept(page, link: str, name: str, username: str) -> None:
    page.goto(link)
    check_page(page, "Join")
    page.fill("#id_display_name", name)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_confirm", PASSWORD)
    page.get_by_role("button", name="Accept and set up my account").click()
    page.wait_for_url(lambda url: "/invitations/" not in url)


def _invite(page, site, name, email, role, group) -> str:
    page.goto(page.base + f"/sites/{site.slug}/people/")
    check_page(page, "People")
    page.get_by_role("link", name="Invite someone").click()
    check_page(page, "Invite someone")
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.select_option("#id_role", role)
    page.select_option("#id_stakeholder_group", group)
    page.get_by_role("button", name="Send the invitation").click()
    check_page(page, f"Invitation sent to {name}")
    return page.locator("#invitation-link").input_value()


@pytest.mark.django_db(transaction=True)
def test_a_new_installation_gets_its_people_and_runs_with_them(page, chromium, framework):
    out = StringIO()
    call_command("setup", programme="Recovery Together", admin_email="ana@example.org", stdout=out)
    _accept(page, _link(page, out.getvalue()), "Ana Admin", "ana")
    check_page(page, "Recovery Together")

    # The admin accepts an application; the new site's lead is invited by email.
    from imroc.programme.models import Programme

    application = ApplicationFactory(
        programme=Programme.objects.get(), organisation__name="Fernbrook Mental Health Trust"
    )
    page.goto(page.base + f"/programme/applications/{application.public_id}/")
    check_page(page, "Fernbrook")
    page.check("input[name=accept-category][value=pilot]")
    page.fill("#id_accept-reason", "Will benefit from intensive support")
    page.fill("#id_accept-lead_name", "Robin Lead")
    page.fill("#id_accept-lead_email", "robin@fernbrook.example.org")
    page.get_by_role("button", name="Accept").click()
    check_page(page, "Fernbrook")
    site = Site.objects.get(organisation__name="Fernbrook Mental Health Trust")
    lead_page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    lead_page.base = page.base
    _accept(lead_page, _link(page, mail.outbox[-1].body), "Robin Lead", "robin")
    check_page(lead_page, site.name)

    # The lead invites a lived-experience partner and a board viewer.
    partner_link = _invite(
        lead_page, site, "Pat Partner", "pat@example.org", "partner", "service_user"
    )
    viewer_link = _invite(
        lead_page, site, "Val Viewer", "val@example.org", "viewer", "commissioner"
    )
    _accept(page.context.browser.new_context().new_page(), partner_link, "Pat Partner", "pat")
    _accept(page.context.browser.new_context().new_page(), viewer_link, "Val Viewer", "val")

    # The partner signs in, rates a round as a service user and changes the goal they co-lead.
    from django.contrib.auth import get_user_model

    pat = get_user_model().objects.get(username="pat")
    robin = get_user_model().objects.get(username="robin")
    RoundFactory(site=site, framework_version=framework, title="Spring review")
    goal = GoalFactory(site=site, challenge=framework.challenges.first(), owner=robin, co_lead=pat)
    partner_page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    partner_page.base = page.base
    sign_in(partner_page, "pat", PASSWORD)
    partner_page.get_by_role("link", name="Self-assessment").click()
    partner_page.get_by_role("link", name="Spring review").click()
    partner_page.get_by_role("link", name="Give ratings").click()
    check_page(partner_page, "Rate the challenges")
    partner_page.get_by_role("group", name="1. Changing the nature").get_by_role(
        "radio", name="Development"
    ).check()
    partner_page.get_by_role("button", name="Save the ratings").click()
    check_page(partner_page, "Spring review")
    rating = Rating.objects.get(round__site=site)
    assert (rating.stakeholder_group, rating.given_by) == ("service_user", pat)
    partner_page.goto(page.base + f"/sites/{site.slug}/goals/{goal.public_id}/")
    check_page(partner_page, goal.title)
    assert partner_page.get_by_role("link", name="Change the goal").count() >= 1

    # The viewer reads the dashboard and the board report, and sees no learner.
    _, _, run = build_college(site)
    EnrolmentFactory(run=run, learner=LearnerFactory(college=run.course.college, name="Quin Q"))
    viewer_page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    viewer_page.base = page.base
    sign_in(viewer_page, "val", PASSWORD)
    check_page(viewer_page, site.name)
    viewer_page.goto(page.base + f"/sites/{site.slug}/reports/board.html")
    check_page(viewer_page, "Board report")
    viewer_page.goto(page.base + f"/sites/{site.slug}/college/runs/{run.public_id}/")
    check_page(viewer_page, run.course.title)
    assert "Quin Q" not in viewer_page.content()
    assert viewer_page.get_by_role("link", name="Learners").count() == 0

    # The lead ends the partner's role: access stops, their rating keeps their name.
    lead_page.goto(page.base + f"/sites/{site.slug}/people/")
    lead_page.get_by_role("link", name="End role of Pat Partner").click()
    check_page(lead_page, "End Pat Partner")
    lead_page.fill("#id_reason", "Moved to another area")
    lead_page.get_by_role("button", name="End the role").click()
    check_page(lead_page, "People")
    assert "Moved to another area" in lead_page.locator("main").inner_text()
    assert PastRole.objects.get(user=pat).role == "partner"
    partner_page.goto(page.base + f"/sites/{site.slug}/")
    assert "/accounts/login/" in partner_page.url
    rating.refresh_from_db()
    assert rating.given_by == pat
