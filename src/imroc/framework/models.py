"""The ten-challenge framework, as immutable published versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from imroc.core.models import PublicModel
from imroc.framework.fields import (
    SourceTextQuerySet,
    TranslatedCharField,
    TranslatedModelMixin,
    TranslatedTextField,
)


def _translations():
    """This row's wording in other languages: {"cy": {"title": "..."}} (see fields.py)."""
    return models.JSONField(default=dict, blank=True)


class FrameworkVersion(TranslatedModelMixin, PublicModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("In use")
        SUPERSEDED = "superseded", _("Replaced by a newer version")

    key = models.SlugField(max_length=50)
    version = models.CharField(max_length=30)
    title = TranslatedCharField(max_length=200)
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_name = models.CharField(max_length=200)
    checksum = models.CharField(max_length=64)
    translations = _translations()

    objects = SourceTextQuerySet.as_manager()

    class Meta:
        ordering = ["key", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="framework_version_unique"),
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(status="published"),
                name="framework_one_published_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class Stage(TranslatedModelMixin, models.Model):
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="stages"
    )
    slug = models.SlugField(max_length=50)
    order = models.PositiveSmallIntegerField()
    name = TranslatedCharField(max_length=100)
    summary = TranslatedTextField()
    translations = _translations()

    objects = SourceTextQuerySet.as_manager()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["framework_version", "slug"], name="stage_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name


class Challenge(TranslatedModelMixin, models.Model):
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="challenges"
    )
    slug = models.SlugField(max_length=50)
    number = models.PositiveSmallIntegerField()
    title = TranslatedCharField(max_length=200)
    short_title = TranslatedCharField(max_length=60)
    summary = TranslatedTextField()
    translations = _translations()

    objects = SourceTextQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "slug"], name="challenge_unique_slug"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Descriptor(TranslatedModelMixin, models.Model):
    """What a challenge looks like at one stage."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="descriptors")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="descriptors")
    text = TranslatedTextField()
    translations = _translations()

    objects = SourceTextQuerySet.as_manager()

    class Meta:
        ordering = ["stage__order"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "stage"], name="descriptor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.challenge.slug} at {self.stage.slug}"
