"""Self-assessment rounds: ratings by stakeholder group, consensus, and team TRIPs.

A level is a stage's order in the round's framework version (1 engagement, 2 development,
3 transformation) or 0 for "not yet started", so levels can be compared and averaged.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from imroc.core.models import PublicModel, TimestampedModel, VersionedModel
from imroc.framework.models import Challenge, FrameworkVersion
from imroc.framework.scales import PROGRESS_CHOICES
from imroc.programme.models import Site, StakeholderGroup, Team

NOT_STARTED = 0
LIVED_EXPERIENCE_GROUPS = frozenset({StakeholderGroup.SERVICE_USER, StakeholderGroup.CARER})
STAFF_GROUPS = frozenset({StakeholderGroup.STAFF, StakeholderGroup.MANAGER})


class AssessmentRound(VersionedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open for ratings")
        CLOSED = "closed", _("Closed")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="assessment_rounds")
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="rounds"
    )
    title = models.CharField(max_length=120)
    held_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["site", "held_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Attendance(TimestampedModel):
    """How many people of each group took part in a round's meeting."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="attendance")
    stakeholder_group = models.CharField(max_length=20, choices=StakeholderGroup.choices)
    count = models.PositiveSmallIntegerField(validators=[MaxValueValidator(500)])

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "stakeholder_group"], name="attendance_unique")
        ]


class Rating(VersionedModel):
    """One stakeholder group's view of one challenge in a round."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="ratings")
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="ratings")
    stakeholder_group = models.CharField(max_length=20, choices=StakeholderGroup.choices)
    level = models.PositiveSmallIntegerField(validators=[MaxValueValidator(3)])
    evidence = models.TextField(blank=True, max_length=4000)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="ratings"
    )

    class Meta:
        ordering = ["challenge__number", "stakeholder_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "challenge", "stakeholder_group"], name="rating_one_per_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stakeholder_group_display()} rating of {self.challenge.slug}"

    @property
    def is_lived_experience(self) -> bool:
        return self.stakeholder_group in LIVED_EXPERIENCE_GROUPS


class Consensus(VersionedModel):
    """The stage a round's meeting agreed for one challenge."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="consensus")
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="consensus")
    level = models.PositiveSmallIntegerField(validators=[MaxValueValidator(3)])
    rationale = models.TextField(blank=True, max_length=4000)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["challenge__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "challenge"], name="consensus_one_per_challenge"
            )
        ]

    def __str__(self) -> str:
        return f"Consensus on {self.challenge.slug}"


# --- Team Recovery Implementation Plan (TRIP) ----------------------------------------------


class TeamResources(VersionedModel):
    """Part 1 of a team's TRIP: what the team has to work with."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="trip_resources")
    people = models.TextField(
        _("People and roles"), blank=True, max_length=4000,
        help_text=_("Who is in the team, including any peer support workers."),
    )  # fmt: skip
    strengths = models.TextField(_("What the team does well"), blank=True, max_length=4000)
    links = models.TextField(
        _("Links outside the team"), blank=True, max_length=4000,
        help_text=_("Recovery college, housing, employment, community groups and others."),
    )  # fmt: skip

    def __str__(self) -> str:
        return f"Resources of {self.team}"


class TeamBenchmark(TimestampedModel):
    """Part 2: the team's own rating of one challenge on one date. History is kept."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="benchmarks")
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(validators=[MaxValueValidator(3)])
    assessed_on = models.DateField()
    notes = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-assessed_on", "challenge__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "challenge", "assessed_on"], name="benchmark_one_a_day"
            )
        ]


class TeamPriority(PublicModel):
    """Part 3: one of the team's top three priorities."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="priorities")
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(3)])
    aim = models.TextField(max_length=1000)
    set_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "rank"],
                condition=models.Q(ended_on__isnull=True),
                name="team_priority_rank_unique",
            )
        ]


class TeamReview(PublicModel):
    """Part 4: a review of the team's plan, and what it reset."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    progress_score = models.DecimalField(
        max_digits=2, decimal_places=1, null=True, blank=True, choices=PROGRESS_CHOICES
    )
    notes = models.TextField(max_length=4000)
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Team review on {self.held_on}"
