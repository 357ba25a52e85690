"""The recovery college: courses, terms, runs, sessions, trainers, learners, registers, feedback.

Learner data is special category personal data. Learners hold only what the college needs
to arrange a place: a name they choose, one contact, an optional group, access needs and
consent. Audit events about learners never copy their name or contact.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from imroc.core.models import PublicModel, TimestampedModel, VersionedModel
from imroc.framework.models import Challenge
from imroc.improvement.models import Chime
from imroc.programme.models import Site, StakeholderGroup


class College(VersionedModel):
    """A site's recovery college, jointly run by staff and service users."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="college")
    name = models.CharField(max_length=150)
    about = models.TextField(blank=True, max_length=4000)
    how_to_contact = models.CharField(
        max_length=300,
        blank=True,
        help_text="How the public can reach the college, such as a shared phone line. Never a person's own details.",
    )
    publish_prospectus = models.BooleanField(
        default=False, help_text="Show the prospectus to everyone, without signing in."
    )
    # Fidelity component wording supplied by the college under its own licence: {key: text}.
    fidelity_wording = models.JSONField(default=dict, blank=True)
    fidelity_wording_source = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class Trainer(VersionedModel):
    """A person who designs and delivers courses: a peer trainer or a practitioner trainer."""

    class Kind(models.TextChoices):
        PEER = "peer", _("Peer trainer")
        PRACTITIONER = "practitioner", _("Practitioner trainer")

    class Training(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_TRAINING = "in_training", _("In training")
        TRAINED = "trained", _("Trained")
        REFRESHER_DUE = "refresher_due", _("Trained, refresher due")

    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="trainers")
    # Optional: links a trainer to a person who signs in, so a partner can take their registers.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="college_trainer_roles",
    )
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=15, choices=Kind.choices)
    lived_experience = models.BooleanField(
        default=False,
        help_text="Brings their own lived experience of mental health problems to teaching. This never means sharing a diagnosis.",
    )
    training_status = models.CharField(
        max_length=15, choices=Training.choices, default=Training.NOT_STARTED
    )
    trained_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Course(VersionedModel):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        BLENDED = "blended", _("Blended: in person and online")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone: service users, carers, staff and the public")
        USERS_CARERS = "users_carers", _("Service users, carers and supporters")
        STAFF = "staff", _("Staff and volunteers")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft: not on the prospectus")
        PUBLISHED = "published", _("On the prospectus")
        HIDDEN = "hidden", _("Hidden from the prospectus")

    class Completion(models.TextChoices):
        SESSIONS = "sessions", _("Attend at least this many sessions")
        PERCENT = "percent", _("Attend at least this percentage of sessions")

    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="courses")
    title = models.CharField(max_length=150)
    description = models.TextField(max_length=4000)
    learning_outcomes = models.TextField(max_length=4000, help_text="One outcome a line.")
    chime = models.JSONField(default=list, blank=True)
    challenge = models.ForeignKey(
        Challenge, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.IN_PERSON)
    length = models.CharField(max_length=100, help_text="For example: 4 sessions of 2 hours.")
    accessibility = models.TextField(blank=True, max_length=2000)
    audience = models.CharField(max_length=15, choices=Audience.choices, default=Audience.EVERYONE)
    who_can_attend = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    completion_rule = models.CharField(
        max_length=10, choices=Completion.choices, default=Completion.PERCENT
    )
    completion_value = models.PositiveSmallIntegerField(
        default=75, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    co_reviewed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["college", "status"])]

    def __str__(self) -> str:
        return self.title

    def chime_labels(self) -> list[str]:
        labels = dict(Chime.choices)
        return [str(labels[c]) for c in self.chime if c in labels]

    def outcomes(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.learning_outcomes.splitlines() if line.strip()]

    def is_complete(self, attended: int, held: int) -> bool:
        """Whether a learner who attended some of the sessions held has completed the course."""
        if self.completion_rule == self.Completion.SESSIONS:
            return attended >= self.completion_value
        return held > 0 and attended * 100 >= self.completion_value * held

    def completion_text(self) -> str:
        if self.completion_rule == self.Completion.SESSIONS:
            return ngettext(
                "Attend at least %(count)d session",
                "Attend at least %(count)d sessions",
                self.completion_value,
            ) % {"count": self.completion_value}
        return gettext("Attend at least %(percent)d%% of sessions") % {
            "percent": self.completion_value
        }


class CoProduction(TimestampedModel):
    """Who co-designed or co-reviewed a course, by stakeholder group. Delivery is on the runs."""

    class Stage(models.TextChoices):
        DESIGN = "design", _("Co-designed")
        REVIEW = "review", _("Co-reviewed")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="coproduction")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    group = models.CharField(max_length=20, choices=StakeholderGroup.choices)
    contributor = models.CharField(
        max_length=150, help_text="A name, a role or a group, such as 'Hearing Voices group'."
    )
    on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["stage", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} by {self.contributor}"


class Term(PublicModel):
    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["college", "name"], name="college_term_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class CourseRun(VersionedModel):
    """One run of a course in a term, with its trainer pair, sessions and places."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="runs")
    term = models.ForeignKey(Term, on_delete=models.RESTRICT, related_name="runs")
    capacity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    peer_trainer = models.ForeignKey(
        Trainer, null=True, blank=True, on_delete=models.SET_NULL, related_name="peer_runs"
    )
    practitioner_trainer = models.ForeignKey(
        Trainer, null=True, blank=True, on_delete=models.SET_NULL, related_name="practitioner_runs"
    )
    enrolment_open = models.BooleanField(default=True)
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["term__starts_on", "course__title", "id"]

    def __str__(self) -> str:
        return f"{self.course.title}, {self.term.name}"

    @property
    def co_delivered(self) -> bool:
        return bool(self.peer_trainer_id and self.practitioner_trainer_id)


class Session(PublicModel):
    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.run.course.title} on {self.starts_at:%Y-%m-%d}"


class Learner(PublicModel):
    """A person who learns at the college. Minimal by design; erased in place when asked."""

    class Group(models.TextChoices):
        SERVICE_USER = "service_user", _("Someone who uses mental health services")
        CARER = "carer", _("A carer, family member or friend")
        STAFF = "staff", _("Staff or a volunteer")
        OTHER = "other", _("Other")

    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="learners")
    name = models.CharField(max_length=100, blank=True)
    contact = models.CharField(max_length=254, blank=True)
    # The contact in a fixed form (lower-case email, or digits), so the same person is found again.
    # NULL once erased, so erased learners never collide in the unique constraint.
    contact_key = models.CharField(max_length=254, null=True, blank=True)  # noqa: DJ001
    group = models.CharField(max_length=15, choices=Group.choices, blank=True)
    access_needs = models.TextField(blank=True, max_length=2000)
    consent_at = models.DateTimeField(null=True, blank=True)
    last_active_at = models.DateTimeField()
    erased_at = models.DateTimeField(null=True, blank=True)
    # The language the learner was using when they last enrolled, so messages reach them in it.
    language = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["college", "contact_key"], name="college_learner_unique_contact"
            )
        ]
        indexes = [models.Index(fields=["college", "last_active_at"])]

    def __str__(self) -> str:
        # Never the name: this text goes into the audit log, which outlives erasure.
        return f"Learner {str(self.public_id)[:8]}"

    @property
    def display_name(self) -> str:
        return gettext("Erased learner") if self.erased_at else self.name

    @property
    def contact_is_email(self) -> bool:
        return "@" in self.contact


class Enrolment(PublicModel):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Has a place")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="enrolments")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(max_length=10, choices=Status.choices)
    # The group the learner gave when enrolling, kept for anonymous counts after erasure.
    group = models.CharField(max_length=15, choices=Learner.Group.choices, blank=True)
    # From the enrolment form (or an API client), so a double submission finds the first
    # enrolment. Unique per run: one site's keys never meet another's. NULL when there is none.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    enrolled_by_staff = models.BooleanField(default=False)
    waiting_since = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # The learner is unique per college by normalised contact, so this is one live
            # enrolment per run and contact.
            models.UniqueConstraint(
                fields=["run", "learner"],
                condition=~models.Q(status="cancelled"),
                name="college_one_live_enrolment_per_contact",
            ),
            models.UniqueConstraint(
                fields=["run", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="college_enrolment_key_unique_per_run",
            ),
        ]
        indexes = [models.Index(fields=["run", "status"])]

    def __str__(self) -> str:
        return f"Enrolment {str(self.public_id)[:8]}"


class Attendance(TimestampedModel):
    class Status(models.TextChoices):
        ATTENDED = "attended", _("Came")
        ABSENT = "absent", _("Absent: let us know")
        NO_SHOW = "no_show", _("Did not come: no word")
        CANCELLED = "cancelled", _("Not expected: the place or session was cancelled")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="college_attendance_once_per_session"
            )
        ]
        # Dashboard figures count marks by status per enrolment from the index alone.
        indexes = [
            models.Index(fields=["enrolment", "status"], name="college_attendance_by_status")
        ]


class LearningPlan(VersionedModel):
    """A learner's own plan: their goals, the courses they chose and a personal tutor if wanted."""

    learner = models.OneToOneField(Learner, on_delete=models.CASCADE, related_name="plan")
    goals = models.TextField(max_length=4000)
    courses = models.ManyToManyField(Course, blank=True, related_name="+")
    wants_tutor = models.BooleanField(default=False)
    tutor = models.ForeignKey(
        Trainer, null=True, blank=True, on_delete=models.SET_NULL, related_name="tutees"
    )
    next_review_on = models.DateField(null=True, blank=True)


class MessageLog(TimestampedModel):
    """A message the college sent, or tried to send, to a learner."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")
        NO_EMAIL = "no_email", _("Not sent: the contact is a phone number")

    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="messages")
    learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    recipient = models.CharField(max_length=254, blank=True)
    template = models.CharField(max_length=60)
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # Makes repeat sends (such as reminders) idempotent: one message per key, ever.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class FeedbackInvite(PublicModel):
    """A one-time link to the end-of-course questionnaire, sent after the last session."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="invite")
    used_at = models.DateTimeField(null=True, blank=True)


# Our own plain words, not a published instrument's. Keys are the FeedbackResponse fields.
FEEDBACK_QUESTIONS = [
    ("welcome", _("I felt welcome and safe on the course.")),
    ("clear", _("The course was easy to follow.")),
    ("useful", _("I learned things I can use in my own life.")),
    ("together", _("The trainers worked well together.")),
    ("hopeful", _("I feel more hopeful after the course.")),
]
SCALE = [(1, _("Strongly disagree")), (2, _("Disagree")), (3, _("Not sure")), (4, _("Agree")), (5, _("Strongly agree"))]  # fmt: skip


class FeedbackResponse(TimestampedModel):
    """One anonymous answer to the end-of-course questionnaire. Not linked to the learner."""

    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="feedback")
    welcome = models.PositiveSmallIntegerField(choices=SCALE)
    clear = models.PositiveSmallIntegerField(choices=SCALE)
    useful = models.PositiveSmallIntegerField(choices=SCALE)
    together = models.PositiveSmallIntegerField(choices=SCALE)
    hopeful = models.PositiveSmallIntegerField(choices=SCALE)
    comment = models.TextField(blank=True, max_length=2000)


class FidelityCheck(PublicModel):
    """A self-check against the recovery college fidelity structure. Kept over time."""

    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="fidelity_checks")
    done_on = models.DateField()
    scores = models.JSONField()  # {component key: score}
    notes = models.TextField(blank=True, max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-done_on", "-id"]

    def __str__(self) -> str:
        return f"Fidelity check on {self.done_on}"
