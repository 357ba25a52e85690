"""Reads of the framework."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from imroc.framework.models import Challenge, Descriptor, FrameworkVersion


def versions() -> QuerySet[FrameworkVersion]:
    return FrameworkVersion.objects.select_related("published_by").order_by("key", "-created_at")


def current_version(key: str = "imroc") -> FrameworkVersion | None:
    return FrameworkVersion.objects.filter(
        key=key, status=FrameworkVersion.Status.PUBLISHED
    ).first()


def version_by_public_id(public_id) -> FrameworkVersion | None:
    return FrameworkVersion.objects.filter(public_id=public_id).first()


def grid(version: FrameworkVersion) -> tuple[list, list[Challenge]]:
    """The stages, and the challenges with their descriptors in stage order, in three queries."""
    stages = list(version.stages.all())
    challenges = list(
        version.challenges.prefetch_related(
            Prefetch("descriptors", queryset=Descriptor.objects.select_related("stage"))
        )
    )
    return stages, challenges


def challenges(version: FrameworkVersion) -> QuerySet[Challenge]:
    return version.challenges.all()


def current_challenges(key: str = "imroc", also: int | None = None) -> QuerySet[Challenge]:
    """The challenges of the version in use (none if there is none), plus one more if asked."""
    wanted = Q(
        framework_version__key=key, framework_version__status=FrameworkVersion.Status.PUBLISHED
    )
    if also is not None:
        wanted |= Q(pk=also)
    return Challenge.objects.filter(wanted).order_by("number", "id")
