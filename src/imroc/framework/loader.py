"""Read and check a framework file. Every problem names the file, the line and what is wrong.

The file is read as a YAML node tree rather than as plain values so that each problem can
point at its line, and so that YAML's guesses (``no`` meaning false, ``1.10`` meaning 1.1)
never change what the author wrote.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

import yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# YAML's \uD800 to \uDFFF escapes give half a character, which no page or database can hold.
HALF_CHARACTER = re.compile(r"\\u[dD][89a-fA-F]|\\U0000[dD][89a-fA-F]")
MAX_FILE_BYTES = 512 * 1024


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str


class FrameworkFileError(Exception):
    """A framework file that cannot be loaded, with every problem found in it."""

    def __init__(self, source_name: str, problems: list[Problem]):
        self.source_name = source_name
        self.problems = problems
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [
            f"{self.source_name}, line {p.line}: {p.message}"
            if p.line
            else f"{self.source_name}: {p.message}"
            for p in self.problems
        ]


@dataclass
class StageData:
    slug: str
    order: int
    name: str
    summary: str


@dataclass
class ChallengeData:
    slug: str
    number: int
    title: str
    short_title: str
    summary: str
    descriptors: dict[str, str] = field(default_factory=dict)


@dataclass
class FrameworkData:
    key: str
    version: str
    title: str
    language: str
    published: dt.date | None
    stages: list[StageData]
    challenges: list[ChallengeData]
    checksum: str


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, node: yaml.Node | None, message: str) -> None:
        self.problems.append(Problem(node.start_mark.line + 1 if node else None, message))

    def mapping(
        self, node: yaml.Node, where: str, required: set[str], optional: set[str]
    ) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{where} should be a set of 'name: value' fields")
            return None
        fields: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                self.fail(key_node, f"{where} has a field name that is not plain text")
            elif key in fields:
                self.fail(key_node, f"{where} has '{key}' twice")
            elif key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                self.fail(key_node, f"{where} has an unknown field '{key}' (allowed: {allowed})")
            else:
                fields[key] = value_node
        for key in sorted(required - fields.keys()):
            self.fail(node, f"{where} is missing the field '{key}'")
        return fields

    def text(self, node: yaml.Node | None, where: str, max_length: int) -> str:
        if node is None:
            return ""
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{where} should be text")
            return ""
        value = " ".join(str(node.value).split())
        if not value:
            self.fail(node, f"{where} is empty")
        elif len(value) > max_length:
            self.fail(node, f"{where} is {len(value)} characters long; the limit is {max_length}")
        return value

    def slug(self, node: yaml.Node | None, where: str) -> str:
        value = self.text(node, where, 50)
        if value and not SLUG.match(value):
            self.fail(node, f"{where} '{value}' should use only small letters, digits and hyphens")
        return value

    def whole_number(self, node: yaml.Node | None, where: str) -> int:
        value = self.text(node, where, 4)
        if value and not (value.isascii() and value.isdigit()):
            self.fail(node, f"{where} should be a whole number, not '{value}'")
            return 0
        return int(value) if value else 0

    def sequence(self, node: yaml.Node | None, where: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{where} should be a list")
            return []
        if not node.value:
            self.fail(node, f"{where} is empty")
        return list(node.value)


def _compose(content: bytes, source_name: str) -> yaml.Node:
    """The YAML node tree of a file, or FrameworkFileError for a file that is not YAML."""
    if len(content) > MAX_FILE_BYTES:
        raise FrameworkFileError(
            source_name, [Problem(None, f"the file is larger than {MAX_FILE_BYTES // 1024} KB")]
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FrameworkFileError(
            source_name, [Problem(None, f"the file is not UTF-8 text (byte {error.start})")]
        ) from None
    if HALF_CHARACTER.search(text):
        raise FrameworkFileError(
            source_name,
            [Problem(None, "the file has a \\uD800-style escape, which is half a character")],
        )
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise FrameworkFileError(
            source_name,
            [Problem(mark.line + 1 if mark else None, f"this is not valid YAML: {error.problem}")],
        ) from None
    except yaml.YAMLError as error:
        raise FrameworkFileError(source_name, [Problem(None, f"not valid YAML: {error}")]) from None
    except RecursionError:  # the YAML reader recurses once per level of nesting
        raise FrameworkFileError(
            source_name, [Problem(None, "the file is nested too deeply to be a framework")]
        ) from None
    if root is None:
        raise FrameworkFileError(source_name, [Problem(None, "the file is empty")])
    return root


def parse_framework(content: bytes, source_name: str) -> FrameworkData:
    """Check a framework file and return its contents, or raise FrameworkFileError."""
    root = _compose(content, source_name)

    reader = _Reader()
    top = reader.mapping(
        root,
        "The framework",
        required={"key", "version", "title", "stages", "challenges"},
        optional={"published", "language"},
    )
    if top is None:
        raise FrameworkFileError(source_name, reader.problems)

    key = reader.slug(top.get("key"), "The framework key")
    version = reader.text(top.get("version"), "The version", 30)
    title = reader.text(top.get("title"), "The title", 200)
    language = reader.text(top.get("language"), "The language", 10) or "en"
    published = None
    if "published" in top:
        raw = reader.text(top["published"], "The published date", 10)
        try:
            published = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            reader.fail(top["published"], f"The published date '{raw}' should look like 2011-04-01")

    stages = _stages(reader, top.get("stages"))
    challenges = _challenges(reader, top.get("challenges"), stages)

    if reader.problems:
        raise FrameworkFileError(source_name, reader.problems)
    return FrameworkData(
        key=key,
        version=version,
        title=title,
        language=language,
        published=published,
        stages=stages,
        challenges=challenges,
        checksum=hashlib.sha256(content).hexdigest(),
    )


def _stages(reader: _Reader, node: yaml.Node | None) -> list[StageData]:
    stages: list[StageData] = []
    seen: dict[str, yaml.Node] = {}
    for item in reader.sequence(node, "The list of stages") if node else []:
        fields = reader.mapping(item, "A stage", {"slug", "order", "name", "summary"}, set())
        if fields is None:
            continue
        slug = reader.slug(fields.get("slug"), "The stage slug")
        where = f"Stage '{slug}'"
        if slug in seen:
            reader.fail(fields["slug"], f"{where} appears twice")
        seen[slug] = item
        stages.append(
            StageData(
                slug=slug,
                order=reader.whole_number(fields.get("order"), f"{where} order"),
                name=reader.text(fields.get("name"), f"{where} name", 100),
                summary=reader.text(fields.get("summary"), f"{where} summary", 1000),
            )
        )
    if node is not None and isinstance(node, yaml.SequenceNode):
        orders = [s.order for s in stages]
        if sorted(orders) != list(range(1, len(stages) + 1)):
            reader.fail(node, "The stages should be numbered 1, 2, 3 ... in their 'order' fields")
    return sorted(stages, key=lambda s: s.order)


def _challenges(
    reader: _Reader, node: yaml.Node | None, stages: list[StageData]
) -> list[ChallengeData]:
    stage_slugs = [s.slug for s in stages]
    challenges: list[ChallengeData] = []
    seen_slugs: set[str] = set()
    seen_numbers: set[int] = set()
    for item in reader.sequence(node, "The list of challenges") if node else []:
        fields = reader.mapping(
            item,
            "A challenge",
            {"slug", "number", "title", "summary", "descriptors"},
            {"short_title"},
        )
        if fields is None:
            continue
        slug = reader.slug(fields.get("slug"), "The challenge slug")
        where = f"Challenge '{slug}'"
        if slug in seen_slugs:
            reader.fail(fields["slug"], f"{where} appears twice")
        seen_slugs.add(slug)
        number = reader.whole_number(fields.get("number"), f"{where} number")
        if number in seen_numbers:
            reader.fail(fields.get("number"), f"{where} has number {number}, already used")
        seen_numbers.add(number)
        title = reader.text(fields.get("title"), f"{where} title", 200)
        challenge = ChallengeData(
            slug=slug,
            number=number,
            title=title,
            short_title=reader.text(fields.get("short_title"), f"{where} short title", 60)
            if "short_title" in fields
            else title[:60],
            summary=reader.text(fields.get("summary"), f"{where} summary", 2000),
        )
        descriptor_node = fields.get("descriptors")
        descriptors = (
            reader.mapping(descriptor_node, f"{where} descriptors", set(stage_slugs), set())
            if descriptor_node is not None
            else None
        )
        for stage_slug, text_node in (descriptors or {}).items():
            challenge.descriptors[stage_slug] = reader.text(
                text_node, f"{where} descriptor for '{stage_slug}'", 2000
            )
        challenges.append(challenge)
    return sorted(challenges, key=lambda c: c.number)


# Translations ---------------------------------------------------------------------------
#
# A translation file gives one framework version's wording in another language, using the
# same slugs as the version's own file:
#
#   key: imroc                # the framework and version it translates
#   version: "2011.1"
#   language: cy              # a code from settings.LANGUAGES
#   title: "..."
#   stages:
#     engagement: {name: "...", summary: "..."}
#   challenges:
#     interactions:
#       title: "..."
#       short_title: "..."    # optional, as in the source file
#       summary: "..."
#       descriptors: {engagement: "...", development: "...", transformation: "..."}
#
# Every stage, challenge and descriptor of the version must be translated, so a page never
# mixes two languages.


@dataclass
class TranslationData:
    key: str
    version: str
    language: str
    title: str
    # slug -> {"name": ..., "summary": ...}
    stages: dict[str, dict[str, str]]
    # slug -> {"title": ..., "short_title": ..., "summary": ...}
    challenges: dict[str, dict[str, str]]
    # (challenge slug, stage slug) -> text
    descriptors: dict[tuple[str, str], str]
    checksum: str
    # Where things are in the file, for problems found when checking against the version.
    lines: dict[str, int | None] = field(default_factory=dict)


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def parse_translation(
    content: bytes, source_name: str, languages: set[str] | None = None
) -> TranslationData:
    """Check a translation file on its own and return its contents, or raise FrameworkFileError.

    ``languages`` is the set of language codes allowed (settings.LANGUAGES by default).
    Whether its slugs match a version is checked by ``check_translation``.
    """
    if languages is None:
        from django.conf import settings

        languages = {code for code, _name in settings.LANGUAGES}
    root = _compose(content, source_name)
    reader = _Reader()
    top = reader.mapping(
        root,
        "The translation",
        required={"key", "version", "language", "title", "stages", "challenges"},
        optional=set(),
    )
    if top is None:
        raise FrameworkFileError(source_name, reader.problems)

    key = reader.slug(top.get("key"), "The framework key")
    version = reader.text(top.get("version"), "The version", 30)
    language = reader.text(top.get("language"), "The language", 10)
    if language and language not in languages:
        allowed = ", ".join(sorted(languages))
        reader.fail(
            top.get("language"), f"The language '{language}' is not one imroc offers ({allowed})"
        )
    data = TranslationData(
        key=key,
        version=version,
        language=language,
        title=reader.text(top.get("title"), "The title", 200),
        stages={},
        challenges={},
        descriptors={},
        checksum=hashlib.sha256(content).hexdigest(),
        # Problems about a field point at the line of its name.
        lines={k.value: _line(k) for k, _v in root.value if isinstance(k, yaml.ScalarNode)},
    )

    stages = _slug_mapping(reader, top.get("stages"), "The stages")
    for slug, (line, node) in stages.items():
        where = f"Stage '{slug}'"
        fields = reader.mapping(node, where, {"name", "summary"}, set())
        data.lines[f"stage:{slug}"] = line
        if fields is not None:
            data.stages[slug] = {
                "name": reader.text(fields.get("name"), f"{where} name", 100),
                "summary": reader.text(fields.get("summary"), f"{where} summary", 1000),
            }

    challenges = _slug_mapping(reader, top.get("challenges"), "The challenges")
    for slug, (line, node) in challenges.items():
        where = f"Challenge '{slug}'"
        fields = reader.mapping(node, where, {"title", "summary", "descriptors"}, {"short_title"})
        data.lines[f"challenge:{slug}"] = line
        if fields is None:
            continue
        title = reader.text(fields.get("title"), f"{where} title", 200)
        data.challenges[slug] = {
            "title": title,
            "short_title": reader.text(fields.get("short_title"), f"{where} short title", 60)
            if "short_title" in fields
            else title[:60],
            "summary": reader.text(fields.get("summary"), f"{where} summary", 2000),
        }
        descriptors = _slug_mapping(reader, fields.get("descriptors"), f"{where} descriptors")
        data.lines[f"descriptors:{slug}"] = _line(fields.get("descriptors"))
        for stage_slug, (text_line, text_node) in descriptors.items():
            data.lines[f"descriptor:{slug}:{stage_slug}"] = text_line
            data.descriptors[(slug, stage_slug)] = reader.text(
                text_node, f"{where} descriptor for '{stage_slug}'", 2000
            )

    if reader.problems:
        raise FrameworkFileError(source_name, reader.problems)
    return data


def _slug_mapping(
    reader: _Reader, node: yaml.Node | None, where: str
) -> dict[str, tuple[int | None, yaml.Node]]:
    """The slugs of a mapping such as a translation's stages, each with its line and value."""
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        reader.fail(node, f"{where} should be a set of 'slug: translation' fields")
        return {}
    if not node.value:
        reader.fail(node, f"{where} is empty")
    found: dict[str, tuple[int | None, yaml.Node]] = {}
    for key_node, value_node in node.value:
        slug = reader.slug(key_node, f"{where}: the slug")
        if not slug:
            continue
        if slug in found:
            reader.fail(key_node, f"{where} has '{slug}' twice")
        found[slug] = (_line(key_node), value_node)
    return found


def check_translation(
    data: TranslationData,
    source_name: str,
    *,
    stage_slugs: list[str],
    challenge_slugs: list[str],
    descriptor_keys: set[tuple[str, str]],
) -> None:
    """Check that a translation covers exactly the stages, challenges and descriptors of its
    version, or raise FrameworkFileError naming each slug that is unknown or missing."""
    problems: list[Problem] = []
    lines = data.lines

    for slug in data.stages.keys() - set(stage_slugs):
        problems.append(
            Problem(lines.get(f"stage:{slug}"), f"Stage '{slug}' is not a stage of this version")
        )
    for slug in stage_slugs:
        if slug not in data.stages:
            problems.append(
                Problem(lines.get("stages"), f"The stages are missing a translation of '{slug}'")
            )
    for slug in data.challenges.keys() - set(challenge_slugs):
        problems.append(
            Problem(
                lines.get(f"challenge:{slug}"),
                f"Challenge '{slug}' is not a challenge of this version",
            )
        )
    for slug in challenge_slugs:
        if slug not in data.challenges:
            problems.append(
                Problem(
                    lines.get("challenges"),
                    f"The challenges are missing a translation of '{slug}'",
                )
            )
    for challenge_slug, stage_slug in data.descriptors.keys() - descriptor_keys:
        if challenge_slug in challenge_slugs:
            problems.append(
                Problem(
                    lines.get(f"descriptor:{challenge_slug}:{stage_slug}"),
                    f"Challenge '{challenge_slug}' has no descriptor for stage '{stage_slug}' "
                    "to translate",
                )
            )
    for challenge_slug, stage_slug in sorted(descriptor_keys - data.descriptors.keys()):
        if challenge_slug in data.challenges:
            problems.append(
                Problem(
                    lines.get(f"descriptors:{challenge_slug}")
                    or lines.get(f"challenge:{challenge_slug}"),
                    f"Challenge '{challenge_slug}' descriptors are missing a translation "
                    f"of '{stage_slug}'",
                )
            )
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise FrameworkFileError(source_name, problems)
