"""The ten-challenge framework, as immutable published versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from imroc.core.models import PublicModel


class FrameworkVersion(PublicModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "In use"
        SUPERSEDED = "superseded", "Replaced by a newer version"

    key = models.SlugField(max_length=50)
    version = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_name = models.CharField(max_length=200)
    checksum = models.CharField(max_length=64)

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


class Stage(models.Model):
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="stages"
    )
    slug = models.SlugField(max_length=50)
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    summary = models.TextField()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["framework_version", "slug"], name="stage_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name


class Challenge(models.Model):
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="challenges"
    )
    slug = models.SlugField(max_length=50)
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    short_title = models.CharField(max_length=60)
    summary = models.TextField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "slug"], name="challenge_unique_slug"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Descriptor(models.Model):
    """What a challenge looks like at one stage."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="descriptors")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="descriptors")
    text = models.TextField()

    class Meta:
        ordering = ["stage__order"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "stage"], name="descriptor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.challenge.slug} at {self.stage.slug}"
