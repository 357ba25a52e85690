"""The questionnaire engine: check a definition, check answers, and score them. No Django.

A definition is plain JSON, so a published version can be stored whole and never change:

    {"items": [item, ...], "scoring": {...}}

An item is ``{"link_id", "text", "type", "required", "options": [{"code", "display",
"weight"}], "enable_when": [{"question", "operator", "answer"}], "enable_behavior",
"min", "max", "max_length", "items"}``. ``normalise`` fills every key, so two definitions
that mean the same compare equal, which makes FHIR export then import round-trip safe.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from dataclasses import dataclass, field
from typing import Any

TYPES = ("choice", "multi-choice", "integer", "decimal", "boolean", "text", "date", "display", "group")  # fmt: skip
ANSWERED_TYPES = ("choice", "multi-choice", "integer", "decimal", "boolean", "text", "date")
SCORABLE_TYPES = ("choice", "integer", "decimal", "boolean")
OPERATORS = ("exists", "=", "!=", ">", "<", ">=", "<=")
METHODS = ("sum", "mean", "none")
LINK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_ITEMS = 300
MAX_TEXT_ANSWER = 2000
EARLIEST_DATE = dt.date(1900, 1, 1)
# Weights, limits, band edges and numbers in conditions: no real questionnaire needs more,
# and larger ones add up to totals too large to show or store.
MAX_NUMBER = 1_000_000
NUMBER_RANGE = "from -1,000,000 to 1,000,000"


def _(text: str) -> str:
    """Marks a respondent's message for translation without needing Django here: the form
    translates it when it is shown (see ``Problem``)."""
    return text


class Problem(str):
    """A message about one answer: reads as English, and keeps its template and values so the
    form can show it in the person's language."""

    template: str
    params: dict

    def __new__(cls, template: str, **params):
        problem = super().__new__(cls, template % params if params else template)
        problem.template, problem.params = template, params
        return problem


class DefinitionError(Exception):
    """A definition that cannot be used, with every problem found, in plain words."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _number(value: Any) -> int | float | None:
    """A JSON number in one form: whole numbers as int, so 2 and 2.0 compare and print alike."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _too_large(number: int | float | None) -> bool:
    return number is not None and abs(number) > MAX_NUMBER


def _text(value: Any, limit: int = 2000) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


# --- Checking a definition ---------------------------------------------------------------------


def normalise(definition: Any) -> dict:
    """A definition in canonical form, or DefinitionError listing every problem."""
    problems: list[str] = []
    if not isinstance(definition, dict):
        raise DefinitionError(["The definition must be an object with items and scoring."])
    raw_items = definition.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise DefinitionError(["The questionnaire has no questions."])
    seen: dict[str, dict] = {}
    parents: dict[str, str | None] = {}
    items = [_item(raw, problems, seen, parents, None, [str(n)]) for n, raw in enumerate(raw_items, 1)]  # fmt: skip
    if len(seen) > MAX_ITEMS:
        problems.append(f"The questionnaire has {len(seen)} questions; the most imroc takes is {MAX_ITEMS}.")  # fmt: skip
    if not any(i["type"] in ANSWERED_TYPES for i in seen.values()):
        problems.append("The questionnaire has no question that can be answered.")
    _check_conditions(seen, parents, problems)
    scoring = _scoring(definition.get("scoring"), seen, problems)
    if problems:
        raise DefinitionError(problems)
    return {"items": items, "scoring": scoring}


def _item(raw, problems, seen, parents, parent, where) -> dict:
    place = "Question " + ".".join(where)
    if not isinstance(raw, dict):
        problems.append(f"{place} is not an object.")
        return _blank_item(f"missing-{'.'.join(where)}")
    link_id = raw.get("link_id")
    if not isinstance(link_id, str) or not LINK_ID.match(link_id):
        problems.append(
            f"{place} needs a link id of 1 to 64 letters, digits, dots, dashes or underscores."
        )
        link_id = f"missing-{'.'.join(where)}"
    else:
        place = f"Question “{link_id}”"
        if link_id in seen:
            problems.append(f"{place}: the link id is used twice. Each question needs its own.")
    kind = raw.get("type")
    if kind not in TYPES:
        problems.append(f"{place} has an unknown type “{kind}”. Use one of: {', '.join(TYPES)}.")
        kind = "display"
    item = _blank_item(link_id)
    item.update(type=kind, text=_text(raw.get("text")), required=bool(raw.get("required", False)))
    if kind != "display" and kind != "group" and not item["text"]:
        problems.append(f"{place} has no wording.")
    if kind in ("display", "group"):
        item["required"] = False
    item["options"] = _options(raw.get("options"), kind, place, problems)
    for bound in ("min", "max"):
        if raw.get(bound) is not None:
            value = _number(raw[bound])
            if value is None or kind not in ("integer", "decimal"):
                problems.append(f"{place}: a {bound}imum applies only to number questions.")
            elif _too_large(value):
                problems.append(
                    f"{place}: the {bound}imum is too large. Use a number {NUMBER_RANGE}."
                )
                value = None
            item[bound] = value
    if item["min"] is not None and item["max"] is not None and item["min"] > item["max"]:
        problems.append(f"{place}: the minimum is more than the maximum.")
    if raw.get("max_length") is not None:
        length = raw["max_length"]
        if kind != "text" or isinstance(length, bool) or not isinstance(length, int) or length < 1:
            problems.append(f"{place}: a maximum length applies only to text, as a whole number.")
        else:
            item["max_length"] = min(length, MAX_TEXT_ANSWER)
    item["enable_when"] = _conditions(raw.get("enable_when"), place, problems)
    behaviour = raw.get("enable_behavior") or "all"
    if behaviour not in ("all", "any"):
        problems.append(f"{place}: enable behaviour must be “all” or “any”.")
        behaviour = "all"
    item["enable_behavior"] = behaviour
    seen.setdefault(link_id, item)
    parents.setdefault(link_id, parent)
    children = raw.get("items") or []
    if not isinstance(children, list):
        problems.append(f"{place}: its questions must be a list.")
        children = []
    if children and kind != "group":
        problems.append(f"{place} has questions inside it, so its type must be group.")
    if kind == "group" and not children:
        problems.append(f"{place} is a group with no questions in it.")
    item["items"] = [
        _item(child, problems, seen, parents, link_id, [*where, str(n)])
        for n, child in enumerate(children, 1)
    ]
    return item


def _blank_item(link_id: str) -> dict:
    return {
        "link_id": link_id, "text": "", "type": "display", "required": False, "options": [],
        "enable_when": [], "enable_behavior": "all", "min": None, "max": None,
        "max_length": None, "items": [],
    }  # fmt: skip


def _options(raw, kind, place, problems) -> list[dict]:
    if kind not in ("choice", "multi-choice"):
        if raw:
            problems.append(f"{place}: only choice questions have options.")
        return []
    if not isinstance(raw, list) or not raw:
        problems.append(f"{place} is a choice question with no options.")
        return []
    options, codes = [], set()
    for n, option in enumerate(raw, 1):
        if not isinstance(option, dict):
            problems.append(f"{place}: option {n} is not an object.")
            continue
        code = option.get("code")
        code = str(code).strip()[:100] if isinstance(code, str | int) and not isinstance(code, bool) else ""  # fmt: skip
        if not code:
            problems.append(f"{place}: option {n} has no code.")
        elif code in codes:
            problems.append(f"{place}: the option code “{code}” is used twice.")
        codes.add(code)
        weight = option.get("weight")
        if weight is not None and _number(weight) is None:
            problems.append(f"{place}: option “{code}” has a weight that is not a number.")
        elif _too_large(_number(weight)):
            problems.append(
                f"{place}: option “{code}” has a weight that is too large. Use a number {NUMBER_RANGE}."
            )
            weight = None
        options.append(
            {
                "code": code,
                "display": _text(option.get("display"), 500) or code,
                "weight": _number(weight),
            }
        )
    return options


def _conditions(raw, place, problems) -> list[dict]:
    if not raw:
        return []
    if not isinstance(raw, list):
        problems.append(f"{place}: its conditions must be a list.")
        return []
    out = []
    for condition in raw:
        if not isinstance(condition, dict) or not isinstance(condition.get("question"), str):
            problems.append(f"{place}: a condition must name the question it depends on.")
            continue
        operator = condition.get("operator")
        if operator not in OPERATORS:
            problems.append(f"{place}: the condition operator “{operator}” is not one of {', '.join(OPERATORS)}.")  # fmt: skip
            continue
        answer = condition.get("answer")
        if isinstance(answer, float | int) and not isinstance(answer, bool):
            answer = _number(answer)
            if answer is None or _too_large(answer):
                problems.append(f"{place}: a condition's number must be {NUMBER_RANGE}.")
                continue
        elif not isinstance(answer, str | bool) and answer is not None:
            problems.append(f"{place}: a condition's answer must be a code, number, date or yes/no.")  # fmt: skip
            continue
        if operator == "exists" and not isinstance(answer, bool):
            problems.append(f"{place}: an “exists” condition needs the answer true or false.")
            continue
        out.append({"question": condition["question"], "operator": operator, "answer": answer})
    return out


def _check_conditions(seen: dict[str, dict], parents: dict, problems: list[str]) -> None:
    """Conditions must name an answerable question, and must never depend on themselves."""
    depends: dict[str, list[str]] = {}
    for link_id, item in seen.items():
        needs = [c["question"] for c in item["enable_when"]]
        for question in needs:
            target = seen.get(question)
            if target is None:
                problems.append(f"Question “{link_id}” depends on “{question}”, which does not exist.")  # fmt: skip
            elif target["type"] not in ANSWERED_TYPES:
                problems.append(f"Question “{link_id}” depends on “{question}”, which takes no answer.")  # fmt: skip
        for condition in item["enable_when"]:
            target = seen.get(condition["question"])
            # Options are codes: a condition on a choice compares codes, as text.
            if target and target["type"] in ("choice", "multi-choice") and condition["operator"] != "exists" and condition["answer"] is not None:  # fmt: skip
                condition["answer"] = str(condition["answer"])
        # A question is shown only when its group is, so it depends on its group too.
        depends[link_id] = [q for q in needs if q in seen] + ([parents[link_id]] if parents.get(link_id) else [])  # fmt: skip
    state: dict[str, int] = {}
    for start in depends:
        if state.get(start):
            continue
        stack = [(start, iter(depends[start]))]
        state[start], path = 1, [start]
        while stack:
            node, edges = stack[-1]
            nxt = next(edges, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(nxt) == 1:
                loop = [*path[path.index(nxt) :], nxt]
                problems.append(
                    "The conditions go round in a circle: " + " → ".join(f"“{q}”" for q in loop)
                    + ". A question cannot depend, directly or through others, on itself."
                )  # fmt: skip
                return
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(depends[nxt])))


def _id_list(raw, seen, what, problems) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(q, str) for q in raw):
        problems.append(f"Scoring: {what} must be a list of question link ids.")
        return []
    for q in raw:
        if q not in seen:
            problems.append(f"Scoring: {what} names “{q}”, which is not a question.")
        elif seen[q]["type"] not in SCORABLE_TYPES:
            problems.append(f"Scoring: “{q}” cannot be scored; only choice, number and yes/no questions can.")  # fmt: skip
        elif seen[q]["type"] == "choice" and any(o["weight"] is None for o in seen[q]["options"]):
            problems.append(f"Scoring: every option of “{q}” needs a weight to be scored.")
    if len(set(raw)) != len(raw):
        problems.append(f"Scoring: {what} names a question twice.")
    return list(raw)


def _scoring(raw, seen, problems) -> dict:
    scoring = {"method": "none", "items": [], "reverse": [], "prorate_max_missing": 0, "bands": [], "subscales": []}  # fmt: skip
    if raw is None:
        return scoring
    if not isinstance(raw, dict):
        problems.append("Scoring must be an object.")
        return scoring
    method = raw.get("method", "sum")
    if method not in METHODS:
        problems.append(f"Scoring: the method “{method}” is not one of {', '.join(METHODS)}.")
        method = "none"
    scoring["method"] = method
    if method == "none":
        return scoring
    items = raw.get("items")
    if items is None:  # by default every scorable question counts
        items = [q for q, i in seen.items() if i["type"] in SCORABLE_TYPES]
    scoring["items"] = _id_list(items, seen, "the scored questions", problems)
    if not scoring["items"]:
        problems.append("Scoring: there are no questions to score.")
    scoring["reverse"] = _id_list(raw.get("reverse"), seen, "the reverse-scored questions", problems)  # fmt: skip
    for q in scoring["reverse"]:
        if q in seen and seen[q]["type"] == "integer" and None in (seen[q]["min"], seen[q]["max"]):
            problems.append(f"Scoring: “{q}” needs a minimum and maximum to be reverse-scored.")
        if q not in scoring["items"]:
            problems.append(f"Scoring: “{q}” is reverse-scored but is not one of the scored questions.")  # fmt: skip
    missing = raw.get("prorate_max_missing", 0)
    if isinstance(missing, bool) or not isinstance(missing, int) or missing < 0:
        problems.append("Scoring: the most questions that may be missing must be a whole number, 0 or more.")  # fmt: skip
        missing = 0
    elif scoring["items"] and missing >= len(scoring["items"]):
        problems.append("Scoring: the most questions that may be missing must be fewer than the questions scored.")  # fmt: skip
    scoring["prorate_max_missing"] = missing
    scoring["bands"] = _bands(raw.get("bands"), problems)
    subscales, keys = [], set()
    for sub in raw.get("subscales") or []:
        if not isinstance(sub, dict) or not isinstance(sub.get("key"), str) or not LINK_ID.match(sub["key"]):  # fmt: skip
            problems.append("Scoring: each subscale needs a key of letters, digits or dashes.")
            continue
        if sub["key"] in keys or sub["key"] == "total":
            problems.append(f"Scoring: the subscale key “{sub['key']}” is used twice or is “total”.")  # fmt: skip
        keys.add(sub["key"])
        sub_method = sub.get("method", "sum")
        if sub_method not in ("sum", "mean"):
            problems.append(f"Scoring: subscale “{sub['key']}” must use sum or mean.")
        sub_items = _id_list(sub.get("items"), seen, f"subscale “{sub['key']}”", problems)
        if not sub_items:
            problems.append(f"Scoring: subscale “{sub['key']}” has no questions.")
        subscales.append({"key": sub["key"], "label": _text(sub.get("label"), 200) or sub["key"], "method": sub_method, "items": sub_items})  # fmt: skip
    if not isinstance(raw.get("subscales") or [], list):
        problems.append("Scoring: subscales must be a list.")
    scoring["subscales"] = subscales
    return scoring


def _bands(raw, problems) -> list[dict]:
    if not raw:
        return []
    if not isinstance(raw, list):
        problems.append("Scoring: bands must be a list.")
        return []
    bands = []
    for band in raw:
        low = _number(band.get("min")) if isinstance(band, dict) else None
        high = _number(band.get("max")) if isinstance(band, dict) else None
        label = _text(band.get("label"), 200) if isinstance(band, dict) else ""
        if low is None or high is None or not label or low > high:
            problems.append("Scoring: each band needs a label and a minimum no more than its maximum.")  # fmt: skip
            continue
        if _too_large(low) or _too_large(high):
            problems.append(
                f"Scoring: the band “{label}” has a limit that is too large. Use numbers {NUMBER_RANGE}."
            )
            continue
        bands.append({"min": low, "max": high, "label": label})
    bands.sort(key=lambda b: b["min"])
    for a, b in itertools.pairwise(bands):
        if b["min"] <= a["max"]:
            problems.append(f"Scoring: the bands “{a['label']}” and “{b['label']}” overlap.")
    return bands


# --- Walking a checked definition --------------------------------------------------------------


def walk(items: list[dict], depth: int = 0):
    """Every item, depth first, with its depth."""
    for item in items:
        yield item, depth
        yield from walk(item["items"], depth + 1)


def questions(definition: dict) -> dict[str, dict]:
    return {item["link_id"]: item for item, _ in walk(definition["items"])}


def score_range(definition: dict) -> tuple[float, float] | None:
    """The lowest and highest total a complete set of answers can give, if it is known."""
    scoring = definition["scoring"]
    if scoring["method"] == "none":
        return None
    low = high = 0.0
    found = questions(definition)
    for q in scoring["items"]:
        bounds = _bounds(found[q])
        if bounds is None:
            return None
        low, high = low + bounds[0], high + bounds[1]
    if scoring["method"] == "mean":
        n = len(scoring["items"])
        low, high = low / n, high / n
    return _number(low), _number(high)


def _bounds(item: dict) -> tuple[float, float] | None:
    if item["type"] == "choice":
        weights = [o["weight"] for o in item["options"]]
        return min(weights), max(weights)
    if item["type"] == "boolean":
        return 0, 1
    if item["min"] is None or item["max"] is None:
        return None
    return item["min"], item["max"]


# --- Checking answers --------------------------------------------------------------------------


@dataclass
class Checked:
    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _parse(item: dict, raw: Any) -> Any:
    """One answer in canonical form; raises ValueError with a message for the respondent."""
    kind = item["type"]
    if kind == "multi-choice":
        values = raw if isinstance(raw, list) else [raw]
        codes = {o["code"] for o in item["options"]}
        values = [str(v) for v in values if str(v).strip()]
        if any(v not in codes for v in values):
            raise ValueError(Problem(_("Choose from the options shown.")))
        return [o["code"] for o in item["options"] if o["code"] in values] or None
    if isinstance(raw, list):
        raw = raw[-1] if raw else ""
    text = str(raw).strip() if raw is not None else ""
    if text == "":
        return None
    if kind == "choice":
        if text not in {o["code"] for o in item["options"]}:
            raise ValueError(Problem(_("Choose one of the options shown.")))
        return text
    if kind == "boolean":
        if text.lower() in ("true", "yes", "1"):
            return True
        if text.lower() in ("false", "no", "0"):
            return False
        raise ValueError(Problem(_("Choose yes or no.")))
    if kind in ("integer", "decimal"):
        try:
            value = int(text) if kind == "integer" else float(text)
        except ValueError:
            raise ValueError(
                Problem(_("Enter a whole number, like 3."))
                if kind == "integer"
                else Problem(_("Enter a number, like 2.5."))
            ) from None
        if kind == "decimal" and not math.isfinite(value):
            raise ValueError(Problem(_("Enter a number, like 2.5.")))
        if abs(value) > 10**12:
            raise ValueError(Problem(_("That number is too big. Check what you typed.")))
        low, high = item["min"], item["max"]
        if (low is not None and value < low) or (high is not None and value > high):
            if low is not None and high is not None:
                raise ValueError(Problem(_("Enter a number from %(low)s to %(high)s."), low=format(low, "g"), high=format(high, "g")))  # fmt: skip
            if low is not None:
                raise ValueError(Problem(_("Enter a number of at least %(low)s."), low=format(low, "g")))  # fmt: skip
            raise ValueError(Problem(_("Enter a number no more than %(high)s."), high=format(high, "g")))  # fmt: skip
        return _number(value) if kind == "decimal" else value
    if kind == "date":
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(Problem(_("Enter a real date, like 2024-03-31."))) from None
        if day < EARLIEST_DATE or day.year > 2200:
            raise ValueError(Problem(_("Enter a date between 1900 and 2200.")))
        return day.isoformat()
    limit = item["max_length"] or MAX_TEXT_ANSWER
    if len(text) > limit:
        raise ValueError(Problem(_("Keep this to %(limit)s characters or fewer."), limit=limit))
    return text


def _met(condition: dict, answer: Any) -> bool:
    operator, wanted = condition["operator"], condition["answer"]
    if operator == "exists":
        return (answer is not None) == wanted
    if answer is None:
        return False
    values = answer if isinstance(answer, list) else [answer]
    for value in values:
        if operator == "=" and value == wanted:
            return True
        if operator == "!=" and value != wanted:
            return True
        if operator in (">", "<", ">=", "<="):
            try:
                if {">": value > wanted, "<": value < wanted, ">=": value >= wanted, "<=": value <= wanted}[operator]:  # fmt: skip
                    return True
            except TypeError:
                continue
    return False


def enabled(definition: dict, answers: dict[str, Any]) -> dict[str, bool]:
    """Which questions are shown, given the answers. Definitions have no circular conditions."""
    found = questions(definition)
    parent: dict[str, str | None] = {}
    for item, _ in walk(definition["items"]):
        for child in item["items"]:
            parent[child["link_id"]] = item["link_id"]
    memo: dict[str, bool] = {}

    def on(link_id: str) -> bool:
        if link_id not in memo:
            item = found[link_id]
            up = parent.get(link_id)
            result = on(up) if up else True
            if result and item["enable_when"]:
                tests = [
                    on(c["question"]) and _met(c, answers.get(c["question"]))
                    for c in item["enable_when"]
                ]
                result = any(tests) if item["enable_behavior"] == "any" else all(tests)
            memo[link_id] = result
        return memo[link_id]

    return {link_id: on(link_id) for link_id in found}


def check_answers(definition: dict, raw: dict[str, Any], *, final: bool) -> Checked:
    """Parse raw answers ({link id: text or list}); drop those of hidden questions.

    ``final`` also requires every shown required question. A saved draft keeps what is valid.
    """
    checked = Checked()
    found = questions(definition)
    for link_id, item in found.items():
        if item["type"] not in ANSWERED_TYPES or link_id not in raw:
            continue
        try:
            value = _parse(item, raw[link_id])
        except ValueError as error:
            checked.errors[link_id] = (
                error.args[0] if error.args and isinstance(error.args[0], Problem) else str(error)
            )
            continue
        if value is not None:
            checked.answers[link_id] = value
    shown = enabled(definition, checked.answers)
    checked.answers = {k: v for k, v in checked.answers.items() if shown[k]}
    checked.errors = {k: v for k, v in checked.errors.items() if shown[k]}
    if final:
        for link_id, item in found.items():
            if item["required"] and shown[link_id] and link_id not in checked.answers and link_id not in checked.errors:  # fmt: skip
                checked.errors[link_id] = (
                    Problem(_("Choose an answer."))
                    if item["type"] in ("choice", "multi-choice", "boolean")
                    else Problem(_("Answer this question."))
                )
    return checked


# --- Scoring -----------------------------------------------------------------------------------


@dataclass
class Score:
    total: float | None = None
    subscales: dict[str, float | None] = field(default_factory=dict)
    band: str = ""
    missing: int = 0
    prorated: bool = False


def _value(item: dict, answer: Any, reverse: bool) -> float | None:
    if answer is None:
        return None
    if item["type"] == "choice":
        weight = next((o["weight"] for o in item["options"] if o["code"] == answer), None)
        if weight is None:
            return None
        low, high = _bounds(item)
        return low + high - weight if reverse else weight
    if item["type"] == "boolean":
        value = 1.0 if answer else 0.0
        return 1.0 - value if reverse else value
    value = float(answer)
    if reverse:
        value = item["min"] + item["max"] - value
    return value


def _combine(values: list[float | None], method: str, max_missing: int) -> tuple[float | None, int, bool]:  # fmt: skip
    answered = [v for v in values if v is not None]
    missing = len(values) - len(answered)
    if not answered or missing > max_missing:
        return None, missing, False
    if method == "mean":
        return round(sum(answered) / len(answered), 4), missing, False
    # Pro-rating: the mean of the answered questions stands in for each missing one.
    total = sum(answered) * len(values) / len(answered)
    return round(total, 4), missing, missing > 0


def score(definition: dict, answers: dict[str, Any]) -> Score:
    """The total, subscales and band for one set of checked answers."""
    scoring = definition["scoring"]
    result = Score()
    if scoring["method"] == "none":
        return result
    found = questions(definition)
    reverse = set(scoring["reverse"])

    def values(ids):
        return [_value(found[q], answers.get(q), q in reverse) for q in ids]

    total, result.missing, result.prorated = _combine(
        values(scoring["items"]), scoring["method"], scoring["prorate_max_missing"]
    )
    result.total = _number(total)
    for sub in scoring["subscales"]:
        limit = min(scoring["prorate_max_missing"], len(sub["items"]) - 1)
        value, _, _ = _combine(values(sub["items"]), sub["method"], limit)
        result.subscales[sub["key"]] = _number(value)
    if result.total is not None:
        result.band = band_for(scoring, result.total)
    return result


def band_for(scoring: dict, total: float) -> str:
    rounded = round(total, 2)
    for band in scoring["bands"]:
        if band["min"] <= rounded <= band["max"]:
            return band["label"]
    return ""
