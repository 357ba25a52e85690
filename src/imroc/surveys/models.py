"""Questionnaires: versioned instruments, pseudonymous respondents, responses, and the ways
answers come in (paper, one-time links, kiosks).

An instrument belongs to the programme (ours, seen by every site) or to one site (imported
by that site under its own licence; no other site sees it). Each version's questions and
scoring are stored whole as checked JSON (see ``engine``) and never change once published:
a change makes a new version. Respondents are codes, never names.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from imroc.core.models import PublicModel, TimestampedModel
from imroc.measures.models import Measure
from imroc.programme.models import Programme, Site


class Audience(models.TextChoices):
    SERVICE_USERS = "service_users", _("Service users")
    CARERS = "carers", _("Carers and families")
    STAFF = "staff", _("Staff")
    LEARNERS = "learners", _("Recovery college learners")
    MIXED = "mixed", _("Anyone")
    SITE = "site", _("The site as a whole")


class Instrument(PublicModel):
    """A questionnaire, across all its versions."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="survey_instruments"
    )
    # Set for an instrument a site imported: only that site sees it.
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.CASCADE, related_name="survey_instruments"
    )
    key = models.SlugField(max_length=64)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=15, choices=Audience.choices, default=Audience.MIXED)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "key"],
                condition=models.Q(site__isnull=True),
                name="surveys_programme_instrument_key",
            ),
            models.UniqueConstraint(fields=["site", "key"], name="surveys_site_instrument_key"),
        ]

    def __str__(self) -> str:
        return self.title


class InstrumentVersion(PublicModel):
    """One published version of an instrument. Immutable: services never update its questions
    or scoring. Only ``translations`` (display text in other languages) may be added later."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    language = models.CharField(max_length=10, default="en")
    # The checked definition: {"items": [...], "scoring": {...}} (see engine.normalise).
    definition = models.JSONField()
    # Display text in other languages, by language code (see ``translation``):
    # {"cy": {"title", "description", "items": {link id: {"text", "options": {code: label}}}}}.
    # Scoring, codes and stored answers never depend on it.
    translations = models.JSONField(default=dict, blank=True)
    validated = models.BooleanField(
        default=False, help_text=_("A published, validated instrument. Ours are not validated.")
    )
    licence_holder = models.CharField(max_length=200, blank=True)
    commercial_use = models.BooleanField(null=True, blank=True)
    citation = models.CharField(max_length=1000, blank=True)
    fhir_url = models.URLField(max_length=300, blank=True)
    source_version = models.CharField(max_length=50, blank=True)
    source_name = models.CharField(max_length=200, blank=True)
    checksum = models.CharField(max_length=64)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["instrument", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "number"], name="surveys_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"


class PseudonymKey(TimestampedModel):
    """A site's own secret, so the same respondent reference always gives the same code there
    and nowhere else. The reference itself is never stored."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="pseudonym_key")
    secret = models.CharField(max_length=64)


class Respondent(PublicModel):
    """A pseudonymous person who answers questionnaires at one site: a code, never a name."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="survey_respondents")
    code = models.CharField(max_length=20)
    # Only when the site deliberately links the person's answers to their college record.
    learner = models.ForeignKey(
        "college.Learner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_respondents",
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="surveys_respondent_unique_code")
        ]

    def __str__(self) -> str:
        return f"Respondent {self.code}"


class Mode(models.TextChoices):
    PAPER = "paper", _("Paper, entered by staff")
    LINK = "link", _("One-time link")
    KIOSK = "kiosk", _("Kiosk")
    DEMO = "demo", _("Demonstration data")


class ResponseLink(PublicModel):
    """A one-time link to a questionnaire. Partial answers are kept until it is used or expires."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="survey_links")
    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="links")
    respondent = models.ForeignKey(
        Respondent, null=True, blank=True, on_delete=models.SET_NULL, related_name="links"
    )
    expires_at = models.DateTimeField()
    draft = models.JSONField(default=dict, blank=True)  # saved, unsubmitted answers
    saved_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]


class KioskSession(PublicModel):
    """A device at a ward or college reception showing a fresh blank form after each answer."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="survey_kiosks")
    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="kiosks")
    place = models.CharField(max_length=100)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]


class SurveyResponse(PublicModel):
    """One completed questionnaire, scored when it was stored."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="survey_responses")
    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="responses"
    )
    # Kept beside the version so results per instrument need no join.
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        Respondent, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    completed_on = models.DateField()
    mode = models.CharField(max_length=6, choices=Mode.choices)
    answers = models.JSONField()  # {link id: answer}
    score = models.FloatField(null=True, blank=True)
    subscale_scores = models.JSONField(default=dict, blank=True)
    band = models.CharField(max_length=200, blank=True)
    missing = models.PositiveSmallIntegerField(default=0)
    prorated = models.BooleanField(default=False)
    # The interface language the questionnaire was shown in ("en-gb", "cy"); blank when not known.
    language = models.CharField(max_length=10, blank=True)
    link = models.OneToOneField(
        ResponseLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    kiosk = models.ForeignKey(
        KioskSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["site", "instrument", "completed_on"])]

    def __str__(self) -> str:
        return f"Response {str(self.public_id)[:8]}"


class ScoreMeasure(TimestampedModel):
    """A score charted as a measure: its monthly means are copied into the measure's data."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="survey_score_measures")
    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="score_measures"
    )
    score_key = models.CharField(max_length=64)  # "total" or a subscale key
    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, related_name="survey_score")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "instrument", "score_key"], name="surveys_score_measure_once"
            )
        ]
