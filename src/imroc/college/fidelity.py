"""The recovery college fidelity structure (RECOLLECT, Toney et al. 2019): keys and scoring only.

The instrument's wording is licensed (CC BY-NC-ND), so imroc ships none of it. A college
uploads its own copy as a small YAML or CSV file mapping component keys to wording; until
then each component has a neutral label such as "Component 1 (scored 0-2)".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import yaml
from django.utils.translation import gettext

from imroc.core import safejson

SCORED = "scored"  # rated 0, 1 or 2
TYPED = "typed"  # rated type 1 or type 2
MAX_FILE_BYTES = 100_000
MAX_WORDING = 1000


@dataclass(frozen=True)
class Component:
    key: str
    number: int
    kind: str

    @property
    def choices(self) -> list[tuple[int, str]]:
        if self.kind == SCORED:
            return [(0, "0"), (1, "1"), (2, "2")]
        return [(1, gettext("Type 1")), (2, gettext("Type 2"))]

    @property
    def neutral_label(self) -> str:
        if self.kind == SCORED:
            return gettext("Component %(number)d (scored 0–2)") % {"number": self.number}
        return gettext("Component %(number)d (type 1 or type 2)") % {"number": self.number}


def score_error(component: Component) -> str:
    return gettext("Choose a score for %(component)s.") % {"component": component.neutral_label}


COMPONENTS = [Component(f"component-{n}", n, SCORED if n <= 7 else TYPED) for n in range(1, 13)]
BY_KEY = {c.key: c for c in COMPONENTS}


class WordingFileError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_wording(data: bytes, filename: str) -> dict[str, str]:
    """Read a wording file: YAML ``{key: wording}`` or CSV with columns ``key,wording``."""
    if len(data) > MAX_FILE_BYTES:
        raise WordingFileError([gettext("The file is too big. It should be under 100 KB.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WordingFileError(
            [gettext("Save the file as UTF-8 text, then upload it again.")]
        ) from None
    if filename.lower().endswith(".csv"):
        rows = list(csv.reader(io.StringIO(text)))
        if rows and [c.strip().lower() for c in rows[0][:2]] == ["key", "wording"]:
            rows = rows[1:]
        problems = [
            gettext("Row %(row)d: give two columns, the key and the wording.") % {"row": i}
            for i, row in enumerate(rows, start=2)
            if row and len(row) != 2
        ]
        if problems:
            raise WordingFileError(problems)
        mapping: object = {row[0].strip(): row[1] for row in rows if row}
    elif filename.lower().endswith((".yaml", ".yml")):
        try:
            mapping = yaml.safe_load(text)
            safejson.refuse_half_characters(mapping)
        except safejson.BrokenText as error:
            raise WordingFileError([str(error)]) from None
        except (yaml.YAMLError, RecursionError):  # RecursionError: nested hundreds deep
            raise WordingFileError(
                [gettext("The YAML could not be read. Check its indentation.")]
            ) from None
        if isinstance(mapping, dict) and isinstance(mapping.get("components"), dict):
            mapping = mapping["components"]
    else:
        raise WordingFileError([gettext("Upload a .yaml, .yml or .csv file.")])
    if not isinstance(mapping, dict):
        raise WordingFileError([gettext("The file should map each component key to its wording.")])
    problems = []
    wording: dict[str, str] = {}
    for key, value in mapping.items():
        key = str(key).strip()
        if key not in BY_KEY:
            problems.append(
                gettext("'%(key)s' is not a component key. Use component-1 to component-12.")
                % {"key": key}
            )
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(gettext("%(key)s: give the wording as text.") % {"key": key})
        elif len(value) > MAX_WORDING:
            problems.append(
                gettext("%(key)s: keep the wording to %(limit)d characters or fewer.")
                % {"key": key, "limit": MAX_WORDING}
            )
        else:
            wording[key] = value.strip()
    missing = [c.key for c in COMPONENTS if c.key not in mapping]
    if missing:
        problems.append(gettext("Wording is missing for %(keys)s.") % {"keys": ", ".join(missing)})
    if problems:
        raise WordingFileError(problems)
    return wording


def label(component: Component, wording: dict[str, str]) -> str:
    return wording.get(component.key) or component.neutral_label


def totals(scores: dict[str, int]) -> dict[str, int]:
    """The scored components' total (out of 14) and how many typed components are type 2."""
    return {
        "scored": sum(int(scores.get(c.key, 0)) for c in COMPONENTS if c.kind == SCORED),
        "scored_max": 2 * sum(1 for c in COMPONENTS if c.kind == SCORED),
        "type2": sum(1 for c in COMPONENTS if c.kind == TYPED and scores.get(c.key) == 2),
        "typed_count": sum(1 for c in COMPONENTS if c.kind == TYPED),
    }
