"""Export profiles: ``full`` (the site's data as stored) and ``deidentified``.

The de-identified profile:

- replaces every id and foreign key with HMAC-SHA256(salt, "<model>:<id>"), cut to 20 hex
  characters, so rows still join across files but cannot be matched to the live system;
- drops public ids, every free-text column (text with no fixed list of choices) and JSON;
- shifts every date and time in a row that belongs to a person (a learner, a questionnaire
  respondent, or the person a membership is about) by that person's offset: a whole number of
  days between -180 and +180 (never 0), derived from the salt, the same for all of that
  person's rows in the export;
- hides small counts in aggregate tables (below IMROC_SUPPRESSION_THRESHOLD) with
  imroc.core.suppression, including the secondary cell that would give a hidden one away.

The salt is 32 random bytes made for each export and never written anywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from imroc.core import suppression

FULL = "full"
DEIDENTIFIED = "deidentified"
PROFILES = (FULL, DEIDENTIFIED)
MAX_SHIFT_DAYS = 180
HASH_LENGTH = 20

# Tables of counts: (count columns, the column they are parts of, or "" when independent).
AGGREGATES: dict[str, tuple[tuple[str, ...], str]] = {
    "workforce.trainingcoverage": (("trained",), "in_scope"),
    "workforce.supervisioncoverage": (("supervised",), "in_scope"),
    "workforce.staffcollegeuse": (("staff_learners",), ""),
    "workforce.referralcount": (("to_partner", "from_partner"), ""),
    "workforce.employmentoutcome": (("people_supported", "job_starts", "sustained_jobs"), ""),
    "workforce.staffsurvey": (("responses",), "invited"),
    "workforce.wellbeingoffer": (("uptake",), ""),
    "workforce.indicatorvalue": (("numerator",), "denominator"),
    "workforce.safetyplanning": (("plans_coproduced",), "plans_in_place"),
    "workforce.trainingevent": (
        ("staff_attended", "service_users_attended", "carers_attended"),
        "",
    ),
    "assessment.attendance": (("count",), ""),
}
DROPPED_KINDS = ("text", "json", "uuid")


@dataclass
class Profile:
    name: str = FULL
    salt: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    threshold: int = field(default_factory=suppression.threshold)

    def __post_init__(self) -> None:
        if self.name not in PROFILES:
            raise ValueError(f"Unknown profile '{self.name}'. Choose full or deidentified.")

    @property
    def deidentified(self) -> bool:
        return self.name == DEIDENTIFIED

    def pseudonym(self, model_label: str, value: Any) -> str | None:
        if value is None:
            return None
        message = f"{model_label}:{value}".encode()
        return hmac.new(self.salt, message, hashlib.sha256).hexdigest()[:HASH_LENGTH]

    def offset_days(self, person: tuple[str, Any]) -> int:
        """The person's date shift: the same every time within one export, never zero."""
        digest = hmac.new(self.salt, f"shift:{person[0]}:{person[1]}".encode(), hashlib.sha256)
        number = int.from_bytes(digest.digest()[:8], "big") % (2 * MAX_SHIFT_DAYS)
        return number - MAX_SHIFT_DAYS if number < MAX_SHIFT_DAYS else number - MAX_SHIFT_DAYS + 1

    def keeps(self, kind: str) -> bool:
        return not (self.deidentified and kind in DROPPED_KINDS)

    def describe(self) -> dict[str, Any]:
        if not self.deidentified:
            return {
                "name": FULL,
                "description": "The site's data as stored, for the site's own use. "
                "Secrets (tokens, keys, password hashes) are never exported, and people "
                "who use imroc appear by username and name only.",
            }
        return {
            "name": DEIDENTIFIED,
            "salt": "32 random bytes made for this export only; not written anywhere",
            "identifiers": "Every id and foreign key is replaced by HMAC-SHA256(salt, "
            f"'<table model>:<id>') cut to {HASH_LENGTH} hex characters; the same record has "
            "the same code in every file of this export, and a different code in any other "
            "export. Public ids (UUIDs) are removed.",
            "free_text": "Removed: every text column without a fixed list of choices (names, "
            "titles, notes, descriptions, contact details) and every JSON column "
            "(questionnaire answers, scores lists).",
            "dates": "Every date and time in a row that belongs to a person (a college learner, "
            "a questionnaire respondent, or the person a site membership is about) is moved by "
            f"that person's own whole number of days, between -{MAX_SHIFT_DAYS} and "
            f"+{MAX_SHIFT_DAYS} (never 0), the same for every row of that person. A "
            "respondent linked to a learner uses the learner's offset. Other dates (goals, "
            "measures, meetings) are not moved.",
            "small_numbers": f"Counts below {self.threshold} in aggregate tables are left "
            "blank, and so is the next smallest count (or the total) when it would give a "
            "hidden count away.",
            "aggregate_tables": sorted(AGGREGATES),
        }


def shift(value: Any, days: int) -> Any:
    if value is None or not days:
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value + dt.timedelta(days=days)
    return value


def suppress(profile: Profile, label: str, row: dict[str, Any]) -> None:
    """Hide small counts of an aggregate row, in place."""
    spec = AGGREGATES.get(label)
    if spec is None or not profile.deidentified:
        return
    parts, total_name = spec
    limit = profile.threshold
    if total_name and row.get(total_name) is not None:
        part = row.get(parts[0])
        total = row[total_name]
        if part is None:
            row[total_name] = suppression.shown(total, limit)
            return
        result = suppression.suppress_row([part, max(total - part, 0)], total, limit)
        row[parts[0]], row[total_name] = result.cells[0], result.total
        return
    for name in parts:
        row[name] = suppression.shown(row.get(name), limit)
