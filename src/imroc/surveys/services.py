"""Every write to questionnaires: transactional and audited.

Audit events about responses say that a response was submitted, how and to which
questionnaire; they never copy an answer, a score or a respondent's reference.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from pathlib import Path

import yaml
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imroc.core import audit, suppression
from imroc.core.audit import SystemActor
from imroc.core.services import ServiceError
from imroc.core.uploads import clean_name
from imroc.measures import services as measure_services
from imroc.measures.models import DataPoint
from imroc.programme.models import Programme, Site
from imroc.surveys import engine, fhir
from imroc.surveys import translation as translations
from imroc.surveys.models import (
    Instrument,
    InstrumentVersion,
    KioskSession,
    Mode,
    PseudonymKey,
    Respondent,
    ResponseLink,
    ScoreMeasure,
    SurveyResponse,
)

RESPONDENT_ACTOR = SystemActor("respondent")  # someone answering through a link or a kiosk
DATA_DIR = Path(__file__).resolve().parent / "data"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I, so codes copy cleanly


class AnswerError(Exception):
    """Answers that cannot be accepted: a message per question, and the answers that were fine."""

    def __init__(self, checked: engine.Checked):
        super().__init__("Some answers need checking.")
        self.checked = checked


class LinkClosed(Exception):
    """A one-time link or kiosk that can no longer take answers, with the reason."""


# --- Instruments and versions ------------------------------------------------------------------


def _add_version(
    programme: Programme, site: Site | None, parsed: fhir.Parsed, *, actor, source: str
) -> tuple[InstrumentVersion, bool]:
    """Store a new version unless the latest one says the same. Call inside atomic()."""
    instrument = (
        Instrument.objects.select_for_update()
        .filter(programme=programme, site=site, key=parsed.key)
        .first()
    )
    checksum = parsed.checksum()
    if instrument is None:
        instrument = Instrument.objects.create(
            programme=programme, site=site, key=parsed.key, title=parsed.title, audience=parsed.audience
        )  # fmt: skip
        latest = None
    else:
        latest = instrument.versions.order_by("-number").first()
    if latest is not None and latest.checksum == checksum:
        return latest, False
    version = InstrumentVersion.objects.create(
        instrument=instrument, number=(latest.number + 1) if latest else 1, title=parsed.title,
        description=parsed.description, language=parsed.language, definition=parsed.definition,
        validated=parsed.validated, licence_holder=parsed.licence_holder,
        commercial_use=parsed.commercial_use, citation=parsed.citation, fhir_url=parsed.fhir_url,
        source_version=parsed.source_version, source_name=source[:200], checksum=checksum,
        published_at=timezone.now(), published_by=audit.user_of(actor),
    )  # fmt: skip
    if instrument.title != parsed.title or instrument.audience != parsed.audience:
        instrument.title, instrument.audience = parsed.title, parsed.audience
        instrument.save(update_fields=["title", "audience", "updated_at"])
    audit.record(
        actor, "survey.instrument.version", instrument, site=site,
        after={"version": version.number, "title": version.title, "source": source[:200],
               "questions": len(engine.questions(version.definition)), "checksum": checksum},
    )  # fmt: skip
    return version, True


def import_fhir(site: Site, *, content: bytes, filename: str, actor) -> tuple[InstrumentVersion, bool]:  # fmt: skip
    """Load a site's licensed questionnaire from a FHIR file. All or nothing."""
    name = clean_name(filename)
    if not name.lower().endswith(".json"):
        raise ServiceError(_("Choose a FHIR Questionnaire saved as a .json file."), "file")
    if not content:
        raise ServiceError(_("The file is empty."), "file")
    try:
        parsed = fhir.parse_questionnaire(content)
    except fhir.FhirError as error:
        raise ServiceError(
            " ".join(translations.message(p) for p in error.problems[:10]), "file"
        ) from None
    with transaction.atomic():
        return _add_version(site.programme, site, parsed, actor=actor, source=name)


def parsed_from_data(data: dict, source: str) -> fhir.Parsed:
    """Our own instrument file (YAML) as a parsed instrument, or ServiceError."""
    if not isinstance(data, dict) or not isinstance(data.get("key"), str):
        raise ServiceError(f"{source}: an instrument file needs a key, a title and items.")
    try:
        definition = engine.normalise({"items": data.get("items"), "scoring": data.get("scoring")})
    except engine.DefinitionError as error:
        raise ServiceError(f"{source}: " + " ".join(error.problems)) from None
    return fhir.Parsed(
        key=data["key"], title=str(data.get("title") or data["key"])[:200],
        description=str(data.get("description") or "").strip(), language="en",
        audience=data.get("audience", "mixed"), definition=definition,
        validated=bool(data.get("validated", False)),
        licence_holder=str(data.get("licence_holder") or ""),
        commercial_use=data.get("commercial_use"), citation=str(data.get("citation") or ""),
        fhir_url="", source_version="",
    )  # fmt: skip


def self_assessment_data(framework_version) -> dict:
    """The ten-challenge self-assessment as an instrument: one choice per challenge, the stages as options.

    Built from the framework's source text, whatever language is active: the instrument's
    definition is stored, and must not take on a translation."""
    with translation.override(None):
        return _self_assessment_data(framework_version)


def _self_assessment_data(framework_version) -> dict:
    stages = list(framework_version.stages.order_by("order"))
    items = [
        {"link_id": challenge.slug, "type": "choice", "required": False,
         "text": f"{challenge.number}. {challenge.title}",
         "options": [{"code": s.slug, "display": s.name, "weight": s.order} for s in stages]}
        for challenge in framework_version.challenges.order_by("number")
    ]  # fmt: skip
    return {
        "key": f"self-assessment-{framework_version.key}",
        "title": "Ten-challenge self-assessment",
        "description": (
            f"Rate where the organisation is on each of the ten challenges, from "
            f"{framework_version.title} version {framework_version.version}. Our own wording, "
            "not a validated instrument. The mean shows the typical stage."
        ),
        "audience": "site",
        "items": items,
        "scoring": {"method": "mean", "prorate_max_missing": 3},
    }


def bundled_files() -> list[Path]:
    """Our instrument files; their translations (<key>.<language>.yaml) are loaded with them."""
    return sorted(p for p in DATA_DIR.glob("*.yaml") if not translations.is_translation_file(p))


def load_translation(version: InstrumentVersion, parsed: translations.Parsed, *, actor) -> bool:
    """Store one language's display text for a version. True if it changed. Call inside atomic().

    Only display text changes: the definition, its checksum, scoring and stored answers do not,
    so the version stays the same published version.
    """
    try:
        content = translations.check(parsed, version)
    except translations.TranslationError as error:
        raise ServiceError("\n".join(error.problems)) from None
    stored = InstrumentVersion.objects.select_for_update().get(pk=version.pk)
    current = dict(stored.translations or {})
    if current.get(parsed.language) == content:
        version.translations = current
        return False
    before = current.get(parsed.language)
    current[parsed.language] = content
    stored.translations = current
    stored.save(update_fields=["translations", "updated_at"])
    version.translations = current
    audit.record(
        actor, "survey.instrument.translation", version.instrument, site=version.instrument.site,
        object_repr=f"{version} in {parsed.language}",
        before={"language": parsed.language, "items": len(before["items"])} if before else None,
        after={"version": version.number, "language": parsed.language, "items": len(content["items"]),
               "source": parsed.source[:200], "missing": len(translations.missing(version, parsed.language))},
    )  # fmt: skip
    return True


def read_translations(path: Path) -> list[translations.Parsed]:
    """The translation files beside an instrument file, read and checked for shape."""
    out = []
    for each in translations.files_for(path):
        try:
            out.append(translations.read(each))
        except translations.TranslationError as error:
            raise ServiceError("\n".join(error.problems)) from None
    return out


def load_translation_file(version: InstrumentVersion, path: Path, *, actor) -> bool:
    """Load one translation file onto a version (a site's own, or ours). All or nothing."""
    try:
        parsed = translations.read(path)
    except translations.TranslationError as error:
        raise ServiceError("\n".join(error.problems)) from None
    with transaction.atomic():
        return load_translation(version, parsed, actor=actor)


def load_programme_instruments(programme: Programme, *, actor, paths=None) -> list[tuple[InstrumentVersion, bool]]:  # fmt: skip
    """Load our own instruments, and the self-assessment from the framework in use. Safe to repeat."""
    from imroc.framework import queries as framework_queries

    parsed = []
    for path in paths or bundled_files():
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
            raise ServiceError(f"{Path(path).name}: cannot read the file ({error}).") from None
        parsed.append((parsed_from_data(data, Path(path).name), Path(path).name, read_translations(Path(path))))  # fmt: skip
    framework_version = framework_queries.current_version(programme.framework_key)
    if framework_version is not None and paths is None:
        data = self_assessment_data(framework_version)
        parsed.append((parsed_from_data(data, "framework"), str(framework_version), []))
    with transaction.atomic():
        loaded = []
        for p, source, translated in parsed:
            version, created = _add_version(programme, None, p, actor=actor, source=source)
            for each in translated:
                load_translation(version, each, actor=actor)
            loaded.append((version, created))
        return loaded


# --- Respondents -------------------------------------------------------------------------------


def _format_code(raw: bytes, prefix: str) -> str:
    letters = "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in raw[:8])
    return f"{prefix}{letters[:4]}-{letters[4:]}"


def pseudonym(site: Site, reference: str) -> str:
    """The site's code for a respondent reference (such as a local record number). One-way."""
    key = PseudonymKey.objects.filter(site=site).first()
    if key is None:
        try:
            with transaction.atomic():
                key = PseudonymKey.objects.create(site=site, secret=secrets.token_hex(32))
        except IntegrityError:
            key = PseudonymKey.objects.get(site=site)
    normal = " ".join(reference.split()).casefold()
    digest = hmac.new(key.secret.encode(), normal.encode(), hashlib.sha256).digest()
    return _format_code(digest, "R-")


def new_paper_code() -> str:
    """A random code for a paper form, for the site to write on it."""
    return _format_code(secrets.token_bytes(8), "P-")


def normal_code(code: str) -> str:
    return "".join(code.split()).upper()


def valid_code(code: str) -> bool:
    code = normal_code(code)
    if len(code) != 11 or code[:2] not in ("R-", "P-") or code[6] != "-":
        return False
    return all(c in CODE_ALPHABET for c in code[2:6] + code[7:])


def respondent_for(site: Site, *, reference: str = "", code: str = "", learner=None) -> Respondent | None:  # fmt: skip
    """The pseudonymous respondent for a reference, a code or a college learner; None if none given."""
    if learner is not None:
        if learner.college.site_id != site.pk:
            raise ServiceError(_("Choose a learner of this site's college."), "learner")
        existing = Respondent.objects.filter(site=site, learner=learner).first()
        if existing:
            return existing
        code = code or new_paper_code()
    if reference.strip():
        code = pseudonym(site, reference)
    elif code.strip():
        if not valid_code(code):
            raise ServiceError(_("Enter the code as it is written, like P-ABCD-2345."), "code")
        code = normal_code(code)
    else:
        return None
    respondent, _created = Respondent.objects.get_or_create(site=site, code=code)
    if learner is not None and respondent.learner_id != learner.pk:
        respondent.learner = learner
        respondent.save(update_fields=["learner", "updated_at"])
    return respondent


# --- Responses ---------------------------------------------------------------------------------


def _checked_or_raise(version: InstrumentVersion, raw: dict) -> dict:
    checked = engine.check_answers(version.definition, raw, final=True)
    if checked.errors:
        raise AnswerError(checked)
    if not checked.answers:
        checked.errors["_"] = engine.Problem(engine._("Answer at least one question."))
        raise AnswerError(checked)
    return checked.answers


def scored_fields(version: InstrumentVersion, answers: dict) -> dict:
    result = engine.score(version.definition, answers)
    return {
        "answers": answers, "score": result.total, "subscale_scores": result.subscales,
        "band": result.band, "missing": result.missing, "prorated": result.prorated,
    }  # fmt: skip


def _audit_response(actor, response: SurveyResponse, site: Site) -> None:
    audit.record(
        actor, "survey.response.submit", response, site=site,
        after={"mode": response.mode, "instrument": response.instrument.key, "version": response.version.number},
    )  # fmt: skip


def record_paper_response(
    site: Site, version: InstrumentVersion, *, actor, raw: dict, completed_on: dt.date,
    respondent: Respondent | None = None,
) -> SurveyResponse:  # fmt: skip
    """Staff type in a paper questionnaire. Raises AnswerError with a message per question."""
    _check_visible(site, version)
    answers = _checked_or_raise(version, raw)
    with transaction.atomic():
        response = SurveyResponse.objects.create(
            site=site, version=version, instrument=version.instrument, respondent=respondent,
            completed_on=completed_on, mode=Mode.PAPER, entered_by=audit.user_of(actor),
            **scored_fields(version, answers),
        )  # fmt: skip
        _audit_response(actor, response, site)
    return response


def _check_visible(site: Site, version: InstrumentVersion) -> None:
    instrument = version.instrument
    if instrument.programme_id != site.programme_id or instrument.site_id not in (None, site.pk):
        raise ServiceError(_("This questionnaire is not available to this site."))


# --- One-time links ----------------------------------------------------------------------------

EXPIRED = gettext_lazy("This link has expired, so it cannot take answers any more. Ask the person who gave it to you for a new one.")  # fmt: skip
USED = gettext_lazy("This link has already been used to send answers, and each link works once. Thank you for taking part.")  # fmt: skip
CANCELLED = gettext_lazy("This link was cancelled by the service. Ask the person who gave it to you for a new one.")  # fmt: skip


def link_problem(link: ResponseLink, now=None) -> str | None:
    now = now or timezone.now()
    if link.used_at is not None:
        return USED
    if link.cancelled_at is not None:
        return CANCELLED
    if link.expires_at <= now:
        return EXPIRED
    return None


def create_link(site: Site, version: InstrumentVersion, *, actor, days: int, respondent=None) -> ResponseLink:  # fmt: skip
    _check_visible(site, version)
    if not 1 <= days <= 90:
        raise ServiceError(_("A link can last from 1 to 90 days."), "days")
    with transaction.atomic():
        link = ResponseLink.objects.create(
            site=site, version=version, respondent=respondent, created_by=audit.user_of(actor),
            expires_at=timezone.now() + dt.timedelta(days=days),
        )  # fmt: skip
        audit.record(
            actor, "survey.link.create", link, site=site, object_repr=f"Link to {version}",
            after={"instrument": version.instrument.key, "version": version.number, "expires_at": link.expires_at},
        )  # fmt: skip
    return link


def cancel_link(link: ResponseLink, *, actor) -> None:
    with transaction.atomic():
        stored = ResponseLink.objects.select_for_update().get(pk=link.pk)
        if stored.used_at or stored.cancelled_at:
            raise ServiceError(_("This link has already been used or cancelled."))
        stored.cancelled_at = timezone.now()
        stored.draft = {}  # nothing half-answered is kept once the link cannot be used
        stored.save(update_fields=["cancelled_at", "draft", "updated_at"])
        audit.record(actor, "survey.link.cancel", stored, site=stored.site, object_repr=f"Link to {stored.version}")  # fmt: skip
    link.cancelled_at = stored.cancelled_at


def save_link_draft(link: ResponseLink, raw: dict) -> engine.Checked:
    """Keep the valid answers so far; the respondent can come back with the same link."""
    checked = engine.check_answers(link.version.definition, raw, final=False)
    with transaction.atomic():
        stored = ResponseLink.objects.select_for_update().get(pk=link.pk)
        problem = link_problem(stored)
        if problem:
            raise LinkClosed(problem)
        stored.draft = checked.answers
        stored.saved_at = timezone.now()
        stored.save(update_fields=["draft", "saved_at", "updated_at"])
        audit.record(RESPONDENT_ACTOR, "survey.link.save", stored, site=stored.site, object_repr=f"Link to {stored.version}")  # fmt: skip
    link.draft, link.saved_at = stored.draft, stored.saved_at
    return checked


def submit_link(link: ResponseLink, raw: dict, *, language: str = "") -> SurveyResponse:
    """The final submit: once only, before expiry. Nothing is written if any check fails.

    ``language`` is the language the questionnaire was shown in; answers are codes, so the
    score does not depend on it."""
    version = link.version
    with transaction.atomic():
        stored = ResponseLink.objects.select_for_update().get(pk=link.pk)
        problem = link_problem(stored)
        if problem:
            raise LinkClosed(problem)
        answers = _checked_or_raise(version, raw)
        response = SurveyResponse.objects.create(
            site=stored.site, version=version, instrument=version.instrument,
            respondent_id=stored.respondent_id, completed_on=timezone.localdate(), mode=Mode.LINK,
            link=stored, language=language[:10], **scored_fields(version, answers),
        )  # fmt: skip
        stored.used_at = timezone.now()
        stored.draft = {}
        stored.save(update_fields=["used_at", "draft", "updated_at"])
        _audit_response(RESPONDENT_ACTOR, response, stored.site)
    return response


# --- Kiosks ------------------------------------------------------------------------------------

KIOSK_CLOSED = gettext_lazy(
    "This kiosk is closed. Ask a member of staff if you would like to give feedback."
)


def open_kiosk(site: Site, version: InstrumentVersion, *, actor, place: str, hours: int) -> KioskSession:  # fmt: skip
    _check_visible(site, version)
    if not place.strip():
        raise ServiceError(_("Say where the kiosk is, such as “Willow Ward reception”."), "place")
    if not 1 <= hours <= 72:
        raise ServiceError(_("A kiosk can stay open from 1 to 72 hours."), "hours")
    with transaction.atomic():
        kiosk = KioskSession.objects.create(
            site=site, version=version, place=place.strip()[:100], opened_by=audit.user_of(actor),
            expires_at=timezone.now() + dt.timedelta(hours=hours),
        )  # fmt: skip
        audit.record(
            actor, "survey.kiosk.open", kiosk, site=site, object_repr=f"Kiosk at {kiosk.place}",
            after={"instrument": version.instrument.key, "version": version.number, "place": kiosk.place, "expires_at": kiosk.expires_at},
        )  # fmt: skip
    return kiosk


def kiosk_problem(kiosk: KioskSession, now=None) -> str | None:
    now = now or timezone.now()
    if kiosk.closed_at is not None or kiosk.expires_at <= now:
        return KIOSK_CLOSED
    return None


def close_kiosk(kiosk: KioskSession, *, actor) -> None:
    with transaction.atomic():
        stored = KioskSession.objects.select_for_update().get(pk=kiosk.pk)
        if stored.closed_at is None:
            stored.closed_at = timezone.now()
            stored.save(update_fields=["closed_at", "updated_at"])
            audit.record(actor, "survey.kiosk.close", stored, site=stored.site, object_repr=f"Kiosk at {stored.place}")  # fmt: skip
    kiosk.closed_at = stored.closed_at


def submit_kiosk(kiosk: KioskSession, raw: dict, *, language: str = "") -> SurveyResponse:
    version = kiosk.version
    with transaction.atomic():
        stored = KioskSession.objects.select_for_update().get(pk=kiosk.pk)
        problem = kiosk_problem(stored)
        if problem:
            raise LinkClosed(problem)
        answers = _checked_or_raise(version, raw)
        response = SurveyResponse.objects.create(
            site=stored.site, version=version, instrument=version.instrument,
            completed_on=timezone.localdate(), mode=Mode.KIOSK, kiosk=stored,
            language=language[:10], **scored_fields(version, answers),
        )  # fmt: skip
        _audit_response(RESPONDENT_ACTOR, response, stored.site)
    return response


def record_export(site: Site, instrument: Instrument, *, actor, count: int) -> None:
    """Downloading responses is recorded: it is the people's data leaving the system."""
    with transaction.atomic():
        audit.record(actor, "survey.responses.export", instrument, site=site, after={"responses": count, "format": "FHIR"})  # fmt: skip


# --- Scores as measures ------------------------------------------------------------------------


def monthly_means(rows, minimum: int | None = None) -> list[dict]:
    """Monthly mean scores from (completed_on, score) pairs; months with too few are left out."""
    minimum = suppression.threshold() if minimum is None else minimum
    months: dict[dt.date, list[float]] = {}
    for day, value in rows:
        if value is not None:
            months.setdefault(day.replace(day=1), []).append(value)
    return [
        {
            "period": month,
            "value": round(sum(v) / len(v), 3),
            "numerator": None,
            "denominator": None,
        }
        for month, v in sorted(months.items())
        if len(v) >= minimum
    ]


def score_to_measure(site: Site, instrument: Instrument, *, score_key: str, actor):
    """Chart a score: make (once) a measure, and copy in the monthly means. Safe to repeat."""
    from imroc.surveys import queries

    latest = queries.current_version(instrument)
    labels = {"total": "total score"} | {
        s["key"]: s["label"] for s in latest.definition["scoring"]["subscales"]
    }
    if latest.definition["scoring"]["method"] == "none" or score_key not in labels:
        raise ServiceError(_("This questionnaire has no such score."), "score_key")
    rows = queries.score_rows(site, instrument, score_key)
    means = monthly_means(rows)
    with transaction.atomic():
        link = ScoreMeasure.objects.select_for_update().filter(site=site, instrument=instrument, score_key=score_key).select_related("measure").first()  # fmt: skip
        if link is None:
            name = f"{instrument.title}: {labels[score_key]}"[:180]
            if site.measures.filter(name__iexact=name).exists():
                name = f"{name} (questionnaire)"
            measure = measure_services.create_measure(
                site, actor=actor, name=name, kind="outcome", data_type="continuous",
                chart_type="xmr", improvement="increase", frequency="monthly", unit="mean score",
                definition=(
                    f"The mean {labels[score_key]} of “{instrument.title}” each month, from the "
                    f"questionnaire responses. Months with fewer than {suppression.threshold()} responses "
                    "are left out, to protect the people who answered."
                ),
            )  # fmt: skip
            link = ScoreMeasure.objects.create(site=site, instrument=instrument, score_key=score_key, measure=measure)  # fmt: skip
        counts = measure_services.load_points(link.measure, means, actor=actor, source=DataPoint.Source.IMPORT)  # fmt: skip
    return link.measure, counts
