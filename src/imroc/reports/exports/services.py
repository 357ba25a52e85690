"""Whole-site exports (a ZIP of CSV files and a manifest) and FHIR bundles. Every one is audited.

The ZIP is written incrementally: zipfile writes into a small sink that the generator empties
after every few rows, and each table is read with ``.iterator(chunk_size=...)``, so memory
stays bounded however many rows the site has.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

import imroc
from imroc.core import audit
from imroc.core.tables import csv_lines
from imroc.reports.exports import aggregates
from imroc.reports.exports.profiles import AGGREGATES, Profile, shift, suppress
from imroc.reports.exports.site_data import SiteTable, site_tables

CHUNK_ROWS = 2000  # rows read from the database at a time
BATCH_CHARS = 64 * 1024  # CSV text compressed at a time
FLUSH_BYTES = 256 * 1024  # compressed bytes handed to the response at a time


class ExportError(Exception):
    """An export that cannot be made, in plain words."""


# --- audit ------------------------------------------------------------------------------


def record_export(actor, site, what: str, *, profile: str, rows: int, detail: dict | None = None):
    """The audit event for one export: exports.<what>, with the profile and the row count."""
    with transaction.atomic():
        return audit.record(
            actor, f"exports.{what}", site, site=site, object_type="export",
            object_repr=f"{what} export of {site.slug} ({profile})",
            after={"export": what, "profile": profile, "rows": rows, **(detail or {})},
        )  # fmt: skip


# --- rows -------------------------------------------------------------------------------


def table_headers(table: SiteTable, profile: Profile) -> list[str]:
    return [f.name for f in table.fields if profile.keeps(f.kind)]


def table_rows(site, table: SiteTable, profile: Profile) -> Iterator[list[Any]]:
    """One table's rows for the site, as the profile allows, read in chunks."""
    kept = [f for f in table.fields if profile.keeps(f.kind)]
    persons = table.person_lookups if profile.deidentified else []
    lookups = [f.lookup for f in kept] + [lookup for _, lookup in persons]
    names = [f.name for f in kept]
    width = len(kept)
    query = table.queryset(site).values_list(*lookups)
    for values in query.iterator(chunk_size=CHUNK_ROWS):
        if not profile.deidentified:
            yield [_full(f.kind, v) for f, v in zip(kept, values, strict=False)]
            continue
        person = next(
            ((kind, v) for (kind, _), v in zip(persons, values[width:], strict=True) if v is not None),
            None,
        )  # fmt: skip
        days = profile.offset_days(person) if person else 0
        row = {}
        for f, v in zip(kept, values, strict=False):
            if f.kind in ("id", "fk"):
                v = profile.pseudonym(f.target, v)
            elif f.kind in ("date", "datetime"):
                v = shift(v, days)
            row[f.name] = v
        suppress(profile, table.label, row)
        yield [row[n] for n in names]


def treatment(table: SiteTable, profile: Profile) -> dict:
    """What the profile did to each column of a table, for the manifest."""
    if not profile.deidentified:
        return {}
    persons = [lookup for _, lookup in table.person_lookups]
    dated = [f.name for f in table.fields if f.kind in ("date", "datetime")]
    spec = AGGREGATES.get(table.label)
    return {
        "hashed": [f.name for f in table.fields if f.kind in ("id", "fk")],
        "dropped": [f.name for f in table.fields if not profile.keeps(f.kind)],
        "dates_shifted": dated if persons else [],
        "person_found_by": persons,
        "suppressed": [*spec[0], *([spec[1]] if spec[1] else [])] if spec else [],
    }


def _full(kind: str, value: Any) -> Any:
    if kind == "json" and value is not None:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


# --- the ZIP ----------------------------------------------------------------------------


class _Sink:
    """A write-only file for zipfile; the generator takes what was written so far."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts, self.size = [], 0
        return data


def _write(entry, digest, batch: list[str]) -> None:
    if batch:
        data = "".join(batch).encode("utf-8")
        digest.update(data)
        entry.write(data)


@dataclass
class SiteExport:
    """A whole-site export, ready to stream. ``counts`` are known before the first byte."""

    site: Any
    profile: Profile
    tables: list[SiteTable] = field(default_factory=site_tables)
    files: list[dict] = field(default_factory=list)
    generated_at: Any = field(default_factory=timezone.now)

    def filename(self) -> str:
        stamp = timezone.localtime(self.generated_at).strftime("%Y-%m-%d")
        return f"imroc-{self.site.slug}-{self.profile.name}-{stamp}.zip"

    def planned_rows(self) -> int:
        return sum(t.queryset(self.site).count() for t in self.tables)

    def manifest(self) -> dict:
        return {
            "format": "imroc site export",
            "site": {"slug": self.site.slug, "name": self.site.name},
            "generated_at": self.generated_at.isoformat(),
            "imroc_version": imroc.__version__,
            "profile": self.profile.describe(),
            "times": "Dates are ISO 8601; times are UTC.",
            "files": self.files,
            "total_rows": sum(f["rows"] for f in self.files),
        }

    def _entries(self) -> Iterator[tuple[str, list[str], Iterator[list[Any]], dict]]:
        for table in self.tables:
            yield (
                f"{table.name}.csv",
                table_headers(table, self.profile),
                table_rows(self.site, table, self.profile),
                treatment(table, self.profile),
            )
        for name, headers, rows in aggregates.tables(self.site, self.profile):
            notes = {"summary": True}
            if self.profile.deidentified:
                notes["suppressed"] = [h for h in headers if h not in aggregates.KEY_COLUMNS]
                notes["hashed"] = [h for h in headers if h.endswith("_id")]
            yield f"{name}.csv", headers, rows, notes

    def stream(self) -> Iterator[bytes]:
        sink = _Sink()
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, headers, rows, notes in self._entries():
                digest, count = hashlib.sha256(), -1
                with archive.open(name, "w", force_zip64=True) as entry:
                    batch: list[str] = []
                    length = 0
                    for line in csv_lines(headers, rows):
                        batch.append(line)
                        length += len(line)
                        count += 1
                        if length >= BATCH_CHARS:
                            _write(entry, digest, batch)
                            batch, length = [], 0
                            if sink.size >= FLUSH_BYTES:
                                yield sink.take()
                    _write(entry, digest, batch)
                self.files.append(
                    {"name": name, "rows": count, "columns": headers, "sha256": digest.hexdigest()}
                    | notes
                )
                yield sink.take()
            manifest = json.dumps(self.manifest(), indent=2, ensure_ascii=False)
            archive.writestr("manifest.json", manifest)
        yield sink.take()


def site_export(site, *, actor, profile: str = "full") -> SiteExport:
    """Prepare a whole-site export and write its audit event."""
    export = SiteExport(site, Profile(profile))
    record_export(
        actor, site, "site", profile=profile, rows=export.planned_rows(),
        detail={"tables": len(export.tables)},
    )  # fmt: skip
    return export


# --- FHIR -------------------------------------------------------------------------------


def fhir_responses_bundle(site, *, actor) -> dict:
    """All the site's questionnaire responses as a FHIR R4B collection Bundle, validated."""
    from imroc.surveys import fhir
    from imroc.surveys.models import SurveyResponse

    responses = (
        SurveyResponse.objects.filter(site=site)
        .select_related("version", "version__instrument", "respondent")
        .order_by("completed_on", "id")
    )
    entries = [
        fhir.questionnaire_response(
            r, r.version, site.public_id, r.respondent.code if r.respondent else None
        )
        for r in responses.iterator(chunk_size=CHUNK_ROWS)
    ]
    try:
        bundle = fhir.response_bundle(entries)
    except fhir.FhirError as error:
        raise ExportError(gettext("The questionnaire responses did not make a valid FHIR bundle: %(error)s") % {"error": error}) from error  # fmt: skip
    record_export(actor, site, "fhir", profile="full", rows=len(entries), detail={"list": "questionnaire responses"})  # fmt: skip
    return bundle
