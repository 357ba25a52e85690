"""FHIR import and export: validation, round trips, bad files and a fuzz of the importer."""

from __future__ import annotations

import copy
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imroc.core.services import ServiceError
from imroc.surveys import fhir, services
from imroc.surveys.models import Instrument, InstrumentVersion
from tests.surveys.factories import ACTOR, FIXTURE, all_answers, licensed_version

VALID = json.loads(FIXTURE.read_text())


def test_fixture_imports_as_a_15_item_instrument_scored_0_to_60():
    parsed = fhir.parse_questionnaire(FIXTURE.read_bytes())
    assert parsed.key == "recovery-process-15"
    assert len(parsed.definition["items"]) == 15
    from imroc.surveys import engine

    assert engine.score_range(parsed.definition) == (0, 60)
    assert parsed.validated is True and parsed.commercial_use is False
    assert "licensee" in parsed.definition["items"][0]["text"]


@pytest.mark.django_db
def test_export_validates_and_round_trips(site):
    version = licensed_version(site)
    exported = fhir.questionnaire(version)
    Questionnaire.model_validate(exported)  # the R4B model accepts it
    again = fhir.parse_questionnaire(json.dumps(exported).encode())
    original = fhir.parse_questionnaire(FIXTURE.read_bytes())
    assert again.definition == original.definition
    assert again.checksum() == version.checksum
    # Importing the export changes nothing: it is the same instrument.
    same, created = services.import_fhir(site, content=json.dumps(exported).encode(), filename="x.json", actor=ACTOR)  # fmt: skip
    assert not created and same == version


@pytest.mark.django_db
def test_our_instruments_round_trip_too(site, framework):
    for version, _ in services.load_programme_instruments(site.programme, actor=ACTOR):
        exported = fhir.questionnaire(version)
        Questionnaire.model_validate(exported)
        parsed = fhir.parse_questionnaire(json.dumps(exported).encode())
        assert parsed.definition == version.definition, version.instrument.key
        assert parsed.checksum() == version.checksum, version.instrument.key


@pytest.mark.django_db
def test_changed_file_makes_a_new_version_and_keeps_the_old(site):
    first = licensed_version(site)
    changed = copy.deepcopy(VALID)
    changed["item"][0]["text"] = "Item 1 wording supplied by licensee, revised"
    second, created = services.import_fhir(site, content=json.dumps(changed).encode(), filename="v2.json", actor=ACTOR)  # fmt: skip
    assert created and second.number == 2 and second.instrument == first.instrument
    first.refresh_from_db()
    assert first.definition["items"][0]["text"] == "Item 1 wording supplied by licensee"


@pytest.mark.django_db
def test_response_export_validates(site):
    version = licensed_version(site)
    respondent = services.respondent_for(site, reference="local-123")
    response = services.record_paper_response(site, version, actor=ACTOR, raw=all_answers("3"), completed_on=version.published_at.date(), respondent=respondent)  # fmt: skip
    entry = fhir.questionnaire_response(response, version, site.public_id, respondent.code)
    QuestionnaireResponse.model_validate(entry)
    bundle = fhir.response_bundle([entry])
    Bundle.model_validate(bundle)
    assert entry["subject"]["identifier"]["value"] == respondent.code
    assert "local-123" not in json.dumps(bundle)


def _mutated(path, value):
    data = copy.deepcopy(VALID)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not text"),
        (b"[]", "resourceType"),
        (json.dumps({"resourceType": "Patient"}).encode(), "resourceType"),
        (_mutated(["item", 0, "type"], "attachment"), "cannot collect"),
        (_mutated(["item", 0, "type"], "not-a-type"), "cannot collect"),
        (_mutated(["item", 0, "linkId"], 7), "valid FHIR"),
        (_mutated(["item", 1, "linkId"], "q1"), "used twice"),
        (
            _mutated(
                ["item", 0, "enableWhen"],
                [{"question": "q2", "operator": "=", "answerCoding": {"code": "1"}}],
            ),
            None,
        ),
        (_mutated(["extension", 0, "valueString"], "{broken"), "scoring extension"),
        (
            _mutated(
                ["extension", 0, "valueString"], json.dumps({"method": "sum", "items": ["q99"]})
            ),
            "not a question",
        ),
    ],
)
@pytest.mark.django_db
def test_bad_files_get_a_clear_message_and_write_nothing(site, content, message):
    if message is None:  # a valid condition: imports
        services.import_fhir(site, content=content, filename="ok.json", actor=ACTOR)
        return
    with pytest.raises(ServiceError) as error:
        services.import_fhir(site, content=content, filename="bad.json", actor=ACTOR)
    assert message in str(error.value)
    assert not Instrument.objects.exists() and not InstrumentVersion.objects.exists()


@pytest.mark.django_db
def test_circular_conditions_in_a_file_are_refused(site):
    data = copy.deepcopy(VALID)
    data["item"][0]["enableWhen"] = [
        {"question": "q2", "operator": "exists", "answerBoolean": True}
    ]
    data["item"][1]["enableWhen"] = [
        {"question": "q1", "operator": "exists", "answerBoolean": True}
    ]
    with pytest.raises(ServiceError, match="circle"):
        services.import_fhir(site, content=json.dumps(data).encode(), filename="loop.json", actor=ACTOR)  # fmt: skip
    assert not InstrumentVersion.objects.exists()


def test_a_non_json_file_name_is_refused(site):
    with pytest.raises(ServiceError, match=r"\.json"):
        services.import_fhir(site, content=FIXTURE.read_bytes(), filename="q.exe", actor=ACTOR)


# --- Fuzz: any input either imports or raises FhirError, never anything else ------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = ["linkId", "type", "text", "required", "repeats", "answerOption", "enableWhen", "item", "extension", "maxLength", "enableBehavior"]  # fmt: skip
TYPES = ["choice", "integer", "decimal", "boolean", "group", "display", "string", "text", "date", "url", "open-choice"]  # fmt: skip


def _check(content: bytes) -> None:
    try:
        fhir.parse_questionnaire(content)
    except fhir.FhirError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_fuzz_random_json(value):
    _check(json.dumps(value).encode())
    if isinstance(value, dict):
        _check(json.dumps({"resourceType": "Questionnaire", "status": "active", **value}).encode())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 14), st.sampled_from(FIELDS), json_values | st.sampled_from(TYPES),
    st.sampled_from(["item", "extension", "title", "name", "status", None]), json_values,
)  # fmt: skip
def test_fuzz_mutated_valid_files(index, field, value, top, top_value):
    data = copy.deepcopy(VALID)
    data["item"][index][field] = value
    if top:
        data[top] = top_value
    _check(json.dumps(data).encode())


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_fuzz_random_bytes(content):
    _check(content)
