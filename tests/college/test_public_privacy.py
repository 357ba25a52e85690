"""The college's public forms reveal nothing about who is a learner, and resist scripts.

- Enrolling with a contact that already has a place looks exactly like a new enrolment.
- "See my data" answers the same page, in the same time, for known and unknown contacts
  (measured through a real web server and a real, slow SMTP server).
- Public enrolment has a hidden box and a minimum time to fill in, and rate limits.
"""

from __future__ import annotations

import re
import socketserver
import statistics
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.core import mail, signing
from django.urls import reverse

from imroc.college.forms import PublicEnrolForm
from imroc.college.models import Enrolment, Learner, MessageLog
from imroc.core.models import RateCounter
from tests.college.factories import EnrolmentFactory, LearnerFactory


def _enrol_url(site, run):
    return reverse("colleges:enrol", kwargs={"site": site.slug, "run": run.public_id})


def _form(**overrides):
    data = {
        "name": "Sam",
        "contact": "sam@example.org",
        "group": "carer",
        "access_needs": "",
        "consent": "on",
        "idempotency_key": "a" * 32,
    }
    return {**data, **overrides}


def _page(response) -> str:
    """A page's text without the values that differ on every request (CSRF tokens)."""
    text = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


# --- Enrolment answers the same way ------------------------------------------------------------


@pytest.mark.django_db
def test_enrolling_with_a_contact_that_has_a_place_looks_exactly_like_a_new_enrolment(
    client, site, run
):
    learner = LearnerFactory(college=run.course.college, contact="kim@example.org", name="Kim")
    EnrolmentFactory(run=run, learner=learner)
    existing = client.post(_enrol_url(site, run), _form(contact="KIM@example.org"))
    new = client.post(
        _enrol_url(site, run), _form(contact="new@example.org", idempotency_key="b" * 32)
    )
    assert existing.status_code == new.status_code == 302
    assert existing["Location"] == new["Location"]
    assert _page(client.get(existing["Location"])) == _page(client.get(new["Location"]))
    # Kim is told privately; nobody's details were shown, and Kim still has one place.
    assert Enrolment.objects.filter(learner=learner).count() == 1
    to_kim = [m for m in mail.outbox if m.to == ["kim@example.org"]]
    assert len(to_kim) == 1 and "You are already on this course" in to_kim[0].body
    # Whoever typed Kim's contact cannot change Kim's details, nor the name Kim is greeted by.
    learner.refresh_from_db()
    assert (learner.name, learner.contact) == ("Kim", "kim@example.org")
    assert to_kim[0].body.startswith("Hello Kim,")


@pytest.mark.django_db
def test_enrolment_on_another_college_run_is_not_found(client, site, other_site, run):
    assert client.post(_enrol_url(other_site, run), _form()).status_code == 404
    assert not Enrolment.objects.exists()


# --- Anti-automation ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_filled_hidden_box_is_answered_as_usual_and_does_nothing(client, site, run):
    page = client.get(_enrol_url(site, run)).content.decode()
    # The box is there for scripts but hidden from people, keyboards and screen readers.
    assert re.search(r'<div hidden><label for="id_leave_empty">', page)
    response = client.post(_enrol_url(site, run), _form(leave_empty="http://spam.example"))
    assert response.status_code == 302
    assert not Enrolment.objects.exists() and not Learner.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_form_sent_too_soon_is_refused_and_keeps_what_was_typed(client, site, run, settings):
    settings.IMROC_ENROL_MIN_SECONDS = 3
    started = client.get(_enrol_url(site, run)).context["form"]["started"].value()
    quick = client.post(_enrol_url(site, run), _form(started=started, name="Robin"))
    assert quick.status_code == 200
    assert "That was very quick" in quick.content.decode()
    assert 'value="Robin"' in quick.content.decode()
    assert not Enrolment.objects.exists()
    # A stamp from five seconds ago passes; one that was tampered with counts as "just now".
    five_ago = signing.dumps(time.time() - 5, salt=PublicEnrolForm.SALT)
    assert client.post(_enrol_url(site, run), _form(started=five_ago + "x")).status_code == 200
    assert client.post(_enrol_url(site, run), _form(started=five_ago)).status_code == 302
    assert Enrolment.objects.count() == 1


@pytest.mark.django_db
def test_enrolment_is_limited_per_run_and_address_with_a_plain_429(client, site, run, settings):
    settings.RATE_LIMITS = {"enrol-run-address": (2, 3600)}
    answers = [
        client.post(
            _enrol_url(site, run), _form(contact=f"p{i}@example.org", idempotency_key=str(i) * 32)
        )
        for i in range(1, 4)
    ]
    assert [a.status_code for a in answers] == [302, 302, 429]
    refused = answers[2]
    assert int(refused["Retry-After"]) > 0
    assert "You have tried this too many times" in refused.content.decode()
    assert 'value="p3@example.org"' in refused.content.decode()
    assert Enrolment.objects.count() == 2
    # Someone at another address is not held up.
    other = client.post(
        _enrol_url(site, run),
        _form(contact="p4@example.org", idempotency_key="4" * 32),
        REMOTE_ADDR="192.0.2.44",
    )
    assert other.status_code == 302
    # Nothing counted is stored in clear.
    assert not RateCounter.objects.filter(key__contains="127.0.0.1").exists()


# --- "See my data" -----------------------------------------------------------------------------


def _my_data_url(site):
    return reverse("colleges:my_data_request", kwargs={"site": site.slug})


@pytest.mark.django_db
def test_my_data_answers_the_same_page_for_known_and_unknown_contacts(client, site, run):
    LearnerFactory(college=run.course.college, contact="kim@example.org")
    known = client.post(_my_data_url(site), {"contact": "kim@example.org"})
    unknown = client.post(_my_data_url(site), {"contact": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert _page(known) == _page(unknown)
    assert "If we hold details for that address" in _page(known)
    assert [m.to for m in mail.outbox] == [["kim@example.org"]]


@pytest.mark.django_db
def test_my_data_is_limited_per_contact(client, site, run, settings):
    settings.RATE_LIMITS = {"my-data-contact": (2, 3600)}
    LearnerFactory(college=run.course.college, contact="kim@example.org")
    codes = [
        client.post(_my_data_url(site), {"contact": c}).status_code
        for c in ("kim@example.org", "Kim@Example.org", "kim@example.org")
    ]
    assert codes == [200, 200, 429]
    assert len(mail.outbox) == 2
    assert client.post(_my_data_url(site), {"contact": "sam@example.org"}).status_code == 200


class _SlowSMTP(socketserver.StreamRequestHandler):
    """Just enough SMTP to take a message, as slowly as a real mail server far away."""

    delay = 0.25
    received: list[str] = []

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self._say("220 test ESMTP")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self._say("250 test")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self._say("250 OK")
            elif command == "DATA":
                self._say("354 go on")
                body = []
                while (part := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    body.append(part.decode(errors="replace"))
                time.sleep(self.delay)
                self.received.append("".join(body))
                self._say("250 queued")
            elif command == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("502 not here")


@pytest.fixture
def slow_smtp(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SlowSMTP)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _SlowSMTP.received = []
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.server_address[1]
    settings.EMAIL_USE_TLS = False
    yield _SlowSMTP
    server.shutdown()
    server.server_close()


def _timed_post(opener, url, data) -> float:
    started = time.perf_counter()
    with opener.open(url, urllib.parse.urlencode(data).encode(), timeout=10) as response:
        response.read()
        assert response.status == 200
    return time.perf_counter() - started


@pytest.mark.django_db(transaction=True)
def test_my_data_takes_the_same_time_for_known_and_unknown_contacts(
    live_server, slow_smtp, site, run, settings
):
    settings.RATE_LIMITS = {"my-data-contact": (100, 3600), "my-data-address": (100, 3600)}
    LearnerFactory(college=run.course.college, contact="kim@example.org")
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    url = live_server.url + _my_data_url(site)
    with opener.open(url, timeout=10) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    known, unknown = [], []
    for _ in range(20):
        known.append(
            _timed_post(
                opener, url, {"csrfmiddlewaretoken": token.group(1), "contact": "kim@example.org"}
            )
        )
        unknown.append(
            _timed_post(
                opener,
                url,
                {"csrfmiddlewaretoken": token.group(1), "contact": "nobody@example.org"},
            )
        )
    # The known contact's emails really went out, each taking the SMTP server's 0.25 s...
    deadline = time.monotonic() + 10
    while len(slow_smtp.received) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(slow_smtp.received) == 20
    assert MessageLog.objects.filter(status="sent").count() == 20
    # ...and none of that time showed in the answers.
    difference = abs(statistics.median(known) - statistics.median(unknown))
    assert difference < 0.05, (statistics.median(known), statistics.median(unknown))
