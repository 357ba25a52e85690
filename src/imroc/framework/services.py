"""Writes to the framework: load a file as a draft version, publish a version."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from imroc.core import audit
from imroc.framework.loader import FrameworkFileError, Problem, parse_framework
from imroc.framework.models import Challenge, Descriptor, FrameworkVersion, Stage


class FrameworkError(Exception):
    """A framework action that cannot be done, with a message for the person who asked."""


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
            raise FrameworkError(
                f"Version {version.version} is not a draft, so it cannot be published."
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


def load_bundled_frameworks(actor) -> list[FrameworkVersion]:
    """Load every framework file shipped with imroc, and publish one if none is in use."""
    versions = []
    for path in sorted(Path(settings.IMROC_FRAMEWORK_DIR).glob("*.yaml")):
        versions.append(load_framework(path.read_bytes(), path.name, actor))
    for version in versions:
        in_use = FrameworkVersion.objects.filter(
            key=version.key, status=FrameworkVersion.Status.PUBLISHED
        ).exists()
        if not in_use:
            publish_version(version, actor)
    return versions
