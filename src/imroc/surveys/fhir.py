"""FHIR R4 Questionnaire import and export, and QuestionnaireResponse export.

Both directions are validated with the fhir.resources R4B models. What core FHIR cannot say
goes in small imroc extensions, documented here:

- ``https://imroc.example.org/fhir/StructureDefinition/scoring``: valueString holding the
  scoring rule as JSON: method (sum, mean or none), items, reverse, prorate_max_missing,
  bands [{min, max, label}] and subscales [{key, label, method, items}].
- ``.../licence``: sub-extensions holder (valueString), commercialUse (valueBoolean) and
  citation (valueString).
- ``.../validated`` (valueBoolean) and ``.../audience`` (valueCode).

Option weights use the standard ordinalValue extension (itemWeight is read too); number
limits use the standard minValue and maxValue extensions.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.text import slugify

from imroc.core import safejson
from imroc.surveys import engine
from imroc.surveys.engine import Problem
from imroc.surveys.engine import _ as _

BASE = "https://imroc.example.org/fhir"
SCORING = f"{BASE}/StructureDefinition/scoring"
LICENCE = f"{BASE}/StructureDefinition/licence"
VALIDATED = f"{BASE}/StructureDefinition/validated"
AUDIENCE = f"{BASE}/StructureDefinition/audience"
SCORE = f"{BASE}/StructureDefinition/score"
RESPONDENT_SYSTEM = f"{BASE}/respondent"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
MAX_BYTES = 2 * 1024 * 1024
AUDIENCES = ("service_users", "carers", "staff", "learners", "mixed", "site")

FROM_FHIR_TYPE = {
    "group": "group", "display": "display", "boolean": "boolean", "decimal": "decimal",
    "integer": "integer", "date": "date", "string": "text", "text": "text", "choice": "choice",
}  # fmt: skip
ANSWER_KEYS = {
    "answerCoding": "coding", "answerBoolean": "plain", "answerInteger": "plain",
    "answerDecimal": "plain", "answerString": "plain", "answerDate": "plain",
}  # fmt: skip


class FhirError(Exception):
    """A file that cannot be imported, with every problem in plain words."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Parsed:
    key: str
    title: str
    description: str
    language: str
    audience: str
    definition: dict
    validated: bool
    licence_holder: str
    commercial_use: bool | None
    citation: str
    fhir_url: str
    source_version: str

    def checksum(self) -> str:
        content = {k: v for k, v in asdict(self).items() if k not in ("fhir_url", "source_version")}  # fmt: skip
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


# --- Import ------------------------------------------------------------------------------------


def _plain_errors(error) -> list[str]:
    out = []
    for problem in getattr(error, "errors", lambda: [])()[:8]:
        where = ".".join(str(p) for p in problem.get("loc", ()) if p != "__root__") or "the file"
        out.append(f"At {where}: {problem.get('msg', 'not valid')}.")
    return out or ["The file is not a valid FHIR Questionnaire."]


def _validated(data: dict, model) -> dict:
    """The resource as fhir.resources reads it, or FhirError."""
    from pydantic import ValidationError

    try:
        resource = model.model_validate(data)
        return resource.model_dump(mode="json", exclude_none=True)
    except ValidationError as error:
        raise FhirError([Problem(_("The file is not a valid FHIR R4 Questionnaire.")), *_plain_errors(error)]) from None  # fmt: skip
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        raise FhirError([f"The file is not a valid FHIR R4 Questionnaire: {str(error)[:200]}"]) from None  # fmt: skip


def _ext(element: dict, url: str) -> dict | None:
    for extension in element.get("extension") or []:
        if isinstance(extension, dict) and extension.get("url") == url:
            return extension
    return None


def _ext_value(element: dict, url: str, *kinds: str):
    extension = _ext(element, url)
    if extension is None:
        return None
    for kind in kinds:
        if kind in extension:
            return extension[kind]
    return None


def parse_questionnaire(content: bytes) -> Parsed:
    """Read a FHIR R4 Questionnaire (JSON). Raises FhirError with clear messages."""
    from fhir.resources.R4B.questionnaire import Questionnaire

    if len(content) > MAX_BYTES:
        raise FhirError(
            [Problem(_("The file is larger than 2 MB. A questionnaire file is much smaller."))]
        )
    try:
        data = safejson.loads(content.decode("utf-8-sig"), max_bytes=MAX_BYTES)
    except UnicodeDecodeError:
        raise FhirError([Problem(_("The file is not text. Choose a FHIR Questionnaire saved as JSON."))]) from None  # fmt: skip
    except safejson.JSONLimitError as error:
        problem = Problem(
            _("The file cannot be used as a questionnaire. %(reason)s"), reason=str(error)
        )
        raise FhirError([problem]) from None
    except (ValueError, RecursionError):
        raise FhirError([Problem(_("The file is not valid JSON. Choose a FHIR Questionnaire saved as JSON."))]) from None  # fmt: skip
    if not isinstance(data, dict) or data.get("resourceType") != "Questionnaire":
        raise FhirError([Problem(_("The file is not a FHIR Questionnaire: its resourceType must be “Questionnaire”."))])  # fmt: skip
    q = _validated(data, Questionnaire)
    problems: list[str] = []
    items = [_item(raw, problems) for raw in q.get("item") or []]
    scoring = None
    raw_scoring = _ext_value(q, SCORING, "valueString")
    if raw_scoring is not None:
        try:
            scoring = safejson.loads(raw_scoring, max_bytes=MAX_BYTES)
        except (ValueError, RecursionError):
            problems.append(Problem(_("The imroc scoring extension does not hold valid JSON.")))
    title = (q.get("title") or q.get("name") or "").strip()[:200]
    key = slugify(q.get("name") or title)[:64].strip("-")
    if not title or not key:
        problems.append(Problem(_("The questionnaire needs a title or a name.")))
    if problems:
        raise FhirError(problems)
    try:
        definition = engine.normalise({"items": items, "scoring": scoring})
    except engine.DefinitionError as error:
        raise FhirError(error.problems) from None
    licence = _ext(q, LICENCE) or {}
    holder = _ext_value(licence, "holder", "valueString") or ""
    commercial = _ext_value(licence, "commercialUse", "valueBoolean")
    citation = _ext_value(licence, "citation", "valueString") or q.get("copyright") or ""
    audience = _ext_value(q, AUDIENCE, "valueCode") or "mixed"
    return Parsed(
        key=key, title=title, description=(q.get("description") or "").strip()[:4000],
        language=(q.get("language") or "en")[:10],
        audience=audience if audience in AUDIENCES else "mixed", definition=definition,
        validated=bool(_ext_value(q, VALIDATED, "valueBoolean")), licence_holder=holder[:200],
        commercial_use=commercial if isinstance(commercial, bool) else None,
        citation=citation[:1000], fhir_url=(q.get("url") or "")[:300],
        source_version=(q.get("version") or "")[:50],
    )  # fmt: skip


def _weight(option: dict):
    for holder in (option, option.get("valueCoding") or {}):
        for url in (ORDINAL, ITEM_WEIGHT):
            value = _ext_value(holder, url, "valueDecimal", "valueInteger")
            if value is not None:
                return value
    if "valueInteger" in option:
        return option["valueInteger"]
    return None


def _option(option: dict) -> dict:
    if "valueCoding" in option:
        coding = option["valueCoding"]
        code, display = coding.get("code"), coding.get("display")
    else:
        value = next((option[k] for k in ("valueInteger", "valueString", "valueDate") if k in option), None)  # fmt: skip
        code, display = (str(value) if value is not None else None), None
    return {"code": code, "display": display, "weight": _weight(option)}


def _condition(raw: dict) -> dict:
    answer = None
    for key in ANSWER_KEYS:
        if key in raw:
            answer = raw[key].get("code") if key == "answerCoding" else raw[key]
    return {"question": raw.get("question"), "operator": raw.get("operator"), "answer": answer}


def _item(raw: dict, problems: list[str]) -> dict:
    link_id = raw.get("linkId")
    fhir_type = raw.get("type")
    kind = FROM_FHIR_TYPE.get(fhir_type)
    if kind is None:
        supported = ", ".join(sorted(FROM_FHIR_TYPE))
        problems.append(Problem(_("Question “%(link_id)s” has the type “%(type)s”, which imroc cannot collect. Use one of: %(supported)s."), link_id=link_id, type=fhir_type, supported=supported))  # fmt: skip
        kind = fhir_type
    if kind == "choice" and raw.get("repeats"):
        kind = "multi-choice"
    item = {
        "link_id": link_id, "text": raw.get("text") or "", "type": kind,
        "required": bool(raw.get("required")),
        "options": [_option(o) for o in raw.get("answerOption") or []],
        "enable_when": [_condition(c) for c in raw.get("enableWhen") or []],
        "enable_behavior": raw.get("enableBehavior") or "all",
        "min": _ext_value(raw, MIN_VALUE, "valueInteger", "valueDecimal"),
        "max": _ext_value(raw, MAX_VALUE, "valueInteger", "valueDecimal"),
        "max_length": raw.get("maxLength"),
        "items": [_item(child, problems) for child in raw.get("item") or []],
    }  # fmt: skip
    if raw.get("answerValueSet"):
        problems.append(Problem(_("Question “%(link_id)s” takes its options from a value set; list the options in the file instead."), link_id=link_id))  # fmt: skip
    return item


# --- Export ------------------------------------------------------------------------------------


def canonical_url(version) -> str:
    return version.fhir_url or f"{BASE}/Questionnaire/{version.instrument.key}"


def _export_item(item: dict, found: dict) -> dict:
    out: dict[str, Any] = {"linkId": item["link_id"]}
    if item["text"]:
        out["text"] = item["text"]
    out["type"] = "choice" if item["type"] == "multi-choice" else item["type"]
    if item["required"]:
        out["required"] = True
    if item["type"] == "multi-choice":
        out["repeats"] = True
    if item["max_length"] is not None:
        out["maxLength"] = item["max_length"]
    extensions = []
    for bound, url in (("min", MIN_VALUE), ("max", MAX_VALUE)):
        if item[bound] is not None:
            kind = "valueInteger" if item["type"] == "integer" else "valueDecimal"
            extensions.append({"url": url, kind: item[bound]})
    if extensions:
        out["extension"] = extensions
    if item["enable_when"]:
        out["enableWhen"] = [_export_condition(c, found) for c in item["enable_when"]]
        if len(item["enable_when"]) > 1 or item["enable_behavior"] != "all":
            out["enableBehavior"] = item["enable_behavior"]
    if item["options"]:
        out["answerOption"] = [_export_option(o) for o in item["options"]]
    if item["items"]:
        out["item"] = [_export_item(child, found) for child in item["items"]]
    return out


def _export_option(option: dict) -> dict:
    coding: dict[str, Any] = {"code": option["code"], "display": option["display"]}
    if option["weight"] is not None:
        coding["extension"] = [{"url": ORDINAL, "valueDecimal": option["weight"]}]
    return {"valueCoding": coding}


def _export_condition(condition: dict, found: dict) -> dict:
    out = {"question": condition["question"], "operator": condition["operator"]}
    answer = condition["answer"]
    kind = found[condition["question"]]["type"]
    if condition["operator"] == "exists" or kind == "boolean":
        out["answerBoolean"] = answer
    elif kind in ("choice", "multi-choice"):
        out["answerCoding"] = {"code": str(answer)}
    elif kind == "integer":
        out["answerInteger"] = answer
    elif kind == "decimal":
        out["answerDecimal"] = answer
    elif kind == "date":
        out["answerDate"] = answer
    else:
        out["answerString"] = answer
    return out


def questionnaire(version) -> dict:
    """A version as a FHIR R4 Questionnaire, checked with fhir.resources."""
    from fhir.resources.R4B.questionnaire import Questionnaire

    definition = version.definition
    found = engine.questions(definition)
    licence = [{"url": "holder", "valueString": version.licence_holder}] if version.licence_holder else []  # fmt: skip
    if version.commercial_use is not None:
        licence.append({"url": "commercialUse", "valueBoolean": version.commercial_use})
    if version.citation:
        licence.append({"url": "citation", "valueString": version.citation})
    extensions = [
        {"url": SCORING, "valueString": json.dumps(definition["scoring"], sort_keys=True)},
        {"url": VALIDATED, "valueBoolean": version.validated},
        {"url": AUDIENCE, "valueCode": version.instrument.audience},
    ]
    if licence:
        extensions.append({"url": LICENCE, "extension": licence})
    data = {
        "resourceType": "Questionnaire",
        "id": str(version.public_id),
        "extension": extensions,
        "url": canonical_url(version),
        "version": version.source_version or str(version.number),
        "name": version.instrument.key,
        "title": version.title,
        "status": "active",
        "date": version.published_at.isoformat(),
        "language": version.language,
        "item": [_export_item(item, found) for item in definition["items"]],
    }
    if version.description:
        data["description"] = version.description
    if version.citation:
        data["copyright"] = version.citation
    return _validated(data, Questionnaire)


def _answers(item: dict, value) -> list[dict]:
    kind = item["type"]
    if kind in ("choice", "multi-choice"):
        labels = {o["code"]: o["display"] for o in item["options"]}
        values = value if isinstance(value, list) else [value]
        return [{"valueCoding": {"code": v, "display": labels.get(v, v)}} for v in values]
    key = {"integer": "valueInteger", "decimal": "valueDecimal", "boolean": "valueBoolean",
           "date": "valueDate"}.get(kind, "valueString")  # fmt: skip
    return [{key: value}]


def _response_items(items: list[dict], answers: dict) -> list[dict]:
    out = []
    for item in items:
        if item["type"] == "group":
            children = _response_items(item["items"], answers)
            if children:
                out.append({"linkId": item["link_id"], "text": item["text"] or None, "item": children})  # fmt: skip
        elif item["link_id"] in answers:
            entry = {"linkId": item["link_id"], "text": item["text"], "answer": _answers(item, answers[item["link_id"]])}  # fmt: skip
            out.append(entry)
    return [{k: v for k, v in entry.items() if v is not None} for entry in out]


def questionnaire_response(response, version, site_public_id, code: str | None) -> dict:
    data: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.public_id),
        "questionnaire": f"{canonical_url(version)}|{version.source_version or version.number}",
        "status": "completed",
        "authored": response.completed_on.isoformat(),
        "item": _response_items(version.definition["items"], response.answers),
    }
    if response.score is not None:
        data["extension"] = [{"url": SCORE, "valueDecimal": response.score}]
    if getattr(response, "language", ""):  # the language the questionnaire was shown in
        data["language"] = response.language
    if code:
        data["subject"] = {"identifier": {"system": f"{RESPONDENT_SYSTEM}/{site_public_id}", "value": code}}  # fmt: skip
    if not data["item"]:
        del data["item"]
    return data


def response_bundle(entries: list[dict]) -> dict:
    """QuestionnaireResponses in a FHIR collection Bundle, checked with fhir.resources."""
    from fhir.resources.R4B.bundle import Bundle

    data = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{e['id']}", "resource": e} for e in entries],
    }
    return _validated(data, Bundle)
