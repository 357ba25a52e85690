"""Password reset never reveals whether an account exists."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail

from imroc.core.models import AuditEvent
from tests.programme.factories import UserFactory

RESET = "/accounts/password-reset/"


@pytest.fixture
def known(db):
    return UserFactory(username="kim", email="kim@example.org")


def _ask(client, email):
    return client.post(RESET, {"email": email})


@pytest.mark.django_db
def test_known_and_unknown_addresses_get_the_same_answer(client, known, settings):
    settings.IMROC_PASSWORD_RESET_SECONDS = 0
    known_answer = _ask(client, "KIM@example.org")
    unknown_answer = _ask(client, "nobody@example.org")
    assert known_answer.status_code == unknown_answer.status_code == 302
    assert (
        known_answer["Location"] == unknown_answer["Location"] == "/accounts/password-reset/sent/"
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["kim@example.org"]
    page = client.get(known_answer["Location"]).content.decode()
    assert "If an imroc account uses that address" in page


@pytest.mark.django_db
def test_both_answers_take_at_least_the_same_time(client, known, settings):
    settings.IMROC_PASSWORD_RESET_SECONDS = 0.3
    for email in ("kim@example.org", "nobody@example.org"):
        started = time.monotonic()
        _ask(client, email)
        assert time.monotonic() - started >= 0.3


@pytest.mark.django_db
def test_the_link_sets_a_new_password_once(client, known, settings):
    settings.IMROC_PASSWORD_RESET_SECONDS = 0
    _ask(client, "kim@example.org")
    link = re.search(
        r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body
    ).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    url = form_page.redirect_chain[-1][0]
    weak = client.post(url, {"new_password1": "password1234", "new_password2": "password1234"})
    assert "too common" in weak.content.decode()
    done = client.post(
        url,
        {"new_password1": "tidal marble owl orchard", "new_password2": "tidal marble owl orchard"},
    )
    assert done["Location"] == "/accounts/password-reset/done/"
    known.refresh_from_db()
    assert known.check_password("tidal marble owl orchard")
    event = AuditEvent.objects.get(action="user.password_reset")
    assert (event.actor, event.after["how"]) == (known, "emailed link")
    assert "tidal" not in str(event.before) + str(event.after)
    again = client.get(link, follow=True).content.decode()
    assert "This link does not work" in again


@pytest.mark.django_db
def test_bad_email_gets_a_plain_message(client):
    page = _ask(client, "not an email").content.decode()
    assert "Enter an email address in the right format" in page
