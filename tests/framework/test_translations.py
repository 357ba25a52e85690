"""Per-version translations of the framework: the file format, loading, and display."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from imroc.core.audit import SystemActor
from imroc.core.models import AuditEvent
from imroc.framework import queries, services
from imroc.framework.fields import raw_text
from imroc.framework.loader import FrameworkFileError, parse_framework, parse_translation
from imroc.framework.models import Challenge, Descriptor, FrameworkVersion, Stage
from tests.framework.test_loader import SMALL

DATA = Path(__file__).resolve().parents[2] / "src/imroc/framework/data"
ACTOR = SystemActor("tests")


SMALL_CY = """\
key: test
version: "1"
language: cy
title: Fframwaith bach
stages:
  engagement:
    name: Ymgysylltu
    summary: Dechrau.
  development:
    name: Datblygu
    summary: Newid mewn rhannau.
challenges:
  interactions:
    title: Rhyngweithio bob dydd
    summary: Sut mae pobl yn cael eu trin.
    descriptors:
      engagement: Mae rhai staff yn siarad am obaith.
      development: Mae'r rhan fwyaf o dimau'n ysgrifennu cynlluniau gyda phobl.
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(FrameworkFileError) as caught:
        services.load_translation(text.encode(), "small.cy.yaml", ACTOR)
    return caught.value.lines()


@pytest.fixture
def small(db):
    return services.load_framework(SMALL.encode(), "small.yaml", ACTOR)


# The file format ------------------------------------------------------------------------


def test_a_good_translation_parses():
    data = parse_translation(SMALL_CY.encode(), "small.cy.yaml")
    assert (data.key, data.version, data.language) == ("test", "1", "cy")
    assert data.stages["development"] == {"name": "Datblygu", "summary": "Newid mewn rhannau."}
    # A missing short title is cut from the title, as in a framework file.
    assert data.challenges["interactions"]["short_title"] == "Rhyngweithio bob dydd"
    assert data.descriptors[("interactions", "engagement")].startswith("Mae rhai staff")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("language: cy", "language: fr"),
         "small.cy.yaml, line 3: The language 'fr' is not one imroc offers (cy, en-gb)"),
        (("language: cy\n", ""),
         "small.cy.yaml, line 1: The translation is missing the field 'language'"),
        (("    summary: Dechrau.", "    summary: ''"),
         "small.cy.yaml, line 8: Stage 'engagement' summary is empty"),
        (("    title: Rhyngweithio bob dydd\n", ""),
         "small.cy.yaml, line 14: Challenge 'interactions' is missing the field 'title'"),
        (("    name: Datblygu", "    name: Datblygu\n    colour: coch"),
         "small.cy.yaml, line 11: Stage 'development' has an unknown field 'colour'"),
        (("  development:\n    name", "  Development Stage:\n    name"),
         "line 9: The stages: the slug 'Development Stage' should use only small letters"),
    ],
)  # fmt: skip
def test_problems_in_the_file_name_the_line(change, expected):
    old, new = change
    assert old in SMALL_CY
    with pytest.raises(FrameworkFileError) as caught:
        parse_translation(SMALL_CY.replace(old, new, 1).encode(), "small.cy.yaml")
    assert any(expected in p for p in caught.value.lines()), caught.value.lines()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('version: "1"', 'version: "2"'),
         "small.cy.yaml, line 2: version 2 of 'test' is not loaded"),
        (("  interactions:", "  everyday:"),
         "small.cy.yaml, line 13: Challenge 'everyday' is not a challenge of this version"),
        (("  interactions:", "  everyday:"),
         "small.cy.yaml, line 12: The challenges are missing a translation of 'interactions'"),
        (("  development:\n    name", "  transformation:\n    name"),
         "small.cy.yaml, line 9: Stage 'transformation' is not a stage of this version"),
        (("      development: Mae'r", "      transformation: Mae'r"),
         "line 18: Challenge 'interactions' has no descriptor for stage 'transformation'"),
        (("      development: Mae'r rhan fwyaf o dimau'n ysgrifennu cynlluniau gyda phobl.\n", ""),
         "line 17: Challenge 'interactions' descriptors are missing a translation of 'development'"),
        (("language: cy", "language: en-gb"),
         "small.cy.yaml, line 3: version 1 of 'test' is already written in 'en'"),
    ],
)  # fmt: skip
def test_a_translation_must_match_its_version(small, change, expected):
    old, new = change
    assert old in SMALL_CY
    problems = _problems(SMALL_CY.replace(old, new, 1))
    assert expected in "\n".join(problems), problems
    assert Challenge.objects.get().translations == {}


# Loading ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_loading_a_translation_keeps_the_source_and_is_audited(small):
    services.publish_version(small, ACTOR)
    services.load_translation(SMALL_CY.encode(), "small.cy.yaml", ACTOR)
    small.refresh_from_db()
    assert small.status == "published"  # a published version can be translated
    assert small.translations == {"cy": {"title": "Fframwaith bach"}}
    challenge = Challenge.objects.get()
    assert challenge.translations["cy"]["title"] == "Rhyngweithio bob dydd"
    assert raw_text(challenge, "title") == "Everyday interactions"
    assert small.checksum == parse_framework(SMALL.encode(), "small.yaml").checksum
    event = AuditEvent.objects.get(action="framework.translate")
    assert event.after["language"] == "cy"
    assert event.after["descriptors"] == 2

    # The same file again changes nothing and records nothing.
    services.load_translation(SMALL_CY.encode(), "small.cy.yaml", ACTOR)
    assert AuditEvent.objects.filter(action="framework.translate").count() == 1

    # Changed wording replaces that language's wording.
    services.load_translation(
        SMALL_CY.replace("Dechrau.", "Cychwyn.").encode(), "small.cy.yaml", ACTOR
    )
    with translation.override("cy"):
        assert Stage.objects.get(slug="engagement").summary == "Cychwyn."
    assert AuditEvent.objects.filter(action="framework.translate").count() == 2


@pytest.mark.django_db
def test_the_bundled_framework_loads_with_its_welsh_translation():
    version = services.load_bundled_frameworks(ACTOR)[0]
    version.refresh_from_db()
    assert version.status == "published"
    assert FrameworkVersion.objects.count() == 1  # the .cy.yaml file is not a framework
    assert set(version.translations) == {"cy"}
    assert all("cy" in s.translations for s in version.stages.all())
    assert all("cy" in c.translations for c in version.challenges.all())
    descriptors = Descriptor.objects.filter(challenge__framework_version=version)
    assert descriptors.count() == 30
    assert all("cy" in d.translations for d in descriptors)


def test_the_bundled_welsh_file_covers_every_slug_of_the_framework():
    source = parse_framework((DATA / "imroc-2011.yaml").read_bytes(), "imroc-2011.yaml")
    welsh = parse_translation((DATA / "imroc-2011.cy.yaml").read_bytes(), "imroc-2011.cy.yaml")
    assert (welsh.key, welsh.version, welsh.language) == (source.key, source.version, "cy")
    assert welsh.title
    assert list(welsh.stages) == [s.slug for s in source.stages]
    assert list(welsh.challenges) == [c.slug for c in source.challenges]
    assert set(welsh.descriptors) == {
        (c.slug, stage) for c in source.challenges for stage in c.descriptors
    }
    for challenge in source.challenges:
        cy = welsh.challenges[challenge.slug]
        assert cy["title"] and cy["short_title"] and cy["summary"]
        assert cy["title"] != challenge.title
    assert all(welsh.stages[s.slug]["name"] != s.name for s in source.stages)


@pytest.mark.django_db
def test_cli_translate_loads_a_file_and_refuses_a_bad_one(small, tmp_path, capsys):
    good = tmp_path / "small.cy.yaml"
    good.write_text(SMALL_CY)
    call_command("framework", "translate", str(good))
    assert "test 1: translated into cy" in capsys.readouterr().out
    broken = tmp_path / "broken.cy.yaml"
    broken.write_text(SMALL_CY.replace("  interactions:", "  everyday:"))
    with pytest.raises(CommandError) as caught:
        call_command("framework", "translate", str(broken))
    assert caught.value.returncode == 2
    assert "broken.cy.yaml, line 13: Challenge 'everyday' is not a challenge" in str(caught.value)
    with pytest.raises(CommandError) as caught:
        call_command("framework", "translate", str(tmp_path / "missing.cy.yaml"))
    assert caught.value.returncode == 2
    assert "cannot read the file" in str(caught.value)


# Display ------------------------------------------------------------------------------


@pytest.fixture
def translated(small):
    services.load_translation(SMALL_CY.encode(), "small.cy.yaml", ACTOR)
    return FrameworkVersion.objects.get(pk=small.pk)


@pytest.mark.django_db
def test_welsh_is_shown_when_welsh_is_active(translated):
    with translation.override("cy"):
        version = FrameworkVersion.objects.get(pk=translated.pk)
        stages, challenges = queries.grid(version)
        assert version.title == "Fframwaith bach"
        assert [s.name for s in stages] == ["Ymgysylltu", "Datblygu"]
        assert stages[0].summary == "Dechrau."
        challenge = challenges[0]
        assert challenge.title == "Rhyngweithio bob dydd"
        assert challenge.short_title == "Rhyngweithio bob dydd"
        assert challenge.summary == "Sut mae pobl yn cael eu trin."
        texts = [d.text for d in challenge.descriptors.all()]
        assert texts[0] == "Mae rhai staff yn siarad am obaith."
        assert str(challenge) == "1. Rhyngweithio bob dydd"
    with translation.override("en-gb"):
        assert challenge.title == "Everyday interactions"
        assert version.title == "A small framework"


@pytest.mark.django_db
def test_a_language_with_no_translation_falls_back_to_the_source(translated):
    challenge = Challenge.objects.get()
    for language in ("en-gb", "fr", "de"):
        with translation.override(language):
            assert challenge.title == "Everyday interactions"
            assert challenge.summary == "How people are treated."
    with translation.override(None):
        assert challenge.title == "Everyday interactions"
    # A regional code finds the translation for its language.
    with translation.override("cy-gb"):
        assert challenge.title == "Rhyngweithio bob dydd"
    # A row with no translation shows its source even in Welsh.
    Challenge.objects.update(translations={})
    with translation.override("cy"):
        assert Challenge.objects.get().title == "Everyday interactions"


@pytest.mark.django_db
def test_saving_while_welsh_is_active_keeps_the_english_source(translated):
    with translation.override("cy"):
        challenge = Challenge.objects.get()
        assert challenge.title == "Rhyngweithio bob dydd"
        challenge.number = 2
        challenge.full_clean()
        challenge.save()
        stage = Stage.objects.get(slug="engagement")
        stage.save(update_fields=["name", "summary"])
        descriptor = Descriptor.objects.first()
        descriptor.save()
        translated.save()
    challenge = Challenge.objects.get()
    assert (challenge.number, challenge.title) == (2, "Everyday interactions")
    assert challenge.summary == "How people are treated."
    assert Stage.objects.get(slug="engagement").name == "Engagement"
    assert Descriptor.objects.get(pk=descriptor.pk).text == "Some staff talk about hope."
    assert FrameworkVersion.objects.get().title == "A small framework"
    # Refreshing and bulk updates while Welsh is active also keep the source.
    with translation.override("cy"):
        challenge.refresh_from_db()
        assert challenge.title == "Rhyngweithio bob dydd"
        challenge.save()
        Challenge.objects.bulk_update([challenge], ["title", "summary"])
    assert Challenge.objects.values_list("title", flat=True).get() == "Everyday interactions"
    # A new value set in Welsh is saved as it was typed.
    with translation.override("cy"):
        challenge.short_title = "Interactions"
        challenge.save()
    assert Challenge.objects.values_list("short_title", flat=True).get() == "Interactions"


@pytest.mark.django_db
def test_model_forms_and_filters_use_the_source_text(translated):
    from django import forms

    class ChallengeForm(forms.ModelForm):
        class Meta:
            model = Challenge
            fields = ["title", "short_title", "summary"]

    with translation.override("cy"):
        challenge = Challenge.objects.get()
        form = ChallengeForm(instance=challenge)
        assert form.initial["title"] == "Everyday interactions"
        bound = ChallengeForm(
            {"title": "Everyday interactions", "short_title": "Everyday", "summary": "How."},
            instance=challenge,
        )
        assert bound.is_valid(), bound.errors
        bound.save()
        assert Challenge.objects.filter(title="Everyday interactions").exists()
        assert not Challenge.objects.filter(title="Rhyngweithio bob dydd").exists()
    assert Challenge.objects.values_list("title", "short_title").get() == (
        "Everyday interactions",
        "Everyday",
    )


@pytest.mark.django_db
def test_showing_a_translation_costs_no_extra_queries(translated):
    def read_grid():
        with CaptureQueriesContext(connection) as captured:
            stages, challenges = queries.grid(translated)
            words = [s.name for s in stages] + [
                d.text for c in challenges for d in c.descriptors.all()
            ]
            words += [c.title + c.short_title + c.summary for c in challenges]
        return len(captured), words

    english_count, english = read_grid()
    with translation.override("cy"):
        welsh_count, welsh = read_grid()
    assert welsh_count == english_count
    assert welsh != english
    assert "Datblygu" in welsh
