"""Every write for offline site bundles: keys, exports and imports. Transactional and audited.

Import checks the whole bundle first (file, signature, key, site, order, every record and
every reference), then writes everything in one transaction, so a refused bundle writes
nothing at all.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import dateformat, timezone
from django.utils.translation import gettext

from imroc.core import audit, safejson
from imroc.framework.models import Challenge, FrameworkVersion
from imroc.measures.models import ProgrammeMeasure
from imroc.programme.models import Site, SiteMembership
from imroc.reports.bundles import format as fmt
from imroc.reports.bundles.format import BundleError
from imroc.reports.bundles.specs import (
    BY_NAME,
    SPECS,
    Serialiser,
    Spec,
    canonical,
    digest,
    natural_key,
    ordered_for_export,
    record_hash,
)
from imroc.reports.models import BundleExport, BundleImport, ImportedObject, SiteKey

COUNT_KEYS = ("in_bundle", "created", "updated", "unchanged", "deleted", "conflicts")


# --- Keys --------------------------------------------------------------------------------


def default_key_path(site: Site) -> Path:
    return Path(settings.DATA_DIR) / "keys" / f"{site.slug}.ed25519.pem"


def generate_key(site: Site, path: Path, actor: Any, *, force: bool = False) -> tuple[str, str]:
    """Write a new private key for the site to ``path`` (mode 0600). Returns the public key
    text to register at the hub and its fingerprint."""
    path = Path(path)
    if path.exists() and not force:
        raise BundleError(
            f"{path} already exists. Use --force to replace it; bundles signed with the old "
            "key will then need the old key registered at the hub."
        )
    key = fmt.new_private_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = fmt.private_key_pem(key)
    # Created with 0600 from the start, so the key is never readable by others.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.chmod(path, 0o600)
    public = fmt.public_key_text(key.public_key())
    fp = fmt.fingerprint(public)
    with transaction.atomic():
        audit.record(
            actor,
            "reports.bundle_key_generated",
            site,
            site=site,
            after={"fingerprint": fp},
            object_repr=f"Bundle signing key for {site}",
        )
    return public, fp


def register_key(site: Site, public_key_text: str, actor: Any) -> SiteKey:
    _, text = fmt.parse_public_key(public_key_text)
    fp = fmt.fingerprint(text)
    with transaction.atomic():
        existing = SiteKey.objects.select_related("site").filter(fingerprint=fp).first()
        if existing is not None:
            if existing.site_id != site.pk:
                raise BundleError(
                    gettext("This key is already registered for %(site)s.")
                    % {"site": existing.site}
                )
            raise BundleError(gettext("This key is already registered for this site."))
        key = SiteKey.objects.create(
            site=site,
            public_key=text,
            fingerprint=fp,
            registered_by=audit.user_of(actor),
            registered_by_label=_label(actor),
        )
        audit.record(
            actor,
            "reports.bundle_key_registered",
            key,
            site=site,
            after={"fingerprint": fp},
        )
    return key


def revoke_key(key: SiteKey, actor: Any) -> SiteKey:
    with transaction.atomic():
        key = SiteKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is not None:
            raise BundleError(gettext("This key was already revoked."))
        key.revoked_at = timezone.now()
        key.revoked_by_label = _label(actor)
        key.save(update_fields=["revoked_at", "revoked_by_label"])
        audit.record(
            actor,
            "reports.bundle_key_revoked",
            key,
            site=key.site,
            before={"revoked_at": None},
            after={"revoked_at": key.revoked_at},
        )
    return key


def _label(actor: Any) -> str:
    if isinstance(actor, audit.SystemActor):
        return str(actor)
    return actor.get_username()


# --- Export ------------------------------------------------------------------------------


@dataclass
class Exported:
    data: bytes
    record: BundleExport
    counts: dict[str, int]


def read_private_key(path: Path):
    try:
        pem = Path(path).read_bytes()
    except OSError as error:
        raise BundleError(
            f"Cannot read the key file {path} ({error.strerror}). "
            "Create one with 'imroc bundle keygen <site>'."
        ) from None
    return fmt.load_private_key(pem)


def site_records(site: Site) -> dict[str, list[dict]]:
    """Every record of the site that travels in a bundle, by spec name, in file order."""
    serialiser = Serialiser()
    out: dict[str, list[dict]] = {}
    for spec in SPECS:
        queryset = spec.in_site(site).order_by("pk")
        if spec.m2m:
            queryset = queryset.prefetch_related(*spec.m2m)
        objects = ordered_for_export(spec, list(queryset))
        out[spec.name] = [serialiser.record(spec, obj) for obj in objects]
    return out


def build_bundle(
    site: Site,
    records: dict[str, list[dict]],
    private_key,
    *,
    sequence: int,
    bundle_id: uuid.UUID,
    created_by: str,
) -> bytes:
    """The signed bundle file for these records (``private_key=None``: unsigned)."""
    files: dict[str, bytes] = {}
    entries: dict[str, dict] = {}
    for spec in SPECS:
        lines = [canonical(record) for record in records.get(spec.name, [])]
        data = b"".join(line + b"\n" for line in lines)
        name = f"{fmt.DATA_DIR}{spec.name}.jsonl"
        files[name] = data
        entries[name] = {"model": spec.name, "count": len(lines), "sha256": digest(data)}
    manifest = {
        "format": fmt.FORMAT,
        "format_version": fmt.FORMAT_VERSION,
        "site": {"slug": site.slug, "public_id": str(site.public_id), "name": site.name},
        "bundle_id": str(bundle_id),
        "sequence": sequence,
        "created_at": timezone.now().astimezone(dt.UTC).isoformat(),
        "created_by": created_by,
        "models": [spec.name for spec in SPECS],
        "files": entries,
    }
    data, _ = fmt.build(manifest, files, private_key)
    return data


def export_bundle(site: Site, private_key, actor: Any) -> Exported:
    """Build the signed bundle of everything the site holds, numbered after its last one."""
    records = site_records(site)
    counts = {name: len(items) for name, items in records.items()}
    fp = fmt.fingerprint(fmt.public_key_text(private_key.public_key()))
    with transaction.atomic():
        last = BundleExport.objects.filter(site=site).aggregate(m=Max("sequence"))["m"] or 0
        bundle_id = uuid.uuid4()
        data = build_bundle(
            site,
            records,
            private_key,
            sequence=last + 1,
            bundle_id=bundle_id,
            created_by=_label(actor),
        )
        record = BundleExport.objects.create(
            site=site,
            bundle_id=bundle_id,
            sequence=last + 1,
            sha256=digest(data),
            fingerprint=fp,
            counts=counts,
            exported_by_label=_label(actor),
        )
        audit.record(
            actor,
            "reports.bundle_exported",
            site,
            site=site,
            after={"bundle_id": bundle_id, "sequence": last + 1, "counts": counts},
            object_repr=f"Bundle {last + 1} of {site}",
        )
    return Exported(data=data, record=record, counts=counts)


# --- Import: checking --------------------------------------------------------------------


@dataclass
class Checked:
    """A bundle that passed every check, parsed and ready to write."""

    site: Site
    key: SiteKey
    manifest: dict
    sha256: str
    records: dict[str, list[dict]]
    values: dict[str, list[dict]]  # plain field values, parsed
    users: dict[str, Any]
    missing_users: list[str]
    fallback_user: Any
    challenges: dict[str, Challenge]
    frameworks: dict[str, FrameworkVersion]
    shared: dict[str, ProgrammeMeasure]
    notes: list[str]


@dataclass
class ImportResult:
    record: BundleImport
    already_imported: bool = False
    conflicts: list[dict] = field(default_factory=list)

    @property
    def counts(self) -> dict:
        return self.record.counts


def _line_error(name: str, line: int, message: str) -> BundleError:
    # Translators: %(file)s is a file inside the bundle, such as data/goals.jsonl.
    return BundleError(
        gettext("%(file)s line %(line)d: %(problem)s")
        % {"file": f"{fmt.DATA_DIR}{name}.jsonl", "line": line, "problem": message}
    )


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _parse_plain(spec: Spec, fields: dict, line: int) -> dict:
    meta = spec.model._meta
    out = {}
    for name in spec.fields:
        model_field = meta.get_field(name)
        value = fields[name]
        if value is None:
            if not model_field.null:
                raise _line_error(
                    spec.name, line, gettext("%(field)s cannot be empty.") % {"field": name}
                )
            out[name] = None
            continue
        try:
            parsed = model_field.to_python(value)
        except ValidationError as error:
            raise _line_error(
                spec.name,
                line,
                gettext("%(field)s: %(problem)s")
                % {"field": name, "problem": " ".join(error.messages)},
            ) from None
        if isinstance(model_field, models.CharField | models.TextField):
            if not isinstance(parsed, str):
                raise _line_error(
                    spec.name, line, gettext("%(field)s must be text.") % {"field": name}
                )
            if model_field.max_length and len(parsed) > model_field.max_length:
                raise _line_error(
                    spec.name,
                    line,
                    gettext("%(field)s is longer than %(limit)d characters.")
                    % {"field": name, "limit": model_field.max_length},
                )
        if model_field.choices and parsed not in ("", None):
            allowed = {choice[0] for choice in model_field.flatchoices}
            if parsed not in allowed:
                raise _line_error(
                    spec.name,
                    line,
                    gettext("%(field)s %(value)s is not one of the choices.")
                    % {"field": name, "value": repr(parsed)},
                )
        positive = (models.PositiveIntegerField, models.PositiveSmallIntegerField)
        if isinstance(model_field, positive) and (
            isinstance(parsed, bool) or not isinstance(parsed, int) or parsed < 0
        ):
            raise _line_error(
                spec.name, line, gettext("%(field)s must be a whole number.") % {"field": name}
            )
        out[name] = parsed
    return out


def _parse_file(spec: Spec, data: bytes, expected_count: Any) -> list[dict]:
    records = []
    expected_fields = set(spec.all_fields())
    seen: set[str] = set()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BundleError(
            gettext("%(file)s is not UTF-8 text.") % {"file": f"{fmt.DATA_DIR}{spec.name}.jsonl"}
        ) from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        try:
            # The file's size is already limited with the bundle's; the depth is not.
            record = safejson.loads(line, max_bytes=fmt.MAX_BUNDLE_BYTES)
        except safejson.JSONLimitError as error:
            raise _line_error(spec.name, number, str(error)) from None
        except ValueError:
            raise _line_error(spec.name, number, gettext("not valid JSON.")) from None
        if (
            not isinstance(record, dict)
            or set(record) != {"key", "fields"}
            or not isinstance(record["key"], str)
            or not isinstance(record["fields"], dict)
        ):
            raise _line_error(spec.name, number, gettext("a record needs a key and fields."))
        if set(record["fields"]) != expected_fields:
            raise _line_error(
                spec.name, number, gettext("the record's fields are not the expected ones.")
            )
        if record["key"] in seen:
            raise _line_error(
                spec.name,
                number,
                gettext("the key %(key)s appears twice.") % {"key": record["key"]},
            )
        if spec.uses_public_id and not _is_uuid(record["key"]):
            raise _line_error(spec.name, number, gettext("the key is not a public id."))
        if not spec.uses_public_id and record["key"] != natural_key(spec, record["fields"]):
            raise _line_error(spec.name, number, gettext("the key does not match the record."))
        for name in spec.refs:
            value = record["fields"][name]
            if value is not None and not _is_uuid(value):
                raise _line_error(
                    spec.name, number, gettext("%(field)s is not a public id.") % {"field": name}
                )
        for name in spec.m2m:
            value = record["fields"][name]
            if not isinstance(value, list) or not all(_is_uuid(v) for v in value):
                raise _line_error(
                    spec.name,
                    number,
                    gettext("%(field)s must be a list of public ids.") % {"field": name},
                )
        for name in spec.users + spec.challenges + spec.frameworks + spec.shared_measures:
            value = record["fields"][name]
            if value is not None and not isinstance(value, str):
                raise _line_error(
                    spec.name, number, gettext("%(field)s must be text.") % {"field": name}
                )
        seen.add(record["key"])
        records.append(record)
    if expected_count != len(records):
        raise BundleError(
            gettext("%(file)s holds %(found)d records, not the %(listed)s its manifest lists.")
            % {
                "file": f"{fmt.DATA_DIR}{spec.name}.jsonl",
                "found": len(records),
                "listed": expected_count,
            }
        )
    return records


def check_bundle(raw: bytes, *, expected_site: Site | None = None, actor: Any = None) -> Checked:
    """Every check, with no writes. Raises BundleError with a message for people."""
    opened = fmt.open_bundle(raw)
    manifest = opened.manifest
    site_info = manifest.get("site")
    if not isinstance(site_info, dict) or not isinstance(site_info.get("slug"), str):
        raise BundleError(gettext("The bundle's manifest does not say which site it comes from."))
    slug = site_info["slug"]
    if expected_site is not None and slug != expected_site.slug:
        raise BundleError(
            gettext(
                "This bundle comes from the site '%(slug)s', not from %(site)s "
                "('%(site_slug)s'). Nothing was imported."
            )
            % {"slug": slug, "site": expected_site, "site_slug": expected_site.slug}
        )
    site = Site.objects.select_related("organisation", "programme").filter(slug=slug).first()
    if site is None:
        raise BundleError(
            gettext("The hub has no site '%(slug)s'. Nothing was imported.") % {"slug": slug}
        )
    key = SiteKey.objects.select_related("site").filter(fingerprint=opened.fingerprint).first()
    if key is None:
        raise BundleError(
            gettext(
                "The bundle is signed with a key the hub does not know. Register the site's "
                "public key first ('imroc bundle register-key')."
            )
        )
    if key.site_id != site.pk:
        raise BundleError(
            gettext(
                "The bundle says it comes from '%(slug)s' but is signed with the key of "
                "'%(key_slug)s'. It was refused."
            )
            % {"slug": slug, "key_slug": key.site.slug}
        )
    if key.revoked_at is not None:
        raise BundleError(
            gettext(
                "The bundle is signed with a key of %(site)s that was revoked on %(date)s. "
                "It was refused."
            )
            % {"site": site, "date": dateformat.format(key.revoked_at, "d F Y")}
        )
    public_key, _ = fmt.parse_public_key(key.public_key)
    opened.verify(public_key)

    # Signed and intact: now the content.
    try:
        bundle_id = uuid.UUID(str(manifest.get("bundle_id")))
        sequence = manifest["sequence"]
        exported_at = dt.datetime.fromisoformat(manifest["created_at"])
    except (ValueError, KeyError, TypeError):
        raise BundleError(gettext("The bundle's manifest is incomplete.")) from None
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
        raise BundleError(gettext("The bundle's sequence number is not valid."))
    manifest["_bundle_id"], manifest["_exported_at"] = bundle_id, exported_at
    previous = BundleImport.objects.filter(bundle_id=bundle_id).first()
    if previous is not None and (previous.sha256 != opened.sha256 or previous.site_id != site.pk):
        raise BundleError(gettext("A different bundle with the same id was already imported."))
    if previous is None:
        last = BundleImport.objects.filter(site=site).aggregate(m=Max("sequence"))["m"] or 0
        if sequence <= last:
            raise BundleError(
                gettext(
                    "This is bundle %(sequence)d of %(site)s, but bundle %(last)d was already "
                    "imported. An older bundle cannot be imported over a newer one."
                )
                % {"sequence": sequence, "site": site, "last": last}
            )
    if manifest.get("models") != [spec.name for spec in SPECS]:
        raise BundleError(
            gettext("The bundle holds a different set of records than this hub expects.")
        )

    records: dict[str, list[dict]] = {}
    values: dict[str, list[dict]] = {}
    files = manifest["files"]
    for spec in SPECS:
        name = f"{fmt.DATA_DIR}{spec.name}.jsonl"
        if name not in opened.files:
            raise BundleError(gettext("The bundle has no %(file)s.") % {"file": name})
        records[spec.name] = _parse_file(spec, opened.files[name], files[name].get("count"))
        values[spec.name] = [
            _parse_plain(spec, record["fields"], number)
            for number, record in enumerate(records[spec.name], start=1)
        ]

    # Things the hub must already have.
    wanted: dict[str, set[str]] = {"users": set(), "ch": set(), "fw": set(), "shared": set()}
    for spec in SPECS:
        for record in records[spec.name]:
            fields = record["fields"]
            wanted["users"].update(fields[n] for n in spec.users if fields[n])
            wanted["ch"].update(fields[n] for n in spec.challenges if fields[n])
            wanted["fw"].update(fields[n] for n in spec.frameworks if fields[n])
            wanted["shared"].update(fields[n] for n in spec.shared_measures if fields[n])
    user_model = get_user_model()
    users = {
        getattr(user, user_model.USERNAME_FIELD): user
        for user in user_model._default_manager.filter(
            **{f"{user_model.USERNAME_FIELD}__in": wanted["users"]}
        )
    }
    missing_users = sorted(wanted["users"] - set(users))
    challenges = {}
    for ref in sorted(wanted["ch"]):
        parts = ref.split("/")
        item = None
        if len(parts) >= 3:
            item = (
                Challenge.objects.select_related("framework_version")
                .filter(
                    framework_version__key=parts[0],
                    framework_version__version="/".join(parts[1:-1]),
                    slug=parts[-1],
                )
                .first()
            )
        if item is None:
            raise BundleError(
                gettext(
                    "The hub does not have the framework challenge %(ref)s. Load that framework "
                    "version at the hub first. Nothing was imported."
                )
                % {"ref": ref}
            )
        challenges[ref] = item
    frameworks = {}
    for ref in sorted(wanted["fw"]):
        framework_key, _, version = ref.partition("/")
        item = FrameworkVersion.objects.filter(key=framework_key, version=version).first()
        if item is None:
            raise BundleError(
                gettext(
                    "The hub does not have framework version %(ref)s. Load it at the hub first. "
                    "Nothing was imported."
                )
                % {"ref": ref}
            )
        frameworks[ref] = item
    shared = {}
    notes = []
    for name in sorted(wanted["shared"]):
        item = ProgrammeMeasure.objects.filter(programme=site.programme, name=name).first()
        if item is None:
            notes.append(
                f"The hub's programme has no shared measure called '{name}': the site's "
                "measure was imported as the site's own."
            )
        else:
            shared[name] = item

    # A person every required "owner" can fall back to when the hub lacks the site's user.
    fallback = audit.user_of(actor) if actor is not None else None
    if fallback is None:
        membership = (
            SiteMembership.objects.select_related("user")
            .filter(site=site, role="lead", user__is_active=True)
            .order_by("id")
            .first()
        )
        fallback = membership.user if membership else None
    needs_fallback = any(
        record["fields"][name] in missing_users or record["fields"][name] is None
        for spec in SPECS
        for name in spec.required_users
        for record in records[spec.name]
    )
    if needs_fallback and fallback is None:
        raise BundleError(
            gettext(
                "Some goals are owned by people the hub does not have (%(people)s), and the "
                "site has no lead at the hub to own them instead. Add those users or a site "
                "lead at the hub first."
            )
            % {"people": ", ".join(missing_users)}
        )

    # A public id already used by another site's object at the hub cannot be taken.
    for spec in SPECS:
        if not spec.uses_public_id or not records[spec.name]:
            continue
        keys = [record["key"] for record in records[spec.name]]
        for start in range(0, len(keys), 500):
            clash = (
                spec.model._default_manager.filter(public_id__in=keys[start : start + 500])
                .exclude(**{spec.site_path: site})
                .exists()
            )
            if clash:
                raise BundleError(
                    gettext(
                        "Some %(records)s in the bundle have the same id as records of another "
                        "site at the hub. Nothing was imported."
                    )
                    % {"records": spec.name.replace("_", " ")}
                )

    return Checked(
        site=site,
        key=key,
        manifest=manifest,
        sha256=opened.sha256,
        records=records,
        values=values,
        users=users,
        missing_users=missing_users,
        fallback_user=fallback,
        challenges=challenges,
        frameworks=frameworks,
        shared=shared,
        notes=notes,
    )


# --- Import: writing ---------------------------------------------------------------------


class _Importer:
    def __init__(self, checked: Checked, actor: Any, record: BundleImport):
        self.c = checked
        self.site = checked.site
        self.actor = actor
        self.import_record = record
        self.serialiser = Serialiser()
        self.counts = {spec.name: dict.fromkeys(COUNT_KEYS, 0) for spec in SPECS}
        self.conflicts: list[dict] = []
        self.written: dict[str, dict[str, models.Model]] = {spec.name: {} for spec in SPECS}
        self.skipped: dict[str, set[str]] = {spec.name: set() for spec in SPECS}
        self.mappings: dict[str, dict[str, ImportedObject]] = {spec.name: {} for spec in SPECS}
        for mapping in ImportedObject.objects.filter(site=self.site):
            if mapping.model_label in self.mappings:
                self.mappings[mapping.model_label][mapping.key] = mapping

    def conflict(self, spec: Spec, key: str, reason: str, label: str = "") -> None:
        self.counts[spec.name]["conflicts"] += 1
        self.conflicts.append(
            {"model": spec.name, "key": key, "label": label[:120], "reason": reason}
        )

    def local_hash(self, spec: Spec, obj: models.Model) -> str:
        for name in spec.m2m:
            if hasattr(obj, "_prefetched_objects_cache"):
                obj._prefetched_objects_cache.pop(name, None)
        return record_hash(self.serialiser.record(spec, obj))

    def resolve(self, target: str, key: str) -> models.Model | None:
        if key in self.written[target]:
            return self.written[target][key]
        if key in self.skipped[target]:
            return None
        obj = BY_NAME[target].in_site(self.site).filter(public_id=key).first()
        if obj is not None:
            self.written[target][key] = obj
        return obj

    def resolved_values(self, spec: Spec, record: dict, plain: dict) -> tuple[dict, str | None]:
        fields = record["fields"]
        out = dict(plain)
        for name, target in spec.refs.items():
            if fields[name] is None:
                out[name] = None
                continue
            obj = self.resolve(target, fields[name])
            if obj is None:
                return out, (
                    f"it refers to {target.replace('_', ' ')} {fields[name]}, which the hub "
                    "does not hold (deleted at the hub, or left out as a conflict)"
                )
            out[name] = obj
        for name in spec.users:
            user = self.c.users.get(fields[name]) if fields[name] else None
            if user is None and name in spec.required_users:
                user = self.c.fallback_user
            out[name] = user
        for name in spec.challenges:
            out[name] = self.c.challenges.get(fields[name]) if fields[name] else None
        for name in spec.frameworks:
            out[name] = self.c.frameworks.get(fields[name]) if fields[name] else None
        for name in spec.shared_measures:
            out[name] = self.c.shared.get(fields[name]) if fields[name] else None
        return out, None

    def find_existing(self, spec: Spec, key: str, values: dict, mapping) -> models.Model | None:
        scope = spec.in_site(self.site)
        if mapping is not None:
            return scope.filter(pk=mapping.local_pk).first()
        if spec.uses_public_id:
            return scope.filter(public_id=key).first()
        return scope.filter(**{name: values[name] for name in spec.natural_key}).first()

    def save(self, spec: Spec, obj: models.Model | None, key: str, values: dict, fields: dict):
        m2m = {name: values.pop(name) for name in spec.m2m}
        if obj is None:
            obj = spec.model(**values)
            if spec.uses_public_id:
                obj.public_id = uuid.UUID(key)
            if spec.direct_site:
                obj.site = self.site
        else:
            for name, value in values.items():
                setattr(obj, name, value)
            if hasattr(obj, "version"):
                obj.version += 1
        obj.save()
        for name, target in spec.m2m.items():
            related = [self.resolve(target, k) for k in m2m[name]]
            getattr(obj, name).set([r for r in related if r is not None])
        return obj

    def upsert(self, spec: Spec, record: dict, plain: dict) -> None:
        key = record["key"]
        counts = self.counts[spec.name]
        counts["in_bundle"] += 1
        source_hash = record_hash(record)
        label = _describe(spec, record)
        mapping = self.mappings[spec.name].get(key)
        if mapping is not None and mapping.source_hash == source_hash:
            obj = spec.in_site(self.site).filter(pk=mapping.local_pk).first()
            if obj is not None:
                self.written[spec.name][key] = obj
            else:
                self.skipped[spec.name].add(key)
            counts["unchanged"] += 1
            return
        values, problem = self.resolved_values(spec, record, plain)
        if problem:
            self.skipped[spec.name].add(key)
            self.conflict(spec, key, f"Not imported: {problem}.", label)
            return
        values = {name: values[name] for name in spec.all_fields() if name not in spec.m2m}
        values.update({name: record["fields"][name] for name in spec.m2m})
        existing = self.find_existing(spec, key, values, mapping)
        if mapping is not None and existing is None:
            self.skipped[spec.name].add(key)
            self.conflict(
                spec, key, "Deleted at the hub since the last import: not restored.", label
            )
            return
        if mapping is None and existing is not None:
            if self.local_hash(spec, existing) == source_hash:
                self._map(spec, key, existing, source_hash, source_hash)
                self.written[spec.name][key] = existing
                counts["unchanged"] += 1
                return
            self.skipped[spec.name].add(key)
            self.conflict(
                spec, key, "Already at the hub with different content: left as it is.", label
            )
            return
        before = None
        if existing is not None:
            if self.local_hash(spec, existing) != mapping.local_hash:
                self.written[spec.name][key] = existing
                self.conflict(
                    spec,
                    key,
                    "Changed at the hub since the last import: the hub's version was kept.",
                    label,
                )
                return
            before = self.serialiser.fields_of(spec, existing)
        try:
            with transaction.atomic():
                obj = self.save(spec, existing, key, values, record["fields"])
        except IntegrityError:
            self.skipped[spec.name].add(key)
            self.conflict(
                spec,
                key,
                "Clashes with a record already at the hub (for example the same name): "
                "left as it is.",
                label,
            )
            return
        self.written[spec.name][key] = obj
        self._map(spec, key, obj, source_hash, self.local_hash(spec, obj), mapping)
        counts["created" if existing is None else "updated"] += 1
        if spec.audit_each:
            audit.record(
                self.actor,
                f"reports.bundle_{'created' if existing is None else 'updated'}",
                obj,
                site=self.site,
                before=before,
                after=record["fields"],
            )

    def _map(self, spec, key, obj, source_hash, local_hash, mapping=None) -> None:
        if mapping is None:
            mapping = ImportedObject(site=self.site, model_label=spec.name, key=key)
            self.mappings[spec.name][key] = mapping
        mapping.local_pk = obj.pk
        mapping.source_hash = source_hash
        mapping.local_hash = local_hash
        mapping.last_import = self.import_record
        mapping.save()

    def delete_absent(self, spec: Spec, present: set[str]) -> None:
        for key, mapping in sorted(self.mappings[spec.name].items()):
            if key in present:
                continue
            obj = spec.in_site(self.site).filter(pk=mapping.local_pk).first()
            if obj is None:
                mapping.delete()
                continue
            label = str(obj)[:120]
            if self.local_hash(spec, obj) != mapping.local_hash:
                mapping.delete()
                self.conflict(
                    spec,
                    key,
                    "Deleted at the site but changed at the hub since the last import: "
                    "the hub's version was kept.",
                    label,
                )
                continue
            if _dependents(obj):
                mapping.delete()
                self.conflict(
                    spec,
                    key,
                    "Deleted at the site, but other records at the hub depend on it: kept.",
                    label,
                )
                continue
            before = self.serialiser.fields_of(spec, obj)
            try:
                with transaction.atomic():
                    obj.delete()
            except (ProtectedError, RestrictedError, IntegrityError):
                mapping.delete()
                self.conflict(
                    spec, key, "Deleted at the site but could not be deleted here.", label
                )
                continue
            mapping.delete()
            self.counts[spec.name]["deleted"] += 1
            if spec.audit_each:
                audit.record(
                    self.actor,
                    "reports.bundle_deleted",
                    object_type=spec.label,
                    object_repr=label,
                    site=self.site,
                    before=before,
                )

    def run(self) -> None:
        for spec in SPECS:
            for record, plain in zip(
                self.c.records[spec.name], self.c.values[spec.name], strict=True
            ):
                self.upsert(spec, record, plain)
        for spec in reversed(SPECS):
            self.delete_absent(spec, {record["key"] for record in self.c.records[spec.name]})


def _dependents(obj: models.Model) -> int:
    """How many other rows deleting ``obj`` would take with it (links between two records
    are not counted)."""
    collector = Collector(using=obj._state.db or "default")
    collector.collect([obj])
    total = 0
    for model, instances in collector.data.items():
        if model._meta.auto_created:
            continue
        total += sum(1 for item in instances if item is not obj and item.pk != obj.pk)
    for queryset in collector.fast_deletes:
        if getattr(queryset, "model", None) is not None and queryset.model._meta.auto_created:
            continue
        if hasattr(queryset, "exists") and queryset.exists():
            total += 1
    return total


def _describe(spec: Spec, record: dict) -> str:
    fields = record["fields"]
    for name in ("title", "name", "change_idea", "text", "period", "held_on"):
        if fields.get(name):
            return str(fields[name])
    return record["key"]


def import_bundle(raw: bytes, actor: Any, *, expected_site: Site | None = None) -> ImportResult:
    """Check a bundle, then apply it in one transaction. Raises BundleError, writing nothing."""
    checked = check_bundle(raw, expected_site=expected_site, actor=actor)
    manifest = checked.manifest
    existing = BundleImport.objects.filter(bundle_id=manifest["_bundle_id"]).first()
    if existing is not None:
        return ImportResult(record=existing, already_imported=True, conflicts=existing.conflicts)
    try:
        with transaction.atomic():
            record = BundleImport.objects.create(
                site=checked.site,
                key=checked.key,
                bundle_id=manifest["_bundle_id"],
                sequence=manifest["sequence"],
                sha256=checked.sha256,
                exported_at=manifest["_exported_at"],
                imported_by=audit.user_of(actor),
                imported_by_label=_label(actor),
                missing_users=checked.missing_users,
                notes=checked.notes,
            )
            importer = _Importer(checked, actor, record)
            importer.run()
            record.counts = importer.counts
            record.conflicts = importer.conflicts
            record.save(update_fields=["counts", "conflicts"])
            totals = {name: sum(c[name] for c in importer.counts.values()) for name in COUNT_KEYS}
            audit.record(
                actor,
                "reports.bundle_imported",
                record,
                site=checked.site,
                after={
                    "bundle_id": record.bundle_id,
                    "sequence": record.sequence,
                    "totals": totals,
                    "counts": importer.counts,
                    "conflicts": len(importer.conflicts),
                },
            )
    except IntegrityError:
        raise BundleError(
            gettext(
                "The bundle could not be imported because the hub's data changed during the "
                "import. Nothing was imported; try again."
            )
        ) from None
    return ImportResult(record=record, conflicts=record.conflicts)


def totals(counts: dict) -> dict[str, int]:
    return {name: sum(c.get(name, 0) for c in counts.values()) for name in COUNT_KEYS}
