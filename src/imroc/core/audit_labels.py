"""Plain words for the audit log, so a site lead can read the history pages.

The log stores codes: an action such as ``goal.adjust``, a kind of record such as
``improvement.goal``, field names such as ``target_date`` and JSON values such as
``"2014-03-31"`` or ``["hope", "meaning"]``. This module turns each into words:

- ``kind_label``: the model's verbose name ("Goal"), or a tidied name for a model that no
  longer exists; ``kind_choices`` lists each kind once, sorted by its label.
- ``action_label``: "Goal changed", "Learner's details viewed"... A few actions have their own
  words (``ACTIONS``); the rest are "<what it is about> <verb>", the verb found in ``VERBS``.
  Anything else falls back to the code with dots and underscores made into spaces.
- ``field_label``: the model field's verbose name, else the name in words.
- ``format_value``: a dash for nothing, Yes/No, "3 Mar 2014" (times in the current time zone,
  which site pages set to the site's), lists joined with commas, a dict as "label: value"
  pairs, long text cut at ``MAX_LENGTH`` characters. Plain text only: templates escape it.
- ``record_label``: "Fidelity check 66" instead of "FidelityCheck object (66)".
- ``describe``: all of the above on one event, for the history pages.

Reordered lists. A change whose before and after are lists holding the same items in another
order (the CHIME boxes of a goal saved in a different order) is not a change anyone made on
purpose, so ``changes`` leaves it out. An event is ``only_reordered`` when it recorded what
the values were before, and every one of those values is either the same after or the same
items in another order (a value recorded only afterwards, such as the reason given for a
goal change, is context, not a change). One object's history leaves such events out; the
site's full history keeps every event (it is the audit log) and says only the order changed.

Everything here is in memory (the app registry), so labelling a page of events adds no query.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import dateformat, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from imroc.core.audit import MASK

MAX_LENGTH = 200
EMPTY = "–"
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"

# Kinds whose model name reads badly, and kinds that are not models.
KINDS = {
    "improvement.pdsacycle": _("PDSA cycle"),
    "workforce.ipsreview": _("IPS review"),
    "api.apitoken": _("API token"),
    "college.coproduction": _("Co-production"),
    "assessment.consensus": _("Consensus rating"),
    "surveys.instrument": _("Questionnaire"),
    "surveys.instrumentversion": _("Questionnaire version"),
    "surveys.responselink": _("Questionnaire link"),
    "surveys.kiosksession": _("Questionnaire kiosk"),
    "framework.frameworkversion": _("Framework"),
    "programme.sitemembership": _("Role at the site"),
    "programme.programmemembership": _("Role in the programme"),
    "accounts.user": _("Person"),
    "export": _("Export"),
}

# The first part of an action, where it is not the name of the record's model.
THINGS = {
    "pdsa": _("PDSA cycle"),
    "run": _("Course run"),
    "api_token": _("API token"),
    "ips_review": _("IPS review"),
    "survey.link": _("Questionnaire link"),
    "survey.kiosk": _("Questionnaire kiosk"),
    "survey.instrument": _("Questionnaire"),
    "survey.response": _("Questionnaire answers"),
    "survey.responses": _("Questionnaire answers"),
    "plan": _("Learning plan"),
    "user": _("Account"),
    "membership": _("Role at the site"),
    "programme_membership": _("Role in the programme"),
    "measure.point": _("Data point"),
    "round": _("Assessment round"),
    "partner": _("Partner agency"),
    "support": _("Support record"),
    "session": _("Course session"),
    "exports": _("Data"),
}

# "<what it is about> <verb>", by the action's last part.
_ADDED = _("%(kind)s added")
_CHANGED = _("%(kind)s changed")
_REMOVED = _("%(kind)s removed")
_VIEWED = _("%(kind)s viewed")
_DOWNLOADED = _("%(kind)s downloaded")
_IMPORTED = _("%(kind)s imported")
VERBS = {
    "create": _ADDED,
    "created": _ADDED,
    "add": _ADDED,
    "update": _CHANGED,
    "updated": _CHANGED,
    "change": _CHANGED,
    "edit": _CHANGED,
    "adjust": _CHANGED,
    "delete": _REMOVED,
    "deleted": _REMOVED,
    "remove": _REMOVED,
    "view": _VIEWED,
    "viewed": _VIEWED,
    "export": _DOWNLOADED,
    "exported": _DOWNLOADED,
    "download": _DOWNLOADED,
    "downloaded": _DOWNLOADED,
    "import": _IMPORTED,
    "imported": _IMPORTED,
    "publish": _("%(kind)s published"),
    "cancel": _("%(kind)s cancelled"),
    "accept": _("%(kind)s accepted"),
    "accepted": _("%(kind)s accepted"),
    "decline": _("%(kind)s declined"),
    "declined": _("%(kind)s declined"),
    "approve": _("%(kind)s approved"),
    "invite": _("%(kind)s invited"),
    "end": _("%(kind)s ended"),
    "revoke": _("%(kind)s revoked"),
    "submit": _("%(kind)s sent"),
    "submitted": _("%(kind)s sent"),
    "start": _("%(kind)s started"),
    "open": _("%(kind)s opened"),
    "close": _("%(kind)s closed"),
    "schedule": _("%(kind)s planned"),
    "review": _("%(kind)s reviewed"),
    "record": _("%(kind)s recorded"),
    "set": _("%(kind)s given"),
    "load": _("%(kind)s loaded"),
    "translate": _("%(kind)s translated"),
    "share": _("%(kind)s shared"),
    "withdraw": _("%(kind)s withdrawn"),
    "resend": _("%(kind)s sent again"),
    "deactivate": _("%(kind)s switched off"),
    "reactivate": _("%(kind)s switched back on"),
    "erase": _("%(kind)s erased"),
    "save": _("%(kind)s saved"),
    "correct": _("%(kind)s corrected"),
    "generate": _("%(kind)s made"),
    "evaluate": _("%(kind)s evaluated"),
}

# Actions whose words are not "<what it is about> <verb>".
ACTIONS = {
    "priorities.choose": _("Priorities chosen"),
    "site.partner_add": _("Partner organisation added"),
    "site.category": _("Site category changed"),
    "site.benchmark_naming": _("Name in benchmarks changed"),
    "trip.benchmark": _("Team benchmark recorded"),
    "trip.priorities": _("Team priorities chosen"),
    "trip.resources": _("Team resources recorded"),
    "trip.review": _("Team review recorded"),
    "round.attendance": _("Who took part recorded"),
    "learning_set.attend": _("Learning set attendance recorded"),
    "learning_set.unattend": _("Learning set attendance taken off"),
    "learning_set.action": _("Learning set action added"),
    "learning_set.demo_evaluations": _("Learning set evaluations added (demo)"),
    "support.followed_up": _("Support followed up"),
    "measure.adopt": _("Programme measure adopted"),
    "measure.annotate": _("Note added to a chart"),
    "measure.rebase": _("Chart limits worked out again"),
    "measure.link_cycle": _("Measure linked to a PDSA cycle"),
    "measure.unlink_cycle": _("Measure unlinked from a PDSA cycle"),
    "measure.bulk_upsert": _("Data points loaded"),
    "measure.import": _("Data points imported"),
    "measures.datapoint": _("Data point changed"),
    "workforce.bulk_load": _("Workforce records loaded"),
    "workforce.chart": _("Workforce chart linked"),
    "workforce.training_target": _("Training target set"),
    "partner.referrals": _("Partner referrals recorded"),
    "partner.agreement": _("Partner agreement recorded"),
    "partner.activity": _("Joint activity recorded"),
    "peer_cohort.checklist": _("Peer cohort checklist updated"),
    "peer_cohort.advance": _("Peer cohort moved on to the next phase"),
    "peer_cohort.recruitment": _("Peer cohort recruitment recorded"),
    "course.coproduction": _("Course co-production recorded"),
    "college.fidelity_wording": _("Fidelity check wording changed"),
    "college.demo": _("Recovery college demo added"),
    "fidelity.record": _("Fidelity check recorded"),
    "register.save": _("Register saved"),
    "feedback.invite": _("Feedback asked for"),
    "feedback.submit": _("Feedback given"),
    "learner.data_link": _("Learner sent a link to their data"),
    "learner.retention": _("Learner's details kept longer"),
    "learner.erase": _("Learner's details erased"),
    "enrolment.promote": _("Place given from the waiting list"),
    "indicator.record": _("Indicator value recorded"),
    "user.invite": _("Person invited"),
    "survey.link.save": _("Answers saved to finish later"),
    "survey.demo": _("Questionnaire answers added (demo)"),
    "survey.instrument.version": _("Questionnaire version added"),
    "survey.instrument.translation": _("Questionnaire translation added"),
    "survey.response.submit": _("Questionnaire answers sent"),
    "demo.reset": _("Demo removed"),
    "synthetic.generate": _("Made-up data added"),
    "user.two_factor_on": _("Two-factor sign-in turned on"),
    "user.two_factor_off": _("Two-factor sign-in turned off"),
    "user.reauth_locked_out": _("Locked out after wrong passwords"),
    "user.password": _("Password changed"),
    "user.password_reset": _("Password reset"),
    "user.language": _("Language changed"),
    "user.backup_codes": _("Backup codes made"),
    "user.backup_code_used": _("Backup code used"),
    "user.accept_invitation": _("Invitation accepted"),
    "reports.board_downloaded": _("Board report downloaded"),
    "reports.programme_downloaded": _("Programme report downloaded"),
    "reports.bundle_created": _("Record added from a bundle"),
    "reports.bundle_updated": _("Record changed from a bundle"),
    "reports.bundle_deleted": _("Bundle removed"),
    "reports.bundle_exported": _("Bundle made"),
    "reports.bundle_imported": _("Bundle imported"),
    "reports.bundle_key_generated": _("Bundle key made"),
    "reports.bundle_key_registered": _("Bundle key added"),
    "reports.bundle_key_revoked": _("Bundle key revoked"),
    "exports.site": _("Whole site downloaded"),
    "exports.fhir": _("Questionnaire answers downloaded (FHIR)"),
    "exports.list": _("List downloaded"),
}

# record_access: "viewed.<what>" and "exported.<what>".
ACCESS = {
    "viewed": (_("%(kind)s's details viewed"), _("Page viewed: %(page)s")),
    "exported": (_("%(kind)s's details downloaded"), _("List downloaded: %(page)s")),
}

_DEFAULT_REPR = re.compile(r"^(?P<model>[A-Z]\w*) object \((?P<number>[\w-]{1,64})\)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$"
)
_ISO_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}(\.\d{1,6})?$")


def words(code: str) -> str:
    """A code in words: dots and underscores as spaces, capitalised."""
    text = " ".join(re.sub(r"[._]+", " ", str(code)).split())
    return capfirst(text)


def model_for(object_type: str) -> type[models.Model] | None:
    """The model an audit ``object_type`` ("app_label.model") names, or None."""
    app_label, _dot, model_name = str(object_type).partition(".")
    if not model_name:
        return None
    try:
        return apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return None


def kind_label(object_type: str) -> str:
    """ "improvement.goal" -> "Goal"; a model that no longer exists -> its name in words."""
    if object_type in KINDS:
        return str(KINDS[object_type])
    model = model_for(object_type)
    if model is not None:
        return capfirst(str(model._meta.verbose_name))
    return words(str(object_type).rpartition(".")[2]) or EMPTY


def kind_choices(object_types) -> list[tuple[str, str]]:
    """(value, label) for a filter: each kind once, sorted by label. The value stays the code,
    so links made before keep working."""
    labelled = {t: kind_label(t) for t in object_types if t}
    return sorted(labelled.items(), key=lambda item: (item[1].casefold(), item[0]))


def _subject(thing: str, object_type: str) -> str:
    if thing in THINGS:
        return str(THINGS[thing])
    model = model_for(object_type)
    if model is not None and thing.replace("_", "").replace(".", "") == model._meta.model_name:
        return kind_label(object_type)
    return words(thing)


def known_action(action: str) -> bool:
    """Whether ``action_label`` has words for this action (not just the code in words)."""
    action = str(action)
    if action in ACTIONS:
        return True
    prefix, _dot, rest = action.partition(".")
    if prefix in ACCESS and rest:
        return True
    thing, _dot, verb = action.rpartition(".")
    return bool(thing) and verb in VERBS


def action_label(action: str, object_type: str = "") -> str:
    """Plain words for an action: "goal.adjust" -> "Goal changed"."""
    action = str(action)
    if action in ACTIONS:
        return str(ACTIONS[action])
    prefix, _dot, rest = action.partition(".")
    if prefix in ACCESS and rest:
        about_kind, about_page = ACCESS[prefix]
        if "." not in rest:
            return capfirst(str(about_kind) % {"kind": _subject(rest, object_type)})
        return str(about_page) % {"page": words(rest).lower()}
    thing, _dot, verb = action.rpartition(".")
    if thing and verb in VERBS:
        return capfirst(str(VERBS[verb]) % {"kind": _subject(thing, object_type)})
    return words(action)


def _field(model: type[models.Model] | None, name: str):
    if model is None:
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            found = model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
        if getattr(found, "verbose_name", None) and not found.auto_created:
            return found
    return None


def field_label(object_type: str, name: str) -> str:
    """The model field's verbose name when the kind's model has that field, else the name in
    words ("peer_trainer_id" -> "Peer trainer")."""
    found = _field(model_for(object_type), str(name))
    if found is not None:
        return capfirst(str(found.verbose_name))
    return words(str(name).removesuffix("_id")) or str(name)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_LENGTH else text[: MAX_LENGTH - 1].rstrip() + "…"


def _when(text: str) -> str | None:
    """An ISO date, date-time or time in words, or None if the text is not one."""
    try:
        if _ISO_DATE.match(text):
            return dateformat.format(dt.date.fromisoformat(text), DATE_FORMAT)
        if _ISO_DATETIME.match(text):
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            return dateformat.format(timezone.localtime(moment), DATETIME_FORMAT)
        if _ISO_TIME.match(text):
            return dt.time.fromisoformat(text).strftime("%H:%M")
    except (ValueError, OverflowError):
        return None
    return None


def _plain(value: Any, field=None) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{words(key)}: {_plain(item)}" for key, item in value.items())
    if isinstance(value, str):
        if value == MASK:
            return str(_("(hidden)"))
        when = _when(value)
        if when is not None:
            return when
    choices = getattr(field, "flatchoices", None)
    if choices:
        for code, label in choices:
            if str(code) == str(value) and not isinstance(label, list | tuple):
                return str(label)
    return str(value)


def format_value(value: Any, field=None) -> str:
    """A recorded value in words (escaped by the template, never marked safe). ``field``, a
    model field, turns a choice's code into its label."""
    return _cut(_plain(value, field))


def is_reordering(before: Any, after: Any) -> bool:
    """Both lists, holding the same items in another order."""
    if not isinstance(before, list) or not isinstance(after, list) or before == after:
        return False

    def key(item):
        return json.dumps(item, sort_keys=True, default=str)

    return Counter(map(key, before)) == Counter(map(key, after))


def only_reordered(before: Any, after: Any) -> bool:
    """Every value recorded before is the same after, or the same items in another order, and
    at least one was reordered. See the module docstring."""
    if not isinstance(before, dict) or not before or not isinstance(after, dict):
        return False
    reordered = False
    for name, old in before.items():
        if name not in after:
            return False
        if is_reordering(old, after[name]):
            reordered = True
        elif old != after[name]:
            return False
    return reordered


def record_label(object_type: str, object_repr: str, object_id: str = "") -> str:
    """What the record is called; "FidelityCheck object (66)" becomes "Fidelity check 66"."""
    match = _DEFAULT_REPR.match(object_repr or "")
    if match:
        model = model_for(object_type)
        if model is None or model.__name__ == match["model"]:
            return f"{kind_label(object_type)} {match['number']}"
    return object_repr or object_id or ""


@dataclass(frozen=True)
class Change:
    """One value an event recorded. ``before`` is None when nothing was recorded before (or it
    did not change); ``only_before`` when the value was recorded before and not after."""

    name: str
    label: str
    before: str | None
    after: str
    only_before: bool = False


def changes(object_type: str, before: Any, after: Any) -> list[Change]:
    """The values an event recorded, in words, leaving out lists that were only reordered."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    model = model_for(object_type)
    result = []
    for name in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(name), after.get(name)
        if name in before and name in after and is_reordering(old, new):
            continue
        found = _field(model, str(name))
        shown_before = None
        if name in before and (name not in after or old != new):
            shown_before = format_value(old, found)
        result.append(
            Change(
                name=str(name),
                label=field_label(object_type, name),
                before=shown_before,
                after=format_value(new, found) if name in after else EMPTY,
                only_before=name not in after,
            )
        )
    return result


def describe(event) -> Any:
    """Label one audit event for a template; sets ``what``, ``kind``, ``record``, ``changes``
    and ``only_reordered`` on it and returns it."""
    event.what = action_label(event.action, event.object_type)
    event.kind = kind_label(event.object_type) if event.object_type else ""
    event.record = record_label(event.object_type, event.object_repr, event.object_id)
    event.changes = changes(event.object_type, event.before, event.after)
    event.only_reordered = only_reordered(event.before, event.after)
    return event
