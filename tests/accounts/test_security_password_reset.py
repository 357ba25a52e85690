"""Password reset never reveals whether an account exists."""

from __future__ import annotations

import re

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
def test_the_email_is_sent_after_the_answer_so_timing_tells_nothing(client, known):
    # Django's test client runs the work queued for "after the response" when it closes the
    # response, as a web server does after the last byte has gone to the browser.
    response = client.post(RESET, {"email": "kim@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_reset_requests_are_limited_per_address_asked_about(client, known, settings):
    settings.RATE_LIMITS = {"password-reset-email": (2, 3600)}
    assert [_ask(client, "kim@example.org").status_code for _ in range(3)] == [302, 302, 429]
    refused = _ask(client, "KIM@example.org")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    page = refused.content.decode()
    assert "You have tried this too many times" in page
    assert 'value="KIM@example.org"' in page  # what was typed is kept
    assert len(mail.outbox) == 2
    # Another address is not held up by it.
    assert _ask(client, "nobody@example.org").status_code == 302


@pytest.mark.django_db
def test_the_link_sets_a_new_password_once(client, known, settings):
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
