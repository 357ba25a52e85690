"""Writes to the framework: load a file as a draft version, publish a version."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from imroc.core import audit
from imroc.core.services import ServiceError
from imroc.framework.fields import raw_text
from imroc.framework.loader import (
    FrameworkFileError,
    Problem,
    check_translation,
    parse_framework,
    parse_translation,
)
from imroc.framework.models import Challenge, Descriptor, FrameworkVersion, Stage


def load_framework(content: bytes, source_name: str, actor) -> FrameworkVersion:
    """Load a framework file as a draft version. Loading the same file again changes nothing."""
    data = parse_framework(content, source_name)
    with transaction.atomic():
        existing = FrameworkVersion.objects.filter(key=data.key, version=data.version).first()
        if existing is not None:
            if existing.checksum == data.checksum:
                return existing
            raise FrameworkFileError(
                source_name,
                [
                    Problem(
                        None,
                        f"version {data.version} of '{data.key}' is already loaded with "
                        "different wording; give the changed file a new version number",
                    )
                ],
            )
        version = FrameworkVersion.objects.create(
            key=data.key,
            version=data.version,
            title=data.title,
            language=data.language,
            source_name=source_name[:200],
            checksum=data.checksum,
        )
        stages = Stage.objects.bulk_create(
            Stage(
                framework_version=version,
                slug=s.slug,
                order=s.order,
                name=s.name,
                summary=s.summary,
            )
            for s in data.stages
        )
        by_slug = {s.slug: s for s in stages}
        challenges = Challenge.objects.bulk_create(
            Challenge(
                framework_version=version,
                slug=c.slug,
                number=c.number,
                title=c.title,
                short_title=c.short_title,
                summary=c.summary,
            )
            for c in data.challenges
        )
        Descriptor.objects.bulk_create(
            Descriptor(challenge=challenge, stage=by_slug[stage_slug], text=text)
            for challenge, source in zip(challenges, data.challenges, strict=True)
            for stage_slug, text in source.descriptors.items()
        )
        audit.record(
            actor,
            "framework.load",
            version,
            after={
                "key": data.key,
                "version": data.version,
                "challenges": len(challenges),
                "stages": len(stages),
                "source": source_name,
            },
        )
    return version


def publish_version(version: FrameworkVersion, actor) -> FrameworkVersion:
    """Make a draft the version in use. The version it replaces stays, for older ratings."""
    with transaction.atomic():
        version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != FrameworkVersion.Status.DRAFT:
            raise ServiceError(
                gettext("Version %(version)s is not a draft, so it cannot be published.")
                % {"version": version.version}
            )
        previous = FrameworkVersion.objects.filter(
            key=version.key, status=FrameworkVersion.Status.PUBLISHED
        ).first()
        if previous is not None:
            previous.status = FrameworkVersion.Status.SUPERSEDED
            previous.save(update_fields=["status", "updated_at"])
        version.status = FrameworkVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.published_by = audit.user_of(actor)
        version.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        audit.record(
            actor,
            "framework.publish",
            version,
            before={"status": "draft", "replaces": previous.version if previous else None},
            after={"status": "published"},
        )
    return version


def load_translation(content: bytes, source_name: str, actor) -> FrameworkVersion:
    """Load a translation of a loaded framework version's wording into one language.

    The version may be a draft or already published: a translation changes neither its source
    wording nor its checksum. Loading a translation again replaces that language's wording;
    loading the same wording again changes nothing.
    """
    data = parse_translation(content, source_name)
    with transaction.atomic():
        version = (
            FrameworkVersion.objects.select_for_update()
            .filter(key=data.key, version=data.version)
            .first()
        )
        if version is None:
            raise FrameworkFileError(
                source_name,
                [
                    Problem(
                        data.lines.get("version"),
                        f"version {data.version} of '{data.key}' is not loaded; load the "
                        "framework file before its translation",
                    )
                ],
            )
        source_language = version.language.lower()
        if data.language.lower().split("-")[0] == source_language.split("-")[0]:
            raise FrameworkFileError(
                source_name,
                [
                    Problem(
                        data.lines.get("language"),
                        f"version {data.version} of '{data.key}' is already written in "
                        f"'{version.language}'; a translation needs another language",
                    )
                ],
            )
        stages = list(version.stages.all())
        challenges = list(version.challenges.all())
        descriptors = list(
            Descriptor.objects.filter(challenge__framework_version=version).select_related(
                "challenge", "stage"
            )
        )
        check_translation(
            data,
            source_name,
            stage_slugs=[s.slug for s in stages],
            challenge_slugs=[c.slug for c in challenges],
            descriptor_keys={(d.challenge.slug, d.stage.slug) for d in descriptors},
        )

        language = data.language
        changed: dict[type, list] = {}

        def put(obj, wording: dict[str, str]) -> None:
            translations = dict(obj.translations or {})
            if translations.get(language) != wording:
                translations[language] = wording
                obj.translations = translations
                changed.setdefault(type(obj), []).append(obj)

        put(version, {"title": data.title})
        for stage in stages:
            put(stage, data.stages[stage.slug])
        for challenge in challenges:
            put(challenge, data.challenges[challenge.slug])
        for descriptor in descriptors:
            key = (descriptor.challenge.slug, descriptor.stage.slug)
            put(descriptor, {"text": data.descriptors[key]})
        if not changed:
            return version

        if version in changed.get(FrameworkVersion, []):
            version.save(update_fields=["translations", "updated_at"])
        for model in (Stage, Challenge, Descriptor):
            if changed.get(model):
                model.objects.bulk_update(changed[model], ["translations"])
        audit.record(
            actor,
            "framework.translate",
            version,
            object_repr=f"{raw_text(version, 'title')} (version {version.version})",
            after={
                "key": data.key,
                "version": data.version,
                "language": language,
                "stages": len(changed.get(Stage, [])),
                "challenges": len(changed.get(Challenge, [])),
                "descriptors": len(changed.get(Descriptor, [])),
                "source": source_name,
                "checksum": data.checksum,
            },
        )
    return version


def bundled_files() -> tuple[list[Path], list[Path]]:
    """The framework files shipped with imroc, and their translations.

    A translation sits beside its framework with the language before the extension:
    ``imroc-2011.yaml`` and ``imroc-2011.cy.yaml``.
    """
    paths = sorted(Path(settings.IMROC_FRAMEWORK_DIR).glob("*.yaml"))
    frameworks = [p for p in paths if "." not in p.stem]
    translations = [p for p in paths if "." in p.stem]
    return frameworks, translations


def load_bundled_frameworks(actor) -> list[FrameworkVersion]:
    """Load every framework file shipped with imroc and its translations, and publish one
    version of each framework if none is in use."""
    frameworks, translations = bundled_files()
    versions = []
    for path in frameworks:
        versions.append(load_framework(path.read_bytes(), path.name, actor))
    for path in translations:
        load_translation(path.read_bytes(), path.name, actor)
    for version in versions:
        in_use = FrameworkVersion.objects.filter(
            key=version.key, status=FrameworkVersion.Status.PUBLISHED
        ).exists()
        if not in_use:
            publish_version(version, actor)
    return versions
