"""Messages to learners go in the language they enrolled in, whoever sends them."""

from __future__ import annotations

import zoneinfo

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from imroc.college import services
from imroc.college.models import Enrolment, Learner


def _enrol(client, site, run, language=None):
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(
        reverse("colleges:enrol", kwargs={"site": site.slug, "run": run.public_id}),
        {"name": "Sam", "contact": "sam@example.org", "consent": "on", "idempotency_key": "c" * 32},
    )
    assert response.status_code == 302
    return Enrolment.objects.get(learner__contact_key="sam@example.org")


def _first_session_day(site, run, language):
    """The first session's date as the email writes it, in the college's time zone."""
    zone = zoneinfo.ZoneInfo(site.organisation.time_zone)
    starts_at = timezone.localtime(run.sessions.order_by("starts_at").first().starts_at, zone)
    with translation.override(language):
        return date_format(starts_at, "l j F Y")


def _in(language, message):
    with translation.override(language):
        return gettext(message)


@pytest.mark.django_db
def test_a_learner_who_enrolled_in_welsh_gets_welsh_emails(client, site, run):
    enrolment = _enrol(client, site, run, language="cy")
    assert enrolment.learner.language == "cy"
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    welsh_day = _first_session_day(site, run, "cy")
    assert welsh_day != _first_session_day(site, run, "en-gb")
    assert welsh_day in body  # Django's Welsh day and month names
    assert _in("cy", "This link is private to you.") in body
    assert _in("cy", "Hello %(name)s,") % {"name": "Sam"} in body

    # Later messages, sent by someone using English, are still in Welsh.
    with translation.override("en-gb"):
        services.cancel_enrolment(enrolment, actor=services.LEARNER_ACTOR)
    assert len(mail.outbox) == 2
    with translation.override("cy"):
        subject = gettext("Your place on %(course)s is cancelled") % {"course": run.course.title}
    assert mail.outbox[1].subject == subject


@pytest.mark.django_db
def test_a_learner_who_enrolled_in_english_gets_english_emails(client, site, run):
    enrolment = _enrol(client, site, run)
    assert enrolment.learner.language == "en-gb"
    body = mail.outbox[0].body
    assert body.startswith("Hello Sam,")
    assert "This link is private to you." in body
    assert _first_session_day(site, run, "en-gb") in body
    assert mail.outbox[0].subject == "You have a place on Understanding recovery"

    # A cancellation sent while Welsh is active still reaches them in English.
    with translation.override("cy"):
        services.cancel_enrolment(enrolment, actor=services.LEARNER_ACTOR)
    assert mail.outbox[1].subject == "Your place on Understanding recovery is cancelled"
    assert mail.outbox[1].body.startswith("Hello Sam,")


@pytest.mark.django_db
def test_staff_enrolling_in_welsh_do_not_change_a_learners_language(site, run):
    learner = Learner.objects.create(
        college=run.course.college, name="Sam", contact="sam@example.org",
        contact_key="sam@example.org", language="en-gb", last_active_at=timezone.now(),
    )  # fmt: skip
    with translation.override("cy"):
        services.enrol(
            run, name="Sam", contact="sam@example.org", consent=True, idempotency_key=None,
            actor=services.LEARNER_ACTOR, by_staff=True,
        )  # fmt: skip
    learner.refresh_from_db()
    assert learner.language == "en-gb"
    assert mail.outbox[-1].body.startswith("Hello Sam,")


@pytest.mark.django_db
def test_a_learner_with_no_recorded_language_gets_the_default_language(site, run):
    with translation.override("cy"):
        result = services.enrol(
            run, name="Sam", contact="sam@example.org", consent=True, idempotency_key=None,
            actor=services.LEARNER_ACTOR,
        )  # fmt: skip
    Learner.objects.filter(pk=result.enrolment.learner_id).update(language="")
    result.enrolment.learner.refresh_from_db()
    with translation.override("cy"):
        services.cancel_enrolment(result.enrolment, actor=services.LEARNER_ACTOR)
    assert mail.outbox[-1].body.startswith("Hello Sam,")
