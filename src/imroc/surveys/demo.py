"""Demonstration questionnaires: our own instruments, one licensed-style instrument imported
from FHIR by the first demonstration site, and a few thousand plausible responses across the
demonstration and pilot sites in 2012 to 2014, with baseline and follow-up pairs.

Responses are bulk-created, with one audit event per instrument per site.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from django.db import transaction

from imroc.core import audit
from imroc.core.audit import SystemActor
from imroc.programme.models import Category, Programme
from imroc.surveys import engine, fhir, services
from imroc.surveys.models import Mode, Respondent, SurveyResponse

ACTOR = SystemActor("demo")
FIRST = dt.date(2012, 1, 1)
LAST = dt.date(2014, 12, 31)
SPAN = (LAST - FIRST).days


def recovery_process_questionnaire() -> dict:
    """A 15-item recovery-process questionnaire as a site's licensee would supply it.

    The wording here is a neutral placeholder, never a real instrument's: the licensee's own
    file holds the real wording.
    """
    scale = [("0", "Disagree strongly"), ("1", "Disagree"), ("2", "Neither"), ("3", "Agree"), ("4", "Agree strongly")]  # fmt: skip
    items = [
        {
            "linkId": f"q{n}", "text": f"Item {n} wording supplied by licensee", "type": "choice", "required": True,
            "answerOption": [{"valueCoding": {"code": c, "display": d, "extension": [{"url": fhir.ORDINAL, "valueDecimal": int(c)}]}} for c, d in scale],
        }
        for n in range(1, 16)
    ]  # fmt: skip
    scoring = {"method": "sum", "prorate_max_missing": 2, "bands": [
        {"min": 0, "max": 29, "label": "Lower"}, {"min": 29.01, "max": 44, "label": "Middle"},
        {"min": 44.01, "max": 60, "label": "Higher"}]}  # fmt: skip
    return {
        "resourceType": "Questionnaire",
        "url": "https://licensee.example.org/fhir/Questionnaire/recovery-process-15",
        "version": "2.0",
        "name": "recovery-process-15",
        "title": "Recovery process questionnaire (15 items, site licence)",
        "status": "active",
        "description": "Fifteen statements about personal recovery, each scored 0 to 4, for a total of 0 to 60. Wording supplied by the licensee.",
        "copyright": "Wording used under the organisation's own licence.",
        "extension": [
            {"url": fhir.SCORING, "valueString": json.dumps(scoring)},
            {"url": fhir.VALIDATED, "valueBoolean": True},
            {"url": fhir.AUDIENCE, "valueCode": "service_users"},
            {
                "url": fhir.LICENCE,
                "extension": [
                    {"url": "holder", "valueString": "The instrument's authors"},
                    {"url": "commercialUse", "valueBoolean": False},
                    {
                        "url": "citation",
                        "valueString": "Cite the published instrument as the licence asks.",
                    },
                ],
            },
        ],
        "item": items,
    }


def _answers(definition: dict, level: float, rng: random.Random) -> dict:
    """Plausible answers for a person whose true level is 0 (low) to 1 (high)."""
    reverse = set(definition["scoring"]["reverse"])
    out = {}
    for item, _ in engine.walk(definition["items"]):
        kind = item["type"]
        if kind == "choice" and item["options"] and item["options"][0]["weight"] is not None:
            if rng.random() < 0.03 and not item["required"]:
                continue
            aim = (1 - level if item["link_id"] in reverse else level) + rng.gauss(0, 0.18)
            options = item["options"]
            index = min(len(options) - 1, max(0, round(aim * (len(options) - 1))))
            out[item["link_id"]] = options[index]["code"]
        elif kind == "choice" and rng.random() < 0.7:
            out[item["link_id"]] = rng.choice(item["options"])["code"]
        elif kind == "integer" and item["min"] is not None and rng.random() < 0.6:
            out[item["link_id"]] = rng.randint(item["min"], min(item["max"], item["min"] + 8))
    return engine.check_answers(definition, out, final=False).answers


def _day(rng: random.Random, start: dt.date = FIRST, end: dt.date = LAST) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _responses(site, version, rng, *, people: int, paired: float, anonymous: int, gain: float, codes: list):  # fmt: skip
    """Responses for one instrument at one site: some people twice (baseline, follow-up)."""
    definition = version.definition
    rows = []
    for _ in range(people):
        level = min(0.95, max(0.05, rng.gauss(0.5, 0.15)))
        first = _day(rng, FIRST, LAST - dt.timedelta(days=200))
        code = services._format_code(rng.randbytes(8), "P-")
        codes.append(code)
        rows.append((code, first, _answers(definition, level, rng)))
        if rng.random() < paired:
            later = first + dt.timedelta(days=rng.randint(90, 300))
            rows.append((code, min(later, LAST), _answers(definition, min(1, level + gain + rng.gauss(0, 0.08)), rng)))  # fmt: skip
    for _ in range(anonymous):
        day = _day(rng)
        # Services get a little better over the years.
        level = min(0.95, max(0.05, rng.gauss(0.45 + 0.1 * (day - FIRST).days / SPAN, 0.15)))
        rows.append((None, day, _answers(definition, level, rng)))
    return rows


def _store(site, version, rows, respondents: dict, mode_choices) -> int:
    objects = []
    for code, day, answers in rows:
        if not answers:
            continue
        objects.append(SurveyResponse(
            site=site, version=version, instrument=version.instrument,
            respondent=respondents.get(code) if code else None, completed_on=day,
            mode=mode_choices[len(objects) % len(mode_choices)], **services.scored_fields(version, answers),
        ))  # fmt: skip
    SurveyResponse.objects.bulk_create(objects, batch_size=500)
    audit.record(ACTOR, "survey.demo", version.instrument, site=site, after={"responses": len(objects)})  # fmt: skip
    return len(objects)


def build_demo(programme: Programme, rng: random.Random, users: dict | None = None) -> int:
    """Add instruments and responses; returns how many responses. A second run adds nothing."""
    loaded = {v.instrument.key: v for v, _ in services.load_programme_instruments(programme, actor=ACTOR)}  # fmt: skip
    sites = list(
        programme.sites.filter(category__in=[Category.DEMONSTRATION, Category.PILOT])
        .select_related("organisation")
        .order_by("category", "joined_on", "organisation__name")
    )
    if not sites or any(s.survey_responses.exists() for s in sites[:1]):
        return 0
    total = 0
    plan = [
        (
            "recovery-support-pulse",
            {"people": 45, "paired": 0.6, "anonymous": 40, "gain": 0.12},
            [Mode.PAPER, Mode.LINK, Mode.KIOSK],
        ),
        (
            "staff-pulse",
            {"people": 0, "paired": 0, "anonymous": 60, "gain": 0},
            [Mode.LINK, Mode.PAPER],
        ),
        (
            "course-feedback",
            {"people": 0, "paired": 0, "anonymous": 45, "gain": 0},
            [Mode.PAPER, Mode.KIOSK],
        ),
    ]
    for index, site in enumerate(sites):
        with transaction.atomic():
            work = [(loaded[key], sizes, modes) for key, sizes, modes in plan if key in loaded]
            if index == 0:
                content = json.dumps(recovery_process_questionnaire()).encode()
                licensed, _ = services.import_fhir(site, content=content, filename="recovery-process-15.json", actor=ACTOR)  # fmt: skip
                work.append((licensed, {"people": 300, "paired": 0.7, "anonymous": 150, "gain": 0.1}, [Mode.PAPER, Mode.LINK]))  # fmt: skip
            codes: list[str] = []
            generated = [(version, _responses(site, version, rng, codes=codes, **sizes), modes) for version, sizes, modes in work]  # fmt: skip
            Respondent.objects.bulk_create([Respondent(site=site, code=c) for c in set(codes)], batch_size=500)  # fmt: skip
            respondents = {r.code: r for r in site.survey_respondents.all()}
            for version, rows, modes in generated:
                total += _store(site, version, rows, respondents, modes)
            if index == 0:
                services.score_to_measure(site, licensed.instrument, score_key="total", actor=ACTOR)
    return total
