"""The learning network: support for pilot sites, learning sets and the resource library."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from imroc.core.models import PublicModel, TimestampedModel
from imroc.framework.models import Challenge
from imroc.programme.models.core import Category, Programme, Site, StakeholderGroup


class SupportEntry(PublicModel):
    """One contact between the programme team and a site: mostly pilot sites' intensive help."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        CALL = "call", _("Phone or video call")
        ADVICE = "advice", _("Written advice")
        WORKSHOP = "workshop", _("Workshop")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="support_entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    happened_on = models.DateField()
    summary = models.TextField(max_length=4000)
    agreed_actions = models.TextField(blank=True, max_length=4000)
    follow_up_on = models.DateField(null=True, blank=True)
    followed_up = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"Support {self.kind} on {self.happened_on}"


class LearningSet(PublicModel):
    """A themed learning event for sites, on one or more of the challenges."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="learning_sets")
    title = models.CharField(max_length=200)
    themes = models.ManyToManyField(Challenge, related_name="learning_sets")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(blank=True)
    description = models.TextField(blank=True, max_length=4000)
    invited_categories = models.JSONField(default=list)
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["programme", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def invited_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [labels[c] for c in self.invited_categories if c in labels]


class LearningSetFacilitator(models.Model):
    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="facilitators"
    )
    name = models.CharField(max_length=150)
    lived_experience = models.BooleanField(
        default=False,
        help_text=_(
            "Facilitates from their own lived experience. This never means sharing a diagnosis."
        ),
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class LearningSetInvitation(TimestampedModel):
    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="invitations"
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="learning_set_invitations"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learning_set", "site"], name="invitation_once_per_site"
            )
        ]


class LearningSetAttendance(TimestampedModel):
    """One person from one site at a learning set."""

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="attendance"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="learning_set_attendance")
    person = models.CharField(max_length=150)
    stakeholder_group = models.CharField(max_length=20, choices=StakeholderGroup.choices)

    class Meta:
        ordering = ["site__organisation__name", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["learning_set", "site", "person"], name="attendance_person_once"
            )
        ]


class LearningSetAction(TimestampedModel):
    """A note or action a site agreed at a learning set."""

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="actions")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="learning_set_actions")
    text = models.TextField(max_length=2000)

    class Meta:
        ordering = ["site__organisation__name", "id"]


class LearningSetEvaluation(TimestampedModel):
    """The built-in evaluation: a few questions in plain words, anonymous."""

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="evaluations"
    )
    useful = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    will_use = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    voices_heard = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comments = models.TextField(blank=True, max_length=2000)


class EvaluationReceipt(TimestampedModel):
    """That a person answered a learning set's evaluation, kept apart from their answers."""

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="evaluation_receipts"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learning_set", "user"], name="evaluation_once_per_person"
            )
        ]


def _resource_path(instance, filename):
    # The stored name is random; the person's file name is kept only as data.
    return f"resources/{uuid.uuid4().hex}"


class Resource(PublicModel):
    """A document or link shared in the network, with who may see it."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        LINK = "link", _("Link")
        PRACTICE = "practice", _("Practice example")

    class Visibility(models.TextChoices):
        NETWORK = "network", _("Everyone in the network")
        PROGRAMME = "programme", _("The programme team only")
        SITE = "site", _("The publishing site only")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="resources")
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.CASCADE, related_name="resources",
        help_text=_("The site that shared it; empty when the programme team did."),
    )  # fmt: skip
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.URLField(blank=True)
    file = models.FileField(upload_to=_resource_path, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    challenges = models.ManyToManyField(Challenge, blank=True, related_name="resources")
    chime = models.JSONField(default=list, blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.NETWORK
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
