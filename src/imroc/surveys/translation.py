"""Translations of a questionnaire version's display text, and showing a version in a language.

A version is written in one language (its ``language``). Its ``translations`` hold the same
questions in other languages, by language code:

    {"cy": {"title": "...", "description": "...",
            "items": {link id: {"text": "...", "options": {code: label}}}}}

Only words people read are translated. Link ids, option codes, weights, conditions and scoring
stay in the definition, so answers and scores are the same whichever language was shown.
Anything without a translation falls back to the version's own text.

A translation file sits beside the instrument it translates, as ``<key>.<language>.yaml``:

    instrument: course-feedback
    language: cy
    title: ...
    description: ...
    items:
      welcome:
        text: ...
        options: {"1": ..., "2": ...}

``version`` (a number) may name the version; without it the file translates the latest one.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils import translation as django_translation

from imroc.surveys import engine

# <key>.<language>.yaml, such as course-feedback.cy.yaml
FILE_NAME = re.compile(r"^(?P<key>.+)\.(?P<language>[a-z]{2,3}(?:-[a-z0-9]+)?)\.ya?ml$", re.I)
MAX_TEXT = 2000


class TranslationError(Exception):
    """A translation file that cannot be used, with every problem found and its line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Parsed:
    """A checked-for-shape translation file, not yet matched to a version."""

    source: str
    instrument: str
    language: str
    version: int | None
    content: dict
    lines: dict[tuple, int] = field(default_factory=dict)

    def line(self, *path) -> int:
        """The line of the deepest part of ``path`` the file has."""
        while path and tuple(path) not in self.lines:
            path = path[:-1]
        return self.lines.get(tuple(path), 1)


def language_codes() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]


def base(code: str) -> str:
    return (code or "").lower().split("-")[0]


def is_translation_file(path: Path) -> bool:
    match = FILE_NAME.match(Path(path).name)
    return bool(match) and match["language"].lower() in {c.lower() for c in language_codes()}


def files_for(source: Path) -> list[Path]:
    """The translation files beside an instrument file: <stem>.<language>.yaml."""
    source = Path(source)
    return sorted(p for p in source.parent.glob(f"{source.stem}.*.yaml") if is_translation_file(p))


# --- Reading a file, keeping line numbers ------------------------------------------------------


def _plain(node, path: tuple, lines: dict) -> Any:
    """A composed YAML node as plain data; every mapping key's line goes into ``lines``."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _plain(value_node, (*path, key), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v, (*path, n), lines) for n, v in enumerate(node.value)]
    if node.tag.endswith(":null"):
        return None
    return node.value


def parse(text: str, source: str) -> Parsed:
    """Read a translation file. TranslationError names each problem with its line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "line 1"
        raise TranslationError([f"{source}, {where}: this is not valid YAML ({getattr(error, 'problem', error)})."]) from None  # fmt: skip
    lines: dict[tuple, int] = {}
    data = _plain(node, (), lines) if node is not None else None
    if not isinstance(data, dict):
        raise TranslationError([f"{source}, line 1: a translation file must be a mapping with instrument, language and items."])  # fmt: skip
    parsed = Parsed(source=source, instrument="", language="", version=None, content={}, lines=lines)  # fmt: skip

    def at(*path) -> str:
        return f"{source}, line {parsed.line(*path)}"

    problems = []
    for key in data:
        if key not in ("instrument", "language", "version", "title", "description", "items"):
            problems.append(f"{at(key)}: “{key}” is not part of a translation file.")
    instrument = data.get("instrument")
    if not isinstance(instrument, str) or not instrument.strip():
        problems.append(f"{at('instrument')}: name the instrument it translates, as “instrument: <key>”.")  # fmt: skip
    else:
        parsed.instrument = instrument.strip()
    language = data.get("language")
    codes = {c.lower(): c for c in language_codes()}
    if not isinstance(language, str) or language.strip().lower() not in codes:
        problems.append(f"{at('language')}: the language “{language}” is not one imroc offers ({', '.join(codes.values())}).")  # fmt: skip
    else:
        parsed.language = codes[language.strip().lower()]
    if data.get("version") is not None:
        try:
            parsed.version = int(data["version"])
            if parsed.version < 1:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"{at('version')}: the version must be a whole number, 1 or more.")
    content: dict = {}
    for key in ("title", "description"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{at(key)}: the {key} is empty.")
        else:
            content[key] = " ".join(value.split()) if key == "title" else value.strip()
    items = data.get("items")
    if items is None:
        items = {}
    if not isinstance(items, dict):
        problems.append(f"{at('items')}: items must be a mapping of question link ids.")
        items = {}
    content["items"] = {}
    for link_id, entry in items.items():
        if isinstance(entry, str):
            entry = {"text": entry}
        if not isinstance(entry, dict):
            problems.append(f"{at('items', link_id)}: question “{link_id}” must have text and may have options.")  # fmt: skip
            continue
        out: dict = {}
        for key in entry:
            if key not in ("text", "options"):
                problems.append(f"{at('items', link_id, key)}: question “{link_id}”: “{key}” is not translated (use text and options).")  # fmt: skip
        text = entry.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{at('items', link_id)}: question “{link_id}” has no text.")
        else:
            out["text"] = text.strip()[:MAX_TEXT]
        options = entry.get("options")
        if options is not None:
            if not isinstance(options, dict):
                problems.append(f"{at('items', link_id, 'options')}: the options of “{link_id}” must be a mapping of option codes to labels.")  # fmt: skip
            else:
                out["options"] = {}
                for code, label in options.items():
                    if not isinstance(label, str) or not label.strip():
                        problems.append(f"{at('items', link_id, 'options', code)}: option “{code}” of “{link_id}” has no label.")  # fmt: skip
                    else:
                        out["options"][str(code)] = label.strip()[:500]
        content["items"][str(link_id)] = out
    if problems:
        raise TranslationError(problems)
    parsed.content = content
    return parsed


def read(path: Path) -> Parsed:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TranslationError([f"{path.name}, line 1: cannot read the file ({error})."]) from None
    return parse(text, path.name)


def check(parsed: Parsed, version) -> dict:
    """The file's content, checked against the version it translates. TranslationError if not."""
    problems = []

    def at(*path) -> str:
        return f"{parsed.source}, line {parsed.line(*path)}"

    if parsed.instrument != version.instrument.key:
        problems.append(f"{at('instrument')}: this file translates “{parsed.instrument}”, not “{version.instrument.key}”.")  # fmt: skip
    if parsed.version is not None and parsed.version != version.number:
        problems.append(f"{at('version')}: this file translates version {parsed.version}, but the version being translated is {version.number}.")  # fmt: skip
    if base(parsed.language) == base(version.language):
        problems.append(f"{at('language')}: the questionnaire is already written in “{version.language}”.")  # fmt: skip
    found = engine.questions(version.definition)
    for link_id, entry in parsed.content["items"].items():
        item = found.get(link_id)
        if item is None:
            problems.append(f"{at('items', link_id)}: there is no question “{link_id}” in {version.instrument.key} version {version.number}.")  # fmt: skip
            continue
        codes = [o["code"] for o in item["options"]]
        given = entry.get("options") or {}
        for code in given:
            if code not in codes:
                problems.append(f"{at('items', link_id, 'options', code)}: question “{link_id}” has no option “{code}”.")  # fmt: skip
    if problems:
        raise TranslationError(problems)
    return parsed.content


def missing(version, language: str) -> list[str]:
    """What a language's translation of a version still lacks, in plain words. Empty if complete."""
    content = (version.translations or {}).get(language)
    if not content:
        return ["the whole questionnaire"]
    gaps = []
    if not content.get("title"):
        gaps.append("the title")
    if version.description and not content.get("description"):
        gaps.append("the description")
    items = content.get("items") or {}
    for item, _ in engine.walk(version.definition["items"]):
        entry = items.get(item["link_id"]) or {}
        if item["text"] and not entry.get("text"):
            gaps.append(f"the text of “{item['link_id']}”")
        options = entry.get("options") or {}
        for option in item["options"]:
            if option["code"] not in options:
                gaps.append(f"option “{option['code']}” of “{item['link_id']}”")
    return gaps


# --- Showing a version in a language -----------------------------------------------------------


def message(problem: str) -> str:
    """An engine or FHIR message in the active language (those modules have no Django)."""
    if isinstance(problem, engine.Problem):
        text = django_translation.gettext(problem.template)
        return text % problem.params if problem.params else text
    return problem


def _pick(version, language: str | None) -> dict:
    """The translation for a language ("cy", "en-gb"), or {} to use the version's own text."""
    language = language or django_translation.get_language() or ""
    if base(language) == base(version.language):
        return {}
    translations = version.translations or {}
    if language in translations:
        return translations[language]
    for code, content in translations.items():
        if base(code) == base(language):
            return content
    return {}


@dataclass
class Shown:
    """A version as a person sees it: title, description and definition in one language."""

    title: str
    description: str
    definition: dict
    language: str


def shown(version, language: str | None = None) -> Shown:
    """The version's display text in ``language`` (default: the active one), falling back to
    the version's own text for anything not translated. Codes and scoring are untouched."""
    content = _pick(version, language)
    if not content:
        return Shown(version.title, version.description, version.definition, version.language)
    definition = copy.deepcopy(version.definition)
    items = content.get("items") or {}
    for item, _ in engine.walk(definition["items"]):
        entry = items.get(item["link_id"]) or {}
        if entry.get("text"):
            item["text"] = entry["text"]
        labels = entry.get("options") or {}
        for option in item["options"]:
            if labels.get(option["code"]):
                option["display"] = labels[option["code"]]
    return Shown(
        title=content.get("title") or version.title,
        description=content.get("description") or version.description,
        definition=definition,
        language=language or django_translation.get_language() or "",
    )
