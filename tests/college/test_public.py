"""The public prospectus and enrolment: no sign-in, no personal data, no duplicates."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imroc.college import tokens
from imroc.college.models import Course, Enrolment, Learner, MessageLog
from imroc.core.models import AuditEvent
from tests.college.factories import (
    CourseFactory,
    EnrolmentFactory,
    LearnerFactory,
    RunFactory,
    SessionFactory,
    TermFactory,
)


def _prospectus(site):
    return reverse("colleges:prospectus", kwargs={"site": site.slug})


def _enrol_url(site, run):
    return reverse("colleges:enrol", kwargs={"site": site.slug, "run": run.public_id})


def _form(**overrides):
    data = {
        "name": "Sam",
        "contact": "Sam.Person@Example.org",
        "group": "carer",
        "access_needs": "Step-free access",
        "consent": "on",
        "idempotency_key": "a" * 32,
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_a_person_without_an_account_finds_a_course_enrols_and_is_confirmed(csrf_client, site, run):
    page = csrf_client.get(_prospectus(site))
    assert page.status_code == 200
    assert "Understanding recovery" in page.content.decode()
    enrol_page = csrf_client.get(_enrol_url(site, run))
    token = enrol_page.context["csrf_token"]
    key = enrol_page.context["form"].initial["idempotency_key"]
    response = csrf_client.post(
        _enrol_url(site, run), _form(csrfmiddlewaretoken=token, idempotency_key=key)
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert enrolment.status == Enrolment.Status.ENROLLED
    assert enrolment.learner.contact_key == "sam.person@example.org"
    assert enrolment.group == "carer"
    # The page thanks them without saying what happened; the message says it, privately.
    thanks = csrf_client.get(response["Location"]).content.decode()
    assert "Thank you for enrolling on Understanding recovery" in thanks
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Sam.Person@Example.org"]
    place_link = re.search(r"http://testserver(/colleges/\S+/places/\S+/)", mail.outbox[0].body)
    assert "cancel" in mail.outbox[0].body and place_link
    assert (
        "You have a place on Understanding recovery"
        in csrf_client.get(place_link.group(1)).content.decode()
    )
    log = MessageLog.objects.get()
    assert (log.template, log.status, log.learner) == ("enrolled", "sent", enrolment.learner)
    # The audit log records the enrolment without the person's name or contact.
    event = AuditEvent.objects.get(action="enrolment.create")
    assert event.actor_label == "system:learner"
    assert "Sam" not in str(event.after) and "example" not in str(event.after).lower()


@pytest.mark.django_db
def test_enrolment_form_refuses_a_post_without_the_csrf_token(csrf_client, site, run):
    response = csrf_client.post(_enrol_url(site, run), _form())
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_double_submission_makes_one_enrolment_and_the_same_confirmation(client, site, run):
    first = client.post(_enrol_url(site, run), _form())
    second = client.post(_enrol_url(site, run), _form())
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Enrolment.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_same_contact_from_another_form_is_not_enrolled_twice_or_shown_the_place(client, site, run):
    client.post(_enrol_url(site, run), _form())
    response = client.post(
        _enrol_url(site, run), _form(idempotency_key="b" * 32, contact=" sam.person@EXAMPLE.org ")
    )
    # The same answer as a new enrolment: nothing on the page says the contact has a place.
    assert response.status_code == 302
    assert response["Location"] == f"/colleges/{site.slug}/runs/{run.public_id}/enrolled/"
    assert "already" not in client.get(response["Location"]).content.decode()
    assert Enrolment.objects.count() == 1
    assert Learner.objects.count() == 1
    # The learner is told privately, with their own link.
    assert [m.subject for m in mail.outbox] == [
        "You have a place on Understanding recovery",
        "Your place on Understanding recovery",
    ]
    assert "You are already on this course" in mail.outbox[1].body
    assert "/places/" in mail.outbox[1].body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"contact": "not an address"}, "Enter an email address, like name@example.com"),
        ({"contact": "sam@"}, "Enter an email address, like name@example.com"),
        ({"contact": "12345"}, "between 7 and 15 digits"),
        ({"contact": ""}, "Enter an email address, like name@example.com"),
        ({"name": ""}, "Enter your name, or the name you like to be called."),
        ({"name": "x" * 101}, "Keep this to 100 characters or fewer."),
        ({"consent": ""}, "Tick the box to agree"),
        ({"group": "wizard"}, "Choose one of the options."),
    ],
)
def test_bad_enrolment_input_gets_a_clear_message_and_keeps_what_was_typed(
    client, site, run, data, message
):
    response = client.post(_enrol_url(site, run), _form(**data))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert 'value="Sam' in page or data.get("name") == ""
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_phone_numbers_are_accepted_and_logged_as_not_emailed(client, site, run):
    response = client.post(_enrol_url(site, run), _form(contact="+44 7700 900123"))
    assert response.status_code == 302
    assert Learner.objects.get().contact_key == "+447700900123"
    assert MessageLog.objects.get().status == MessageLog.Status.NO_EMAIL
    assert mail.outbox == []


@pytest.mark.django_db
def test_full_run_puts_people_on_the_waiting_list_and_a_cancellation_promotes_them(
    client, site, college, course
):
    run = RunFactory(course=course, term=college.terms.first(), capacity=1)
    SessionFactory(run=run)
    client.post(_enrol_url(site, run), _form(idempotency_key="1" * 32))
    first = {
        "Location": re.search(r"http://testserver(\S+/places/\S+/)", mail.outbox[0].body).group(1)
    }
    client.post(_enrol_url(site, run), _form(contact="kim@example.org", idempotency_key="2" * 32))
    waiting = Enrolment.objects.get(learner__contact_key="kim@example.org")
    assert waiting.status == Enrolment.Status.WAITING
    assert "waiting list" in mail.outbox[-1].subject
    # The first learner cancels through their private link.
    place = client.get(first["Location"])
    assert "Cancel my place" in place.content.decode()
    assert client.post(first["Location"], {}).status_code == 200  # must confirm
    client.post(first["Location"], {"confirm": "on"})
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.ENROLLED
    assert mail.outbox[-1].subject.startswith("A place is free for you")
    assert "is cancelled" in client.get(first["Location"]).content.decode()


@pytest.fixture
def course(college_run):
    return college_run[1]


@pytest.mark.django_db
def test_prospectus_hides_drafts_hidden_courses_and_past_terms(client, site, college, run):
    CourseFactory(college=college, title="Secret draft", status=Course.Status.DRAFT)
    hidden = CourseFactory(college=college, title="Secret hidden", status=Course.Status.HIDDEN)
    RunFactory(course=hidden, term=run.term)
    old = TermFactory(college=college, name="Spring 2012", starts_on="2012-01-09", ends_on="2012-04-03")  # fmt: skip
    RunFactory(course=CourseFactory(college=college, title="Old run only"), term=old)
    page = client.get(_prospectus(site)).content.decode()
    assert "Secret draft" not in page and "Secret hidden" not in page
    assert "Spring 2012" not in page
    assert "Other courses we run" in page and "Old run only" in page
    assert client.get(reverse("colleges:course", kwargs={"site": site.slug, "course": hidden.public_id})).status_code == 404  # fmt: skip
    hidden_run = hidden.runs.first()
    assert client.get(_enrol_url(site, hidden_run)).status_code == 404
    assert client.post(_enrol_url(site, hidden_run), _form()).status_code == 404


@pytest.mark.django_db
def test_prospectus_filters_work_as_a_plain_get_form(client, site, college, run):
    online = CourseFactory(college=college, title="Wellbeing and sleep", format="online", chime=["empowerment"])  # fmt: skip
    RunFactory(course=online, term=run.term)
    url = _prospectus(site)
    assert "Understanding recovery" not in client.get(url, {"format": "online"}).content.decode()
    page = client.get(url, {"chime": "empowerment", "q": "sleep"}).content.decode()
    assert "Wellbeing and sleep" in page and "Understanding recovery" not in page
    assert "Understanding recovery" in client.get(url, {"format": "nonsense"}).content.decode()
    assert client.get(url, {"term": "not-a-term"}).status_code == 200


@pytest.mark.django_db
def test_prospectus_query_count_does_not_grow(client, site, college, run):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_prospectus(site)).status_code == 200
        return len(queries)

    small = count()
    for _ in range(8):
        extra = RunFactory(course=CourseFactory(college=college), term=run.term)
        SessionFactory.create_batch(3, run=extra)
        EnrolmentFactory(run=extra, learner=LearnerFactory(college=college))
    assert count() == small <= 8


@pytest.mark.django_db
def test_prospectus_is_404_unless_the_college_publishes(client, site, college):
    college.publish_prospectus = False
    college.save()
    assert client.get(_prospectus(site)).status_code == 404
    assert client.get("/colleges/no-such-site/").status_code == 404


@pytest.mark.django_db
def test_prospectus_has_print_css_and_no_personal_data(client, site, run):
    learner = LearnerFactory(college=run.course.college, name="Quentin Private")
    EnrolmentFactory(run=run, learner=learner)
    page = client.get(_prospectus(site)).content.decode()
    assert "Quentin" not in page and learner.contact not in page
    assert "Pat Peer" not in page  # trainer names stay on the staff side
    assert "imroc.css" in page and "<script" not in page and "style=" not in page


@pytest.mark.django_db
def test_place_link_of_another_college_is_404(client, site, other_site, run):
    from tests.college.factories import build_college

    build_college(other_site)
    enrolment = EnrolmentFactory(run=run, learner=LearnerFactory(college=run.course.college))
    token = tokens.make(tokens.PLACE, enrolment.public_id)
    assert client.get(f"/colleges/{site.slug}/places/{token}/").status_code == 200
    assert client.get(f"/colleges/{other_site.slug}/places/{token}/").status_code == 404
    assert client.get(f"/colleges/{site.slug}/places/{token[:-2]}xx/").status_code == 404


@pytest.mark.django_db
def test_a_form_key_used_at_another_site_does_not_block_or_reveal_anything(site, other_site):
    """Keys are unique per run: another site (or an API client there) reusing one is ignored."""
    from imroc.college import services
    from tests.college.factories import build_college

    _college, _course, ours = build_college(site)
    _college, _course, theirs = build_college(other_site)
    key = "k" * 32
    details = {"name": "Sam", "contact": "sam@example.org", "consent": True}
    details["actor"] = services.LEARNER_ACTOR
    first = services.enrol(theirs, idempotency_key=key, **details)
    mine = services.enrol(ours, idempotency_key=key, **details)
    assert first.new and mine.new
    assert mine.enrolment.run == ours and mine.enrolment.learner.college.site == site
    # The same key again on our run gives back our first enrolment, not a new one.
    again = services.enrol(ours, idempotency_key=key, **details)
    assert not again.new and again.enrolment == mine.enrolment
