"""Collecting answers: one-time links, save and resume, kiosks, paper entry, roles, audit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from imroc.core.models import AuditEvent
from imroc.core.services import ServiceError
from imroc.surveys import services, tokens
from imroc.surveys.models import Mode, ResponseLink, SurveyResponse
from tests.surveys.factories import (  # fmt: skip
    FIXTURE,
    all_answers,
    expire,
    licensed_version,
    make_kiosk,
    make_link,
)


def _link_url(link):
    return reverse("respond:link", kwargs={"link_token": tokens.make(tokens.LINK, link.public_id)})


def _kiosk_url(kiosk):
    return reverse(
        "respond:kiosk", kwargs={"kiosk_token": tokens.make(tokens.KIOSK, kiosk.public_id)}
    )


def _form(version, answers):
    """POST data for the respondent's form: fields are named q1, q2... in question order."""
    from imroc.surveys.forms import AnswerForm

    form = AnswerForm(version.definition)
    return {form.names[k]: v for k, v in answers.items()}


@pytest.fixture
def version(site):
    return licensed_version(site)


@pytest.mark.django_db
def test_lead_imports_a_fhir_file_and_makes_a_link(lead_client, site):
    upload = SimpleUploadedFile("rpq.json", FIXTURE.read_bytes(), content_type="application/json")
    response = lead_client.post(f"/sites/{site.slug}/surveys/import/", {"file": upload})
    assert response.status_code == 302
    instrument = site.survey_instruments.get()
    response = lead_client.post(
        f"/sites/{site.slug}/surveys/{instrument.public_id}/links/new/", {"days": "7", "reference": "NHS 123"}
    )  # fmt: skip
    link = ResponseLink.objects.get()
    assert response["Location"].endswith(f"/links/{link.public_id}/")
    page = lead_client.get(response["Location"]).content.decode()
    assert tokens.make(tokens.LINK, link.public_id) in page
    assert "NHS 123" not in page and link.respondent.code in page


@pytest.mark.django_db
def test_bad_upload_shows_the_error_and_writes_nothing(lead_client, site):
    upload = SimpleUploadedFile("rpq.json", b'{"resourceType": "Questionnaire", "status": "active", "item": [{"linkId": "a", "type": "url", "text": "x"}]}')  # fmt: skip
    response = lead_client.post(f"/sites/{site.slug}/surveys/import/", {"file": upload})
    assert response.status_code == 200
    assert "cannot collect" in response.content.decode()
    assert not site.survey_instruments.exists()


@pytest.mark.django_db
def test_respondent_saves_resumes_and_submits_once(client, site, version):
    link = make_link(site, version)
    url = _link_url(link)
    page = client.get(url)
    assert page.status_code == 200 and "max-age=0" in page["Cache-Control"]
    partial = _form(version, {"q1": "4", "q2": "3", "q3": "9"})  # q3 is out of range
    saved = client.post(url, {**partial, "action": "save"})
    assert "Your answers so far are saved" in saved.content.decode()
    link.refresh_from_db()
    assert link.draft == {"q1": "4", "q2": "3"}
    resumed = client.get(url).content.decode()
    assert 'value="4" checked' in resumed or 'checked value="4"' in resumed or "checked" in resumed
    incomplete = client.post(url, {**_form(version, {"q1": "4"}), "action": "submit"})
    assert incomplete.status_code == 200 and "Choose an answer." in incomplete.content.decode()
    assert not SurveyResponse.objects.exists()
    done = client.post(url, {**_form(version, all_answers("3")), "action": "submit"})
    assert "Thank you" in done.content.decode()
    stored = SurveyResponse.objects.get()
    assert stored.score == 45 and stored.mode == Mode.LINK
    again = client.post(url, {**_form(version, all_answers("0")), "action": "submit"})
    assert again.status_code == 404 and "already been used" in again.content.decode()
    assert client.get(url).status_code == 404
    assert SurveyResponse.objects.count() == 1


@pytest.mark.django_db
def test_expired_link_and_submission_after_expiry(client, site, version):
    link = make_link(site, version)
    url = _link_url(link)
    assert client.get(url).status_code == 200
    expire(link)
    late = client.post(url, {**_form(version, all_answers()), "action": "submit"})
    assert late.status_code == 404 and "expired" in late.content.decode()
    with pytest.raises(services.LinkClosed, match="expired"):
        services.submit_link(link, all_answers())
    assert not SurveyResponse.objects.exists()


@pytest.mark.django_db
def test_forged_and_cancelled_links_open_nothing(client, site, version, lead_client):
    link = make_link(site, version)
    assert client.get("/r/" + "0" * 32 + ".forged/").status_code == 404
    lead_client.post(reverse("surveys:link", kwargs={"site": site.slug, "instrument": version.instrument.public_id, "link": link.public_id}))  # fmt: skip
    response = client.get(_link_url(link))
    assert response.status_code == 404 and "cancelled" in response.content.decode()


@pytest.mark.django_db
def test_kiosk_returns_a_blank_form_after_each_submission(client, site, version):
    kiosk = make_kiosk(site, version)
    url = _kiosk_url(kiosk)
    first = client.post(url, _form(version, all_answers("4")))
    assert first.status_code == 302
    blank = client.get(first["Location"])
    page = blank.content.decode()
    assert "Thank you" in page and "checked" not in page
    assert 'autocomplete="off"' in page and "no-store" in blank["Cache-Control"]
    client.post(url, _form(version, all_answers("1")))
    assert SurveyResponse.objects.filter(kiosk=kiosk).count() == 2
    expire(kiosk)
    assert client.post(url, _form(version, all_answers("1"))).status_code == 404
    assert SurveyResponse.objects.filter(kiosk=kiosk).count() == 2


@pytest.mark.django_db
def test_partner_enters_paper_responses_with_a_pseudonym(partner_client, site, version):
    url = f"/sites/{site.slug}/surveys/{version.instrument.public_id}/paper/"
    data = {**_form(version, all_answers("2")), "completed_on": "2013-05-01", "reference": "Ward 7 bed 3"}  # fmt: skip
    response = partner_client.post(url, data)
    assert response.status_code == 302
    stored = SurveyResponse.objects.get()
    assert stored.respondent.code == services.pseudonym(site, "ward 7  bed 3")
    assert "Ward 7" not in json.dumps(
        list(AuditEvent.objects.values("before", "after", "object_repr"))
    )


@pytest.mark.django_db
def test_paper_bad_input_keeps_what_was_typed(member_client, site, version):
    url = f"/sites/{site.slug}/surveys/{version.instrument.public_id}/paper/"
    future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = member_client.post(url, {**_form(version, {"q1": "4", "q2": "7"}), "completed_on": future, "code": "NOT-A-CODE"})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert "cannot be in the future" in page and "Choose one of the options shown." in page
    assert 'value="NOT-A-CODE"' in page
    assert not SurveyResponse.objects.exists()


@pytest.mark.django_db
def test_audit_says_a_response_was_submitted_but_not_what(client, site, version):
    link = make_link(site, version)
    client.post(_link_url(link), {**_form(version, all_answers("3")), "action": "submit"})
    event = AuditEvent.objects.get(action="survey.response.submit")
    assert event.actor_label == "system:respondent"
    assert set(event.after) == {"mode", "instrument", "version"}


@pytest.mark.django_db
def test_roles(viewer_client, partner_client, member_client, site, version):
    base = f"/sites/{site.slug}/surveys/{version.instrument.public_id}/"
    assert viewer_client.get(base + "results/").status_code == 200
    assert viewer_client.get(base + "paper/").status_code == 403
    assert viewer_client.get(base + "links/new/").status_code == 403
    assert partner_client.get(base + "paper/").status_code == 200
    assert partner_client.get(base + "links/new/").status_code == 403
    assert partner_client.get(base + "responses.json").status_code == 403
    assert member_client.get(base + "kiosks/new/").status_code == 200


@pytest.mark.django_db
def test_outsider_gets_404_for_another_sites_instrument(outsider_client, other_site, site, version):
    base = f"/sites/{other_site.slug}/surveys/{version.instrument.public_id}/"
    for path in ("", "results/", "paper/", "links/new/", "kiosks/new/", "responses.json"):
        assert outsider_client.get(base + path).status_code == 404, path
    assert version.instrument.title not in outsider_client.get(f"/sites/{other_site.slug}/surveys/").content.decode()  # fmt: skip
    with pytest.raises(ServiceError):
        services.create_link(other_site, version, actor=services.RESPONDENT_ACTOR, days=3)


@pytest.mark.django_db
def test_fhir_downloads_validate(lead_client, site, version):
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.questionnaire import Questionnaire

    services.record_paper_response(site, version, actor=services.RESPONDENT_ACTOR, raw=all_answers(), completed_on=dt.date(2013, 1, 1))  # fmt: skip
    base = f"/sites/{site.slug}/surveys/{version.instrument.public_id}/"
    q = lead_client.get(base + f"versions/{version.public_id}/questionnaire.json")
    Questionnaire.model_validate(json.loads(q.content))
    b = lead_client.get(base + "responses.json")
    assert len(Bundle.model_validate(json.loads(b.content)).entry) == 1
