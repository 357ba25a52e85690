"""The interface in Welsh: the learner journey, dates, error pages and the catalogue itself."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from imroc.college import presenters, tokens
from imroc.college.forms import EnrolForm
from imroc.college.models import Enrolment
from tests.college.factories import (
    EnrolmentFactory,
    FeedbackInviteFactory,
    LearnerFactory,
    build_college,
)

PO = Path(__file__).resolve().parents[2] / "src/imroc/locale/cy/LC_MESSAGES/django.po"
WELSH = {"HTTP_ACCEPT_LANGUAGE": "cy"}
WELSH_MONTHS = ["Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf"]
WELSH_MONTHS += ["Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"]


def _enrol_url(site, run):
    return reverse("colleges:enrol", kwargs={"site": site.slug, "run": run.public_id})


def test_the_enrol_form_has_welsh_labels_and_welsh_errors():
    with translation.override("cy"):
        form = EnrolForm(data={"contact": "not a contact"})
        assert str(form.fields["name"].label) == "Eich enw"
        assert str(form.fields["contact"].label) == "Cyfeiriad e-bost neu rif ffôn"
        assert not form.is_valid()
        assert form.errors["name"] == [
            "Rhowch eich enw, neu'r enw rydych chi'n hoffi i bobl ei ddefnyddio."
        ]
        assert form.errors["contact"][0].startswith("Rhowch gyfeiriad e-bost")
        assert form.errors["consent"][0].startswith("Ticiwch y blwch i gytuno")
        too_long = EnrolForm(data={"name": "x" * 101})
        too_long.is_valid()
        assert too_long.errors["name"] == ["Cadwch hwn i 100 nod neu lai."]
    # The same form in English is untouched.
    with translation.override("en-gb"):
        assert str(EnrolForm().fields["name"].label) == "Your name"


@pytest.mark.django_db
def test_the_enrol_page_in_welsh_shows_welsh_labels_and_a_linked_error_summary(client, site):
    _college, course, run = build_college(site)
    page = client.get(_enrol_url(site, run), **WELSH).content.decode()
    assert '<html lang="cy">' in page
    assert f"Cofrestru ar {course.title}" in page
    assert "Eich enw" in page and "(dewisol)" in page
    response = client.post(_enrol_url(site, run), {"name": ""}, **WELSH)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Gwall: Cofrestru ar" in page
    assert "Mae problem" in page
    assert '<a href="#id_name">Rhowch eich enw' in page
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_the_prospectus_in_welsh_shows_dates_with_welsh_month_names(client, site):
    _college, _course, run = build_college(site)
    run.term.starts_on = dt.date(2026, 9, 14)
    run.term.ends_on = dt.date(2026, 12, 11)
    run.term.save()
    page = client.get(reverse("colleges:prospectus", kwargs={"site": site.slug}), **WELSH)
    text = page.content.decode()
    assert "<h1>Prosbectws</h1>" in text
    assert "14 Medi i 11 Rhagfyr 2026" in text
    assert "September" not in text and "December" not in text
    # A session date spelled out in full uses Welsh day and month names too.
    course_page = client.get(
        reverse("colleges:course", kwargs={"site": site.slug, "course": run.course.public_id}),
        **WELSH,
    ).content.decode()
    assert any(re.search(rf"\d {month} \d{{4}}", course_page) for month in WELSH_MONTHS)
    assert re.search(r"Dydd (Llun|Mawrth|Mercher|Iau|Gwener|Sadwrn|Sul) \d", course_page)


@pytest.mark.django_db
def test_another_sites_course_is_not_found_in_welsh(client, site, other_site):
    _college, _course, run = build_college(other_site)
    response = client.get(_enrol_url(site, run), **WELSH)
    assert response.status_code == 404
    assert "Heb ddod o hyd i'r dudalen" in response.content.decode()


@pytest.mark.django_db
def test_the_404_page_in_welsh(client):
    response = client.get("/no-such-page/", **WELSH)
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="cy">' in page
    assert "<h1>Heb ddod o hyd i'r dudalen</h1>" in page
    assert "Neidio i'r prif gynnwys" in page
    # The switcher offers English, named in English.
    assert 'lang="en-GB"' in page and ">English</button>" in page


@pytest.mark.django_db
def test_every_public_college_page_speaks_welsh(client, site):
    college, course, run = build_college(site)
    learner = LearnerFactory(college=college, name="Alys", contact="alys@example.org")
    enrolment = EnrolmentFactory(run=run, learner=learner)
    invite = FeedbackInviteFactory(enrolment=enrolment)
    base = f"/colleges/{site.slug}"
    pages = {
        f"{base}/?q=nothing-matches": "Does dim cyrsiau'n cyfateb",
        f"{base}/courses/{course.public_id}/": "Dyddiadau",
        f"{base}/places/{tokens.make(tokens.PLACE, enrolment.public_id)}/": "Mae gennych chi le",
        f"{base}/feedback/{tokens.make(tokens.FEEDBACK, invite.public_id)}/": "Pum cwestiwn byr",
        f"{base}/my-data/": "Byddwn ni'n anfon dolen breifat",
        f"{base}/my-data/{tokens.make(tokens.MY_DATA, learner.public_id)}/": "Wedi cael lle",
    }
    for url, welsh in pages.items():
        response = client.get(url, **WELSH)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert '<html lang="cy">' in page, url
        assert welsh in page, url
        assert "Cyrsiau am adferiad a lles" in page, url  # the college band
    # Enrolling again with the same contact thanks them in Welsh, as for anyone, and the
    # message that tells Alys privately is in Welsh too.
    response = client.post(
        _enrol_url(site, run),
        {"name": "Alys", "contact": "alys@example.org", "consent": "on"},
        **WELSH,
        follow=True,
    )
    assert f"Diolch am gofrestru ar {course.title}" in response.content.decode()
    assert "Rydych chi ar y cwrs hwn yn barod" in mail.outbox[-1].body
    # Feedback: a missing answer is explained in Welsh.
    response = client.post(
        f"{base}/feedback/{tokens.make(tokens.FEEDBACK, invite.public_id)}/", {}, **WELSH
    )
    assert escape("Dewiswch ateb i'r cwestiwn hwn.") in response.content.decode()


def test_the_500_page_renders_in_welsh_without_a_request():
    with translation.override("cy"):
        page = render_to_string("500.html")
    assert '<html lang="cy">' in page
    assert "Mae'n ddrwg gennym, aeth rhywbeth o'i le" in page


@pytest.mark.parametrize(
    ("left", "english", "welsh"),
    [
        (1, "Only 1 place left", "Dim ond 1 lle sydd ar ôl"),
        (2, "Only 2 places left", "Dim ond 2 lle sydd ar ôl"),
        (3, "Only 3 places left", "Dim ond 3 lle sydd ar ôl"),
    ],
)
def test_places_left_uses_plural_forms(left, english, welsh):
    class Run:
        capacity, taken, cancelled, enrolment_open = 10, 10 - left, False, True

    with translation.override("en-gb"):
        assert presenters.places_text(Run) == english
    with translation.override("cy"):
        assert presenters.places_text(Run) == welsh


def _entries(text: str) -> list[dict[str, str]]:
    """Each catalogue entry as {keyword: unquoted text}, flags under '#,'."""
    entries = []
    for block in text.strip().split("\n\n"):
        entry: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["#,"] = entry.get("#,", "") + line[2:]
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
        entries.append(entry)
    return entries


def test_every_message_in_the_welsh_catalogue_is_translated():
    entries = _entries(PO.read_text(encoding="utf-8"))
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == ""
    assert "Language: cy\n" in header["msgstr"]
    assert "nplurals=4;" in header["msgstr"]
    assert len(messages) > 100
    untranslated = []
    for entry in messages:
        if "fuzzy" in entry.get("#,", ""):
            untranslated.append(("fuzzy", entry["msgid"]))
        if "msgid_plural" in entry:
            forms = [entry.get(f"msgstr[{i}]", "") for i in range(4)]
            if not all(forms):
                untranslated.append(("plural", entry["msgid"]))
        elif not entry.get("msgstr"):
            untranslated.append(("missing", entry["msgid"]))
    assert untranslated == []
    assert PO.with_suffix(".mo").exists()
