"""Priorities, goals with their adjustment history, driver diagrams, PDSA cycles and reviews."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imroc.core.models import PublicModel, TimestampedModel, VersionedModel
from imroc.framework.models import Challenge
from imroc.framework.scales import (
    PROGRESS_CHOICES,
    Chime,  # noqa: F401 - re-exported for the apps that tag by it
    chime_labels,
)
from imroc.programme.models import Site


class Priority(TimestampedModel):
    """A challenge the site has chosen to work on first."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="priorities")
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="+")
    chosen_on = models.DateField()
    reason = models.TextField(blank=True, max_length=2000)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["challenge__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "challenge"],
                condition=models.Q(ended_on__isnull=True),
                name="priority_one_active_per_challenge",
            )
        ]

    def __str__(self) -> str:
        return f"Priority: {self.challenge.short_title}"


class Goal(VersionedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        STOPPED = "stopped", _("Stopped")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="goals")
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    target_level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(3)]
    )
    target_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    target_value_meaning = models.CharField(max_length=200, blank=True)
    target_date = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_goals"
    )
    co_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="co_led_goals",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    chime = models.JSONField(default=list, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    from_review = models.ForeignKey(
        "Review", null=True, blank=True, on_delete=models.SET_NULL, related_name="new_goals"
    )

    class Meta:
        ordering = ["challenge__number", "target_date", "id"]
        indexes = [models.Index(fields=["site", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.ACTIVE)

    def chime_labels(self) -> list[str]:
        return chime_labels(self.chime)


class GoalChange(TimestampedModel):
    """One adjustment of a goal, with the reason: the 'adjust goals' step of the cycle."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(max_length=2000)
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ["-created_at", "-id"]


class Driver(PublicModel):
    """A node of a goal's driver diagram: aim (the goal) → primary → secondary → change idea."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary driver")
        SECONDARY = "secondary", _("Secondary driver")
        CHANGE_IDEA = "change_idea", _("Change idea")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="drivers")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class PdsaCycle(VersionedModel):
    """A small test of change: plan, do, study, act. Cycles chain into ramps."""

    class Decision(models.TextChoices):
        ADOPT = "adopt", _("Adopt: make it how we work")
        ADAPT = "adapt", _("Adapt: change it and test again")
        ABANDON = "abandon", _("Abandon: stop this idea")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="cycles")
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_cycles"
    )
    change_idea = models.CharField(max_length=300)
    objective = models.TextField(max_length=2000)
    who = models.CharField(max_length=300)
    where = models.CharField(max_length=300, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    prediction = models.TextField(max_length=2000)
    measures = models.TextField(
        _("What you will measure"), blank=True, max_length=2000
    )  # the measures app links real measures
    do_notes = models.TextField(_("What happened"), blank=True, max_length=4000)
    observations = models.TextField(blank=True, max_length=4000)
    study_notes = models.TextField(_("Results against the prediction"), blank=True, max_length=4000)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    next_steps = models.TextField(_("What happens next"), blank=True, max_length=2000)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return self.change_idea

    @property
    def step(self) -> str:
        """Which of plan, do, study, act is next, or 'done'."""
        if self.decision:
            return "done"
        if self.study_notes:
            return "act"
        if self.do_notes:
            return "study"
        return "do"

    @property
    def step_label(self) -> str:
        return {
            "do": gettext("Planned: record what happened"),
            "study": gettext("Done: study the results"),
            "act": gettext("Studied: decide what to do"),
            "done": self.get_decision_display().split(":")[0],
        }[self.step]


class Review(PublicModel):
    """A review of a goal, or of the site's whole plan when goal is empty."""

    class Decision(models.TextChoices):
        CONTINUE = "continue", _("Continue as planned")
        ADJUST = "adjust", _("Adjust the goal")
        COMPLETE = "complete", _("Complete: the goal is met")
        STOP = "stop", _("Stop working on this goal")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="reviews")
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    held_on = models.DateField()
    progress_score = models.DecimalField(
        max_digits=2, decimal_places=1, null=True, blank=True, choices=PROGRESS_CHOICES
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    notes = models.TextField(max_length=4000)
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["site", "held_on"])]

    def __str__(self) -> str:
        return f"Review on {self.held_on}"
