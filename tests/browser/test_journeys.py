"""Whole journeys in a real browser, with axe on every page: what people come to imroc to do."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from imroc.assessment.models import AssessmentRound
from imroc.college.models import Attendance, Enrolment
from imroc.improvement.models import Goal, PdsaCycle, Review
from imroc.programme.models import LearningSet, Site
from tests.browser.conftest import check_page, place_path_from_mail, sign_in
from tests.college.factories import EnrolmentFactory, LearnerFactory, build_college
from tests.programme.factories import ApplicationFactory


def _stage(page, challenge, stage: str) -> None:
    group = page.get_by_role("group", name=f"{challenge.number}. {challenge.title}", exact=True)
    group.get_by_role("radio", name=stage).check()


@pytest.mark.django_db(transaction=True)
def test_site_lead_runs_a_whole_improvement_cycle(page, site, site_lead, partner, framework):
    sign_in(page, site_lead.username)
    check_page(page, site.name)

    # Assessment: start a round, enter the staff view, agree the stages, close it.
    page.get_by_role("link", name="Self-assessment").click()
    check_page(page, "Self-assessment")
    page.get_by_role("link", name="Start a new round").click()
    check_page(page, "Start a round")
    page.get_by_label("Name of the round").fill("Baseline 2011")
    page.get_by_label("Date of the meeting").fill("2011-06-01")
    page.get_by_role("button", name="Start the round").click()
    check_page(page, "Baseline 2011")
    page.get_by_role("link", name="Give ratings").click()
    check_page(page, "Rate the challenges")
    page.get_by_label("Whose view are you entering?").select_option(label="Staff")
    page.get_by_role("button", name="Continue").click()
    check_page(page, "Rate the challenges")
    for challenge in framework.challenges.all():
        _stage(page, challenge, "Engagement")
    page.get_by_role("button", name="Save the ratings").click()
    check_page(page, "Baseline 2011")
    page.get_by_role("link", name="Agree the stages").click()
    check_page(page, "Agree the stages")
    for challenge in framework.challenges.all():
        _stage(page, challenge, "Engagement")
    page.get_by_role("button", name="Save the agreed stages").click()
    check_page(page, "Baseline 2011")
    page.get_by_role("button", name="Close the round").click()
    check_page(page, "Baseline 2011")
    assert AssessmentRound.objects.get().status == "closed"

    # A goal with a lived-experience co-lead.
    page.get_by_role("link", name="Goals and PDSA cycles").click()
    check_page(page, "Goals and PDSA cycles")
    page.get_by_role("link", name="Add a goal").click()
    check_page(page, "goal")
    risk = framework.challenges.get(slug="risk")
    page.get_by_label("Challenge", exact=True).select_option(str(risk.pk))
    page.get_by_label("Goal", exact=True).fill("Safety plans written with people")
    page.get_by_label("Stage to reach").select_option("2")
    page.get_by_label("Reach it by").fill("2013-03-31")
    page.get_by_label("Lived-experience co-lead").select_option(label=str(partner))
    page.get_by_role("button", name="Add the goal").click()
    check_page(page, "Safety plans written with people")
    goal = Goal.objects.get()
    assert goal.co_lead == partner

    # Plan, do, study and act.
    page.get_by_role("link", name="Plan a PDSA cycle").click()
    check_page(page, "PDSA")
    page.get_by_label("Change idea to test").fill("Write safety plans with people")
    page.get_by_label("What you want to learn").fill("Do people feel heard?")
    page.get_by_label("Who will do it").fill("Ward team")
    page.get_by_label("Start date").fill("2011-09-01")
    page.get_by_label("End date").fill("2011-09-30")
    page.get_by_label("What you predict will happen").fill("Most will feel heard")
    page.get_by_role("button", name="Save the plan").click()
    check_page(page, "Write safety plans with people")
    page.get_by_role("link", name="Update this cycle").click()
    check_page(page, "Update the cycle")
    page.get_by_label("What happened").fill("We tried it on one ward.")
    page.get_by_label("The results compared with your prediction").fill("8 of 10 felt heard.")
    page.get_by_role("radio", name="Adopt").check()
    page.get_by_label("Date of the decision").fill("2011-10-03")
    page.get_by_role("button", name="Save the cycle").click()
    check_page(page, "Write safety plans with people")
    assert PdsaCycle.objects.get().decision == "adopt"

    # Review the goal.
    page.goto(page.base + f"/sites/{site.slug}/goals/{goal.public_id}/")
    check_page(page, "Safety plans written with people")
    page.get_by_role("link", name="Review the goal").click()
    check_page(page, "Review")
    page.get_by_label("Date of the review").fill("2011-12-01")
    page.get_by_role("radio", name="Continue").check()
    page.get_by_label("What the review found").fill("Going well; spread to a second ward.")
    page.get_by_role("button", name="Save").click()
    check_page(page, "Safety plans written with people")
    assert Review.objects.filter(goal=goal).count() == 1
    expect(page.locator("main")).to_contain_text("Going well")


@pytest.mark.viewport(width=375, height=740)
@pytest.mark.django_db(transaction=True)
def test_learner_with_no_account_enrols_from_the_prospectus_on_a_phone(page, site):
    _college, course, run = build_college(site)
    page.goto(page.base + f"/colleges/{site.slug}/")
    check_page(page, "Prospectus")
    # Nothing is cut off or needs sideways scrolling on a small screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("link", name=course.title, exact=True).click()
    check_page(page, course.title)
    page.get_by_role("link", name=f"Enrol on {course.title}").click()
    check_page(page, f"Enrol on {course.title}")
    # Sending it empty shows what to fix, linked to each field.
    page.get_by_role("button", name="Enrol").click()
    check_page(page, "Error: Enrol")
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.get_by_label("Your name").fill("Alex")
    page.get_by_label("Email address or phone number").fill("alex@example.org")
    page.get_by_label("I agree that the college keeps").check()
    page.get_by_role("button", name="Enrol").click()
    # The page thanks them; the place itself comes in the message, through a private link.
    check_page(page, "Thank you")
    expect(page.locator("main")).to_contain_text(f"Thank you for enrolling on {course.title}")
    page.goto(page.base + place_path_from_mail("alex@example.org"))
    check_page(page, "Your place")
    expect(page.locator("main")).to_contain_text(course.title)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    enrolment = Enrolment.objects.get(run=run)
    assert enrolment.learner.display_name == "Alex"
    assert enrolment.status == "enrolled"


@pytest.mark.django_db(transaction=True)
def test_trainer_takes_a_register(page, site, partner):
    _college, course, run = build_college(site)
    run.peer_trainer.user = partner
    run.peer_trainer.save()
    for name in ("Alex", "Sam"):
        EnrolmentFactory(run=run, learner=LearnerFactory(college=run.course.college, name=name))
    sign_in(page, partner.username)
    page.goto(page.base + f"/sites/{site.slug}/college/runs/{run.public_id}/")
    check_page(page, course.title)
    page.get_by_role("link", name="take the register for session 1").click()
    check_page(page, "Register: session 1")
    page.get_by_role("group", name="Alex").get_by_role("radio", name="Came").check()
    page.get_by_role("group", name="Sam").get_by_role("radio", name="Absent: let us know").check()
    page.get_by_role("button", name="Save the register").click()
    check_page(page, course.title)
    marks = dict(
        Attendance.objects.filter(session__run=run).values_list(
            "enrolment__learner__name", "status"
        )
    )
    assert marks["Alex"] == "attended"
    assert marks["Sam"] == "absent"


@pytest.mark.django_db(transaction=True)
def test_programme_admin_accepts_an_application_and_schedules_a_learning_set(
    page, site, other_site, framework, programme_admin
):
    application = ApplicationFactory(
        programme=site.programme, organisation__name="Heronsgate Health NHS Trust"
    )
    sign_in(page, programme_admin.username)
    check_page(page, site.programme.name)
    page.get_by_role("link", name="Applications").first.click()
    check_page(page, "Applications")
    page.get_by_role("link", name="Heronsgate Health NHS Trust").click()
    check_page(page, "Application from Heronsgate Health NHS Trust")
    page.get_by_role("radio", name="Pilot").check()
    page.get_by_role("button", name="Accept").click()
    check_page(page, "Error: Application from Heronsgate Health NHS Trust")
    page.get_by_role("link", name="Say why you chose this category.").click()
    page.keyboard.type("Will benefit from intensive support")
    page.get_by_label("Joins the programme on").fill("2011-04-01")
    page.get_by_label("Site lead's name").fill("Robin Lead")
    page.get_by_label("Site lead's email").fill("robin@heronsgate.example.org")
    page.get_by_role("button", name="Accept").click()
    expect(page).not_to_have_title(re.compile("^Error"))
    check_page(page, "Heronsgate Health NHS Trust")
    application.refresh_from_db()
    assert application.status == "accepted"
    assert Site.objects.get(organisation__name="Heronsgate Health NHS Trust").category == "pilot"

    page.goto(page.base + "/programme/learning-sets/")
    check_page(page, "Learning sets")
    page.get_by_role("link", name="Schedule a learning set").click()
    check_page(page, "learning set")
    page.get_by_label("Title").fill("Risk and safety planning together")
    risk = framework.challenges.get(slug="risk")
    page.get_by_role("checkbox", name=f"{risk.number}. {risk.short_title}").check()
    start = timezone.localtime() + dt.timedelta(days=30)
    page.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Ends").fill(start.strftime("%Y-%m-%dT16:00"))
    page.get_by_label("Place").fill("Leeds")
    page.get_by_label("Facilitators").fill("Sam Host\nJo Peer (lived experience)")
    page.get_by_role("checkbox", name="Pilot").check()
    page.get_by_role("button", name="Schedule and invite").click()
    check_page(page, "Risk and safety planning together")
    learning_set = LearningSet.objects.get()
    invited = set(learning_set.invitations.values_list("site__slug", flat=True))
    assert other_site.slug in invited and site.slug not in invited


@pytest.mark.viewport(width=375, height=740)
@pytest.mark.django_db(transaction=True)
def test_learner_enrols_in_welsh_on_a_phone(page, site):
    _college, course, run = build_college(site)
    page.goto(page.base + f"/colleges/{site.slug}/")
    check_page(page, "Prospectus")
    page.get_by_role("button", name="Cymraeg").click()
    check_page(page, "Prosbectws")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("link", name=course.title, exact=True).click()
    check_page(page, course.title)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    page.get_by_role("link", name=f"Cofrestru ar {course.title}").click()
    check_page(page, f"Cofrestru ar {course.title}")
    # Sending it empty shows, in Welsh, what to fix, linked to each field.
    page.get_by_role("button", name="Cofrestru").click()
    check_page(page, "Gwall: Cofrestru")
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading")).to_have_text("Mae problem")
    expect(summary).to_contain_text("Rhowch eich enw")
    summary.get_by_role("link", name="Rhowch eich enw").click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.get_by_label("Eich enw").fill("Alys")
    page.get_by_label("Cyfeiriad e-bost neu rif ffôn").fill("alys@example.org")
    page.get_by_label("Rwy'n cytuno bod y coleg yn cadw").check()
    page.get_by_role("button", name="Cofrestru").click()
    check_page(page, "Diolch")
    expect(page.locator("main")).to_contain_text(f"Diolch am gofrestru ar {course.title}")
    page.goto(page.base + place_path_from_mail("alys@example.org"))
    check_page(page, "Eich lle")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.locator("main")).to_contain_text(f"Mae gennych chi le ar {course.title}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    enrolment = Enrolment.objects.get(run=run)
    assert enrolment.learner.display_name == "Alys"
    assert enrolment.status == "enrolled"
