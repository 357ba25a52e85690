"""Workforce, policies and partnerships: peer support cohorts and posts, joint training, staff
support (aggregate only), policy reviews, safety planning, personalisation indicators, partner
agencies, IPS fidelity and employment outcomes. People appear only as anonymous posts or counts."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from imroc.core.models import PublicModel, TimestampedModel, VersionedModel
from imroc.programme.models import Site, Team
from imroc.workforce import reference


class Phase(models.TextChoices):
    PREPARATION = reference.PREPARATION, _("Preparation")
    RECRUITMENT = reference.RECRUITMENT, _("Recruitment")
    EMPLOYMENT = reference.EMPLOYMENT, _("Employment")
    DEVELOPMENT = reference.DEVELOPMENT, _("Ongoing development")


PHASE_ORDER = [Phase.PREPARATION, Phase.RECRUITMENT, Phase.EMPLOYMENT, Phase.DEVELOPMENT]


class Profession(models.TextChoices):
    ALL = "all", _("All professions")
    NURSING = "nursing", _("Nursing")
    MEDICAL = "medical", _("Medical")
    PSYCHOLOGY = "psychology", _("Psychology")
    OCCUPATIONAL_THERAPY = "ot", _("Occupational therapy")
    SOCIAL_WORK = "social_work", _("Social work")
    SUPPORT = "support", _("Support workers")
    PEER = "peer", _("Peer workers")
    ADMIN = "admin", _("Administration")
    OTHER = "other", _("Other")


class WorkforcePlan(VersionedModel):
    """A site's workforce settings, such as its joint-training coverage target."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="workforce_plan")
    training_target = models.PositiveSmallIntegerField(
        default=80, validators=[MaxValueValidator(100)]
    )


# --- Peer support -------------------------------------------------------------------------------


class PeerCohort(VersionedModel):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="peer_cohorts")
    name = models.CharField(max_length=120)
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.PREPARATION)
    started_on = models.DateField()
    # Recruitment in aggregate only: never a list of applicants.
    applicants = models.PositiveIntegerField(null=True, blank=True)
    interviewed = models.PositiveIntegerField(null=True, blank=True)
    training_course = models.CharField(max_length=200, blank=True)
    training_hours = models.PositiveSmallIntegerField(
        default=40, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    notes = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="peer_cohort_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def next_phase(self) -> str | None:
        index = PHASE_ORDER.index(self.phase)
        return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None

    @property
    def next_phase_label(self) -> str:
        return Phase(self.next_phase).label if self.next_phase else ""


class PhaseChange(TimestampedModel):
    """A dated entry in a cohort's phase history."""

    cohort = models.ForeignKey(PeerCohort, on_delete=models.CASCADE, related_name="phase_history")
    phase = models.CharField(max_length=12, choices=Phase.choices)
    entered_on = models.DateField()
    checklist_done = models.PositiveSmallIntegerField(default=0)
    checklist_total = models.PositiveSmallIntegerField(default=0)
    move_on_reason = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["entered_on", "id"]


class ReadinessCheck(TimestampedModel):
    """One ticked item of a cohort's phase checklist (the items are in reference.CHECKLISTS)."""

    cohort = models.ForeignKey(PeerCohort, on_delete=models.CASCADE, related_name="checks")
    key = models.CharField(max_length=40)
    done_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "key"], name="readiness_check_once")
        ]


class PeerPost(VersionedModel):
    """An anonymous peer support post, such as 'Peer support worker 3': never a name or diagnosis."""

    class LeavingReason(models.TextChoices):
        NEW_JOB = "new_job", _("Moved to another job")
        PROMOTION = "promotion", _("Promoted or moved to a senior peer role")
        STUDY = "study", _("Education or training")
        HEALTH = "health", _("Health")
        CONTRACT = "contract", _("Fixed-term contract ended")
        ROLE = "role", _("The role did not work out")
        PERSONAL = "personal", _("Personal or family reasons")
        OTHER = "other", _("Other")

    cohort = models.ForeignKey(PeerCohort, on_delete=models.CASCADE, related_name="posts")
    label = models.CharField(max_length=80)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="peer_posts"
    )
    fte = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("1.00"))
    appointed_on = models.DateField(null=True, blank=True)
    training_completed_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    leaving_reason = models.CharField(max_length=12, choices=LeavingReason.choices, blank=True)

    class Meta:
        ordering = ["cohort", "label", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "label"], name="peer_post_unique_label"),
            models.CheckConstraint(
                condition=models.Q(fte__gt=0, fte__lte=1), name="peer_post_fte_range"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def status(self) -> str:
        if self.left_on:
            return _("Left")
        if self.appointed_on:
            return _("In post")
        return _("Vacant")


class PeerSupervision(TimestampedModel):
    """How many peer supervision sessions a cohort held in a month."""

    cohort = models.ForeignKey(PeerCohort, on_delete=models.CASCADE, related_name="supervision")
    period = models.DateField()
    sessions = models.PositiveIntegerField()

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "period"], name="peer_supervision_once")
        ]


# --- Joint training -----------------------------------------------------------------------------


class TrainingEvent(PublicModel):
    """Training co-delivered by a lived-experience trainer and a staff trainer, for staff and
    service users together."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="training_events")
    topic = models.CharField(max_length=200)
    held_on = models.DateField()
    capacity = models.PositiveIntegerField()
    staff_attended = models.PositiveIntegerField(default=0)
    service_users_attended = models.PositiveIntegerField(default=0)
    carers_attended = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["site", "held_on"])]

    def __str__(self) -> str:
        return self.topic

    @property
    def attendees(self) -> int:
        return self.staff_attended + self.service_users_attended + self.carers_attended


class EventTrainer(TimestampedModel):
    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="trainers")
    name = models.CharField(max_length=120)
    lived_experience = models.BooleanField(default=False)

    class Meta:
        ordering = ["-lived_experience", "id"]


class TrainingCoverage(TimestampedModel):
    """Staff trained out of staff in scope, for one month, team (or the whole site) and profession."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="training_coverage")
    period = models.DateField()
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    profession = models.CharField(max_length=12, choices=Profession.choices, default=Profession.ALL)
    trained = models.PositiveIntegerField()
    in_scope = models.PositiveIntegerField()

    class Meta:
        ordering = ["-period", "team__name", "profession"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "period", "team", "profession"],
                condition=models.Q(team__isnull=False),
                name="training_coverage_once_team",
            ),
            models.UniqueConstraint(
                fields=["site", "period", "profession"],
                condition=models.Q(team__isnull=True),
                name="training_coverage_once_site",
            ),
            models.CheckConstraint(
                condition=models.Q(trained__lte=models.F("in_scope")),
                name="training_coverage_trained_lte_scope",
            ),
        ]


# --- Staff support (aggregate and anonymous) ----------------------------------------------------


class StaffSurvey(PublicModel):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="staff_surveys")
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    invited = models.PositiveIntegerField(null=True, blank=True)
    responses = models.PositiveIntegerField()
    # [["I feel supported by my manager", 3.8], ...]: mean scores from 1 to 5, never answers.
    item_scores = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class WellbeingOffer(PublicModel):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="wellbeing_offers")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    uptake = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return self.title


class SupervisionCoverage(TimestampedModel):
    """Staff with recovery-focused supervision, out of staff in scope, for a month and team."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="supervision_coverage")
    period = models.DateField()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    supervised = models.PositiveIntegerField()
    in_scope = models.PositiveIntegerField()

    class Meta:
        ordering = ["-period", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "period"], name="supervision_coverage_once"),
            models.CheckConstraint(
                condition=models.Q(supervised__lte=models.F("in_scope")),
                name="supervision_coverage_lte_scope",
            ),
        ]


class StaffCollegeUse(TimestampedModel):
    """How many staff took a recovery college course as learners in a month."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="staff_college_use")
    period = models.DateField()
    staff_learners = models.PositiveIntegerField()

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["site", "period"], name="staff_college_use_once")
        ]


# --- Policies and risk --------------------------------------------------------------------------


class Policy(VersionedModel):
    class Kind(models.TextChoices):
        RISK = "risk", _("Risk assessment and management")
        RECRUITMENT = "recruitment", _("Recruitment")
        SUPERVISION = "supervision", _("Supervision")
        APPRAISAL = "appraisal", _("Appraisal")
        INVOLVEMENT = "involvement", _("Involvement")
        OPERATIONAL = "operational", _("Operational policy")
        OTHER = "other", _("Other")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="policies")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    current_url = models.URLField(blank=True, max_length=500)
    next_review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["site", "title"], name="policy_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class PolicyReview(PublicModel):
    class Outcome(models.TextChoices):
        NO_CHANGE = "no_change", _("No change")
        REVISED = "revised", _("Revised")
        REPLACED = "replaced", _("Replaced")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    answers = models.JSONField(default=dict)  # {question key: "yes" | "partly" | "no"}
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    summary = models.TextField(blank=True, max_length=4000)
    next_review_on = models.DateField(null=True, blank=True)
    new_version_url = models.URLField(blank=True, max_length=500)
    lived_experience_reviewers = models.PositiveSmallIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]

    def answer_rows(self) -> list[tuple[str, str]]:
        labels = dict(reference.POLICY_ANSWERS)
        return [
            (text, labels.get(self.answers.get(key, ""), _("Not answered")))
            for key, text in reference.POLICY_QUESTIONS
        ]

    @property
    def yes_count(self) -> int:
        return sum(1 for v in self.answers.values() if v == "yes")


class PolicyReviewer(TimestampedModel):
    review = models.ForeignKey(PolicyReview, on_delete=models.CASCADE, related_name="reviewers")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120, blank=True)
    lived_experience = models.BooleanField(default=False)

    class Meta:
        ordering = ["-lived_experience", "id"]


class SafetyPlanning(TimestampedModel):
    """A team's co-produced safety plans in a month, as counts: never clinical records."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="safety_planning")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    plans_in_place = models.PositiveIntegerField()
    plans_coproduced = models.PositiveIntegerField()

    class Meta:
        ordering = ["-period", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "period"], name="safety_planning_once"),
            models.CheckConstraint(
                condition=models.Q(plans_coproduced__lte=models.F("plans_in_place")),
                name="safety_planning_coproduced_lte_plans",
            ),
        ]


# --- Personalisation and choice -----------------------------------------------------------------


class Indicator(PublicModel):
    """A personalisation indicator the site chooses: a share, counted each month."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="personalisation")
    name = models.CharField(max_length=150)
    definition = models.TextField(max_length=2000)
    target = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="indicator_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(TimestampedModel):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.DateField()
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="indicator_value_once"),
            models.CheckConstraint(
                condition=models.Q(numerator__lte=models.F("denominator")),
                name="indicator_value_lte",
            ),
        ]


# --- Partnerships, IPS and employment -----------------------------------------------------------


class PartnerAgency(VersionedModel):
    class Sector(models.TextChoices):
        HOUSING = "housing", _("Housing")
        EDUCATION = "education", _("Education")
        EMPLOYMENT = "employment", _("Employment")
        LEISURE = "leisure", _("Leisure")
        FAITH = "faith", _("Faith and community")
        OTHER = "other", _("Other")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="partner_agencies")
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=12, choices=Sector.choices)
    description = models.TextField(blank=True, max_length=2000)
    review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["sector", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="partner_agency_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PartnerAgreement(PublicModel):
    agency = models.ForeignKey(PartnerAgency, on_delete=models.CASCADE, related_name="agreements")
    agreed_on = models.DateField()
    summary = models.TextField(max_length=2000)
    document_url = models.URLField(blank=True, max_length=500)

    class Meta:
        ordering = ["-agreed_on", "-id"]


class JointActivity(PublicModel):
    agency = models.ForeignKey(PartnerAgency, on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-held_on", "-id"]


class ReferralCount(TimestampedModel):
    """Referrals in a month, both ways: counts only."""

    agency = models.ForeignKey(PartnerAgency, on_delete=models.CASCADE, related_name="referrals")
    period = models.DateField()
    to_partner = models.PositiveIntegerField()
    from_partner = models.PositiveIntegerField()

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "period"], name="referral_count_once")
        ]


class IpsReview(PublicModel):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="ips_reviews")
    held_on = models.DateField()
    service = models.CharField(max_length=200)
    scores = models.JSONField()  # 25 whole numbers from 1 to 5, in reference.IPS_ITEMS order
    total = models.PositiveSmallIntegerField()
    reviewers = models.CharField(max_length=300)
    notes = models.TextField(blank=True, max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    total__gte=reference.IPS_MIN_TOTAL, total__lte=reference.IPS_MAX_TOTAL
                ),
                name="ips_total_range",
            )
        ]

    def __str__(self) -> str:
        return f"IPS review of {self.service} on {self.held_on}"

    @property
    def band(self) -> str:
        return reference.ips_band(self.total)

    def item_rows(self) -> list[tuple[str, int]]:
        return list(zip(reference.IPS_ITEMS, self.scores, strict=False))


class EmploymentOutcome(TimestampedModel):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="employment_outcomes")
    period = models.DateField()
    people_supported = models.PositiveIntegerField()
    job_starts = models.PositiveIntegerField()
    sustained_jobs = models.PositiveIntegerField()

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["site", "period"], name="employment_outcome_once")
        ]


# --- Charts ---------------------------------------------------------------------------------------


class ChartLink(TimestampedModel):
    """Which measure a figure was charted into, so a second 'Chart this' opens the same one."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="workforce_charts")
    figure = models.CharField(max_length=80)
    measure = models.ForeignKey("measures.Measure", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "figure"], name="chart_link_once")]
