"""Translations of a questionnaire version: the file format, loading, Welsh forms, fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from imroc.core.models import AuditEvent
from imroc.core.services import ServiceError
from imroc.surveys import services, tokens
from imroc.surveys import translation as survey_translation
from imroc.surveys.forms import AnswerForm
from imroc.surveys.models import SurveyResponse
from tests.surveys.factories import ACTOR, make_kiosk, make_link

DATA = Path(services.__file__).resolve().parent / "data"
AGREE_CY = {"1": "Anghytuno'n gryf", "2": "Anghytuno", "3": "Ddim yn siŵr", "4": "Cytuno", "5": "Cytuno'n gryf"}  # fmt: skip


@pytest.fixture
def ours(site):
    """Our bundled instruments, loaded with their translations: {key: version}."""
    return {
        v.instrument.key: v
        for v, _ in services.load_programme_instruments(site.programme, actor=ACTOR)
    }


def _link_url(link):
    return reverse("respond:link", kwargs={"link_token": tokens.make(tokens.LINK, link.public_id)})


def _kiosk_url(kiosk):
    return reverse(
        "respond:kiosk", kwargs={"kiosk_token": tokens.make(tokens.KIOSK, kiosk.public_id)}
    )


def _post(version, answers):
    form = AnswerForm(version.definition)
    return {form.names[k]: v for k, v in answers.items()}


PULSE_ANSWERS = {
    "hope-1": "4", "hope-2": "5", "hope-3": "3", "agency-1": "4", "agency-2": "2",
    "agency-3": "4", "opportunity-1": "5", "opportunity-2": "3", "opportunity-3": "4", "better": "true",
    "better-what": "More evening groups",
}  # fmt: skip


# --- The file format ---------------------------------------------------------------------------


def _problems(text: str) -> list[str]:
    with pytest.raises(survey_translation.TranslationError) as error:
        survey_translation.parse(text, "x.cy.yaml")
    return error.value.problems


def test_parse_reports_each_problem_with_its_line():
    problems = _problems(
        "instrument: course-feedback\n"
        "language: fr\n"
        "title: Adborth\n"
        "items:\n"
        "  welcome:\n"
        "    options: {'1': Anghytuno}\n"
        "  clear:\n"
        "    text: Hawdd\n"
        "    help: Nid yw hyn yn cael ei gyfieithu\n"
        "    options: {'2': ''}\n"
    )
    text = "\n".join(problems)
    assert "x.cy.yaml, line 2: the language “fr” is not one imroc offers (en-gb, cy)." in text
    assert "x.cy.yaml, line 5: question “welcome” has no text." in text
    assert "x.cy.yaml, line 9: question “clear”: “help” is not translated" in text
    assert "x.cy.yaml, line 10: option “2” of “clear” has no label." in text


def test_parse_refuses_bad_yaml_and_a_missing_instrument():
    assert _problems("items: [unclosed\n")[0].startswith(
        "x.cy.yaml, line 2: this is not valid YAML"
    )
    assert _problems("language: cy\n") == [
        "x.cy.yaml, line 1: name the instrument it translates, as “instrument: <key>”."
    ]
    assert _problems("- a list\n")[0].startswith("x.cy.yaml, line 1: a translation file must be")


@pytest.mark.django_db
def test_check_refuses_unknown_questions_options_and_the_wrong_instrument(ours):
    version = ours["course-feedback"]
    parsed = survey_translation.parse(
        "instrument: staff-pulse\n"
        "language: cy\n"
        "version: 7\n"
        "items:\n"
        "  welcome:\n"
        "    text: Croeso\n"
        "    options: {'9': Naw}\n"
        "  no-such-question:\n"
        "    text: Dim\n",
        "bad.cy.yaml",
    )
    with pytest.raises(survey_translation.TranslationError) as error:
        survey_translation.check(parsed, version)
    problems = error.value.problems
    assert "bad.cy.yaml, line 1: this file translates “staff-pulse”, not “course-feedback”." in problems  # fmt: skip
    assert "bad.cy.yaml, line 3: this file translates version 7, but the version being translated is 1." in problems  # fmt: skip
    assert "bad.cy.yaml, line 7: question “welcome” has no option “9”." in problems
    assert "bad.cy.yaml, line 8: there is no question “no-such-question” in course-feedback version 1." in problems  # fmt: skip


@pytest.mark.django_db
def test_a_file_in_the_versions_own_language_is_refused(ours, tmp_path):
    path = tmp_path / "course-feedback.en-gb.yaml"
    path.write_text("instrument: course-feedback\nlanguage: en-gb\ntitle: Feedback\n")
    with pytest.raises(ServiceError, match="line 2: the questionnaire is already written in “en”"):
        services.load_translation_file(ours["course-feedback"], path, actor=ACTOR)


@pytest.mark.django_db
def test_a_bad_bundled_translation_stops_the_whole_load(site, tmp_path):
    source = tmp_path / "course-feedback.yaml"
    source.write_text((DATA / "course-feedback.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "course-feedback.cy.yaml").write_text(
        "instrument: course-feedback\nlanguage: cy\nitems:\n  nope:\n    text: Na\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ServiceError, match=r"course-feedback\.cy\.yaml, line 4: there is no question “nope”"
    ):
        services.load_programme_instruments(site.programme, actor=ACTOR, paths=[source])
    assert not site.programme.survey_instruments.exists()


# --- Loading -----------------------------------------------------------------------------------


def test_bundled_files_leave_out_translations():
    names = [p.name for p in services.bundled_files()]
    assert names == ["course-feedback.yaml", "learning-set-evaluation.yaml", "recovery-support-pulse.yaml", "staff-pulse.yaml"]  # fmt: skip


@pytest.mark.django_db
def test_every_bundled_instrument_has_a_complete_welsh_translation(ours):
    for path in services.bundled_files():
        welsh = path.with_name(f"{path.stem}.cy.yaml")
        assert welsh.is_file(), f"{welsh.name} is missing"
        key = survey_translation.read(welsh).instrument
        assert survey_translation.missing(ours[key], "cy") == [], key
        assert ours[key].translations["cy"]["title"] != ours[key].title


@pytest.mark.django_db
def test_loading_is_audited_once_and_changes_no_definition(site, ours):
    events = AuditEvent.objects.filter(action="survey.instrument.translation")
    assert events.count() == 4
    event = events.get(object_repr__startswith="Recovery college course feedback")
    assert event.after["language"] == "cy" and event.after["missing"] == 0
    before = {k: (v.definition, v.checksum, v.number) for k, v in ours.items()}
    again = {v.instrument.key: v for v, _ in services.load_programme_instruments(site.programme, actor=ACTOR)}  # fmt: skip
    assert {k: (v.definition, v.checksum, v.number) for k, v in again.items()} == before
    assert events.count() == 4  # the same text again writes nothing


@pytest.mark.django_db
def test_a_changed_translation_updates_the_same_version(ours, tmp_path):
    version = ours["staff-pulse"]
    path = tmp_path / "staff-pulse.cy.yaml"
    path.write_text(
        "instrument: staff-pulse\nlanguage: cy\ntitle: Teitl newydd\n", encoding="utf-8"
    )
    assert services.load_translation_file(version, path, actor=ACTOR) is True
    version.refresh_from_db()
    assert version.translations["cy"]["title"] == "Teitl newydd"
    assert version.number == 1
    assert "the text of “s1”" in survey_translation.missing(version, "cy")


# --- Showing the questionnaire ------------------------------------------------------------------


@pytest.mark.django_db
def test_shown_uses_the_active_language_and_falls_back(ours):
    version = ours["recovery-support-pulse"]
    with translation.override("cy"):
        welsh = survey_translation.shown(version)
    assert welsh.title.startswith("Profiad o gymorth adfer")
    items = {i["link_id"]: i for i, _ in _walk(welsh.definition)}
    assert items["hope-1"]["text"] == "Mae'r staff yn credu y galla i gael bywyd da."
    assert [o["display"] for o in items["hope-1"]["options"]] == list(AGREE_CY.values())
    # Codes, weights and scoring are the version's own.
    assert [o["code"] for o in items["hope-1"]["options"]] == ["1", "2", "3", "4", "5"]
    assert welsh.definition["scoring"] == version.definition["scoring"]
    assert version.definition["items"][1]["items"][0]["text"] == "Staff believe I can have a good life."  # fmt: skip
    with translation.override("en-gb"):
        assert survey_translation.shown(version).definition is version.definition


@pytest.mark.django_db
def test_untranslated_text_falls_back_to_the_source(ours, tmp_path):
    version = ours["course-feedback"]
    path = tmp_path / "course-feedback.cy.yaml"
    path.write_text(
        "instrument: course-feedback\nlanguage: cy\nitems:\n  welcome:\n    text: Croeso\n",
        encoding="utf-8",
    )
    services.load_translation_file(version, path, actor=ACTOR)
    welsh = survey_translation.shown(version, "cy")
    items = {i["link_id"]: i for i, _ in _walk(welsh.definition)}
    assert items["welcome"]["text"] == "Croeso"
    assert items["welcome"]["options"][0]["display"] == "Strongly disagree"
    assert items["clear"]["text"] == "The course was easy to follow."
    assert welsh.title == "Recovery college course feedback"


def _walk(definition):
    from imroc.surveys import engine

    return engine.walk(definition["items"])


@pytest.mark.django_db
def test_respondent_sees_welsh_with_the_language_cookie(client, site, ours):
    version = ours["recovery-support-pulse"]
    link = make_link(site, version)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = client.get(_link_url(link)).content.decode()
    assert 'lang="cy"' in page
    assert "Profiad o gymorth adfer" in page
    assert "Mae&#x27;r staff yn credu y galla i gael bywyd da." in page
    assert "Cytuno&#x27;n gryf" in page and "Rheolaeth a dewis" in page
    assert "Staff believe I can have a good life." not in page


@pytest.mark.django_db
def test_respondent_sees_english_without_a_choice(client, site, ours):
    link = make_link(site, ours["recovery-support-pulse"])
    page = client.get(_link_url(link)).content.decode()
    assert "Staff believe I can have a good life." in page and "Profiad" not in page


@pytest.mark.django_db
def test_kiosk_and_staff_preview_follow_the_language(client, lead_client, site, ours):
    version = ours["staff-pulse"]
    kiosk = make_kiosk(site, version)
    with translation.override("cy"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
        assert "Eich rôl" in client.get(_kiosk_url(kiosk)).content.decode()
        lead_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
        preview = lead_client.get(f"/sites/{site.slug}/surveys/{version.instrument.public_id}/").content.decode()  # fmt: skip
        assert "Eich rôl" in preview and "Cymraeg" in preview
        paper = lead_client.get(f"/sites/{site.slug}/surveys/{version.instrument.public_id}/paper/").content.decode()  # fmt: skip
        assert "Eich rôl" in paper


@pytest.mark.django_db
def test_scores_are_the_same_whichever_language_answered(client, site, ours):
    version = ours["recovery-support-pulse"]
    english, welsh = make_link(site, version), make_link(site, version)
    data = {**_post(version, PULSE_ANSWERS), "action": "submit"}
    assert client.post(_link_url(english), data).status_code == 200
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    assert client.post(_link_url(welsh), data).status_code == 200
    first = SurveyResponse.objects.get(link=english)
    second = SurveyResponse.objects.get(link=welsh)
    assert (first.language, second.language) == ("en-gb", "cy")
    for field in ("answers", "score", "subscale_scores", "band", "missing", "prorated"):
        assert getattr(first, field) == getattr(second, field), field
    assert first.score is not None and first.band  # a real score, not two empty ones
    assert second.answers["better-what"] == "More evening groups"


@pytest.mark.django_db
def test_kiosk_records_the_language(client, site, ours):
    version = ours["staff-pulse"]
    kiosk = make_kiosk(site, version)
    answers = {f"s{n}": "4" for n in range(1, 7)}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    assert client.post(_kiosk_url(kiosk), _post(version, answers)).status_code == 302
    response = SurveyResponse.objects.get(kiosk=kiosk)
    assert response.language == "cy" and response.score == 24


@pytest.mark.django_db
def test_outsider_cannot_preview_another_sites_instrument_in_welsh(outsider_client, other_site, site):  # fmt: skip
    from tests.surveys.factories import licensed_version

    version = licensed_version(site)
    outsider_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    base = f"/sites/{other_site.slug}/surveys/{version.instrument.public_id}/"
    assert outsider_client.get(base).status_code == 404
    assert outsider_client.get(base + "paper/").status_code == 404


@pytest.mark.django_db
def test_fhir_response_export_says_the_language(client, site, ours):
    from imroc.surveys import fhir

    version = ours["staff-pulse"]
    kiosk = make_kiosk(site, version)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    client.post(_kiosk_url(kiosk), _post(version, {f"s{n}": "3" for n in range(1, 7)}))
    response = SurveyResponse.objects.get(kiosk=kiosk)
    entry = fhir.questionnaire_response(response, version, site.public_id, None)
    assert entry["language"] == "cy"
    fhir.response_bundle([entry])  # still a valid FHIR bundle


@pytest.mark.django_db
def test_answer_errors_are_shown_in_the_active_language(ours):
    from imroc.surveys import engine

    version = ours["course-feedback"]
    checked = engine.check_answers(version.definition, {"sessions": "99"}, final=True)
    assert checked.errors["sessions"] == "Enter a number from 0 to 30."
    assert checked.errors["welcome"] == "Choose an answer."
    form = AnswerForm(version.definition, {})
    form.show(checked)
    assert form.errors[form.names["sessions"]] == ["Enter a number from 0 to 30."]
