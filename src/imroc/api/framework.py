"""The framework: versions, stages, challenges and descriptors. Not site-scoped: anyone with a token reads it."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from ninja import Query, Router, Schema

from imroc.api.core import PageParams, ProblemError, page_of, paginate, responses
from imroc.framework import queries
from imroc.framework.models import FrameworkVersion

router = Router(tags=["framework"])


class VersionOut(Schema):
    id: UUID
    key: str
    version: str
    title: str
    language: str
    status: str
    published_at: dt.datetime | None


class StageOut(Schema):
    slug: str
    order: int
    name: str
    summary: str


class DescriptorOut(Schema):
    stage: str
    text: str


class ChallengeOut(Schema):
    slug: str
    number: int
    title: str
    short_title: str
    summary: str
    descriptors: list[DescriptorOut]


class VersionDetailOut(VersionOut):
    stages: list[StageOut]
    challenges: list[ChallengeOut]


def version_out(v: FrameworkVersion) -> dict:
    return {
        "id": v.public_id, "key": v.key, "version": v.version, "title": v.title,
        "language": v.language, "status": v.status, "published_at": v.published_at,
    }  # fmt: skip


def challenge_out(c) -> dict:
    return {
        "slug": c.slug, "number": c.number, "title": c.title, "short_title": c.short_title,
        "summary": c.summary,
        "descriptors": [{"stage": d.stage.slug, "text": d.text} for d in c.descriptors.all()],
    }  # fmt: skip


def _version(version: UUID) -> FrameworkVersion:
    found = queries.version_by_public_id(version)
    if found is None or found.status == FrameworkVersion.Status.DRAFT:
        raise ProblemError(404, "There is no such framework version.")
    return found


def _published():
    return queries.versions().exclude(status=FrameworkVersion.Status.DRAFT)


@router.get(
    "/framework/versions",
    response=responses(page_of(VersionOut)),
    summary="Framework versions in use or replaced",
)
def list_versions(request, page: Query[PageParams], status: str | None = None):
    versions = _published()
    if status:
        versions = versions.filter(status=status)
    return paginate(request, versions, page, version_out)


@router.get(
    "/framework/versions/{version}",
    response=responses(VersionDetailOut),
    summary="One version, with its stages, challenges and descriptors",
)
def get_version(request, version: UUID):
    found = _version(version)
    stages, challenges = queries.grid(found)
    return {
        **version_out(found),
        "stages": [{"slug": s.slug, "order": s.order, "name": s.name, "summary": s.summary} for s in stages],
        "challenges": [challenge_out(c) for c in challenges],
    }  # fmt: skip


@router.get(
    "/framework/versions/{version}/challenges",
    response=responses(list[ChallengeOut]),
    summary="A version's challenges",
)
def list_challenges(request, version: UUID):
    _, challenges = queries.grid(_version(version))
    return [challenge_out(c) for c in challenges]


@router.get(
    "/framework/versions/{version}/challenges/{challenge}",
    response=responses(ChallengeOut),
    summary="One challenge with its descriptors",
)
def get_challenge(request, version: UUID, challenge: str):
    _, challenges = queries.grid(_version(version))
    for c in challenges:
        if c.slug == challenge:
            return challenge_out(c)
    raise ProblemError(404, "There is no such challenge in this version.")
