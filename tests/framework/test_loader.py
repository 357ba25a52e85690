from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from imroc.core.audit import SystemActor
from imroc.core.models import AuditEvent
from imroc.core.services import ServiceError
from imroc.framework import services
from imroc.framework.loader import FrameworkFileError, parse_framework
from imroc.framework.models import FrameworkVersion

SHIPPED = Path(__file__).resolve().parents[2] / "src/imroc/framework/data/imroc-2011.yaml"
SLUGS = [
    "interactions", "education", "recovery-college", "leadership", "personalisation",
    "workforce", "risk", "involvement", "staff-support", "life-beyond-illness",
]  # fmt: skip

SMALL = """\
key: test
version: "1"
title: A small framework
stages:
  - slug: engagement
    order: 1
    name: Engagement
    summary: Starting.
  - slug: development
    order: 2
    name: Development
    summary: Changing in parts.
challenges:
  - slug: interactions
    number: 1
    title: Everyday interactions
    summary: How people are treated.
    descriptors:
      engagement: Some staff talk about hope.
      development: Most teams write plans with people.
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework(text.encode(), "broken.yaml")
    return caught.value.lines()


def test_the_shipped_framework_has_ten_challenges_on_three_stages():
    data = parse_framework(SHIPPED.read_bytes(), SHIPPED.name)
    assert [c.slug for c in data.challenges] == SLUGS
    assert [c.number for c in data.challenges] == list(range(1, 11))
    assert [s.slug for s in data.stages] == ["engagement", "development", "transformation"]
    for challenge in data.challenges:
        assert set(challenge.descriptors) == {"engagement", "development", "transformation"}
        assert all(len(text) > 40 for text in challenge.descriptors.values())


def test_a_good_small_file_parses():
    data = parse_framework(SMALL.encode(), "small.yaml")
    assert data.version == "1"
    assert data.challenges[0].descriptors["development"].startswith("Most teams")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("      development: Most teams write plans with people.\n", ""),
         "broken.yaml, line 19: Challenge 'interactions' descriptors is missing the field 'development'"),
        (("title: A small framework", "title: A small framework\ncolour: blue"),
         "broken.yaml, line 4: The framework has an unknown field 'colour'"),
        (("    number: 1\n", "    number: one\n"),
         "broken.yaml, line 15: Challenge 'interactions' number should be a whole number, not 'one'"),
        (("    order: 2\n", "    order: 3\n"),
         "The stages should be numbered 1, 2, 3"),
        (("  - slug: development", "  - slug: Development Stage"),
         "line 9: The stage slug 'Development Stage' should use only small letters"),
        (("    summary: How people are treated.", "    summary: ''"),
         "line 17: Challenge 'interactions' summary is empty"),
        (("      engagement: Some staff talk about hope.", "      engagement: Some\n      beginning: x"),
         "line 20: Challenge 'interactions' descriptors has an unknown field 'beginning'"),
        (("title: A small framework", "title: [not, text]"),
         "line 3: The title should be text"),
    ],
)  # fmt: skip
def test_problems_name_the_file_line_and_what_is_wrong(change, expected):
    old, new = change
    assert old in SMALL
    problems = _problems(SMALL.replace(old, new, 1))
    assert any(expected in p for p in problems), problems


def test_lists_must_be_lists():
    problems = _problems('key: t\nversion: "1"\ntitle: T\nstages: none\nchallenges: []\n')
    assert "broken.yaml, line 4: The list of stages should be a list" in problems
    assert "broken.yaml, line 5: The list of challenges is empty" in problems


def test_invalid_yaml_names_its_line():
    problems = _problems(SMALL.replace("    name: Development\n", "    name: [Development\n"))
    assert problems[0].startswith("broken.yaml, line ")
    assert "not valid YAML" in problems[0]


def test_duplicate_slugs_and_numbers_are_refused():
    text = SMALL + SMALL[SMALL.index("  - slug: interactions") :]
    problems = _problems(text)
    assert any("Challenge 'interactions' appears twice" in p for p in problems)
    assert any("already used" in p for p in problems)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (b"- just\n- a list\n", "should be a set of 'name: value' fields"),
        (b"x" * (600 * 1024), "larger than 512 KB"),
    ],
)
def test_unreadable_files_are_refused(content, expected):
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework(content, "odd.yaml")
    assert expected in str(caught.value)


@pytest.mark.django_db
def test_loading_is_idempotent_and_audited():
    actor = SystemActor("tests")
    first = services.load_framework(SMALL.encode(), "small.yaml", actor)
    again = services.load_framework(SMALL.encode(), "small.yaml", actor)
    assert first == again
    assert FrameworkVersion.objects.count() == 1
    assert first.challenges.count() == 1
    assert AuditEvent.objects.filter(action="framework.load").count() == 1


@pytest.mark.django_db
def test_changed_wording_needs_a_new_version_number():
    actor = SystemActor("tests")
    services.load_framework(SMALL.encode(), "small.yaml", actor)
    with pytest.raises(FrameworkFileError, match="give the changed file a new version number"):
        services.load_framework(
            SMALL.replace("Starting.", "Beginning.").encode(), "small.yaml", actor
        )


@pytest.mark.django_db
def test_publishing_replaces_the_version_in_use_and_keeps_the_old_one():
    actor = SystemActor("tests")
    v1 = services.load_framework(SMALL.encode(), "small.yaml", actor)
    services.publish_version(v1, actor)
    v2 = services.load_framework(
        SMALL.replace('version: "1"', 'version: "2"').encode(), "s2.yaml", actor
    )
    v2 = services.publish_version(v2, actor)
    v1.refresh_from_db()
    assert v1.status == "superseded"
    assert v2.status == "published"
    assert v1.challenges.count() == 1  # older ratings keep their challenges
    with pytest.raises(ServiceError):
        services.publish_version(v1, actor)


def _imroc(*args, tmp_path):
    return subprocess.run(
        [sys.executable, "-m", "imroc.cli", *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "IMROC_TESTING": "1", "IMROC_DATA_DIR": str(tmp_path)},
        check=False,
    )


def test_cli_refuses_a_broken_file_and_loads_nothing(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(SMALL.replace("    number: 1\n", "    number: one\n"))
    assert _imroc("migrate", "-v", "0", tmp_path=tmp_path).returncode == 0
    result = _imroc("framework", "load", str(broken), tmp_path=tmp_path)
    assert result.returncode == 2
    assert "broken.yaml, line 15:" in result.stderr
    assert "Traceback" not in result.stderr
    good = tmp_path / "good.yaml"
    good.write_text(SMALL)
    result = _imroc("framework", "load", str(good), "--publish", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "test 1: In use" in result.stdout


def test_cli_loads_and_publishes_the_bundled_framework_on_a_fresh_database(tmp_path):
    assert _imroc("migrate", "-v", "0", tmp_path=tmp_path).returncode == 0
    result = _imroc("framework", "load", "--publish", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert ": In use" in result.stdout
    # Running it again changes nothing and still does not fail.
    again = _imroc("framework", "load", "--publish", tmp_path=tmp_path)
    assert "Traceback" not in again.stderr
