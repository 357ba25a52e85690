"""Measures: definitions (per site, or shared by the programme), data points with their
corrections, rebases, annotations, links to PDSA cycles, and imports waiting for a commit."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from imroc.core.models import PublicModel, TimestampedModel, VersionedModel
from imroc.framework.models import Challenge
from imroc.improvement.models import Goal, PdsaCycle
from imroc.programme.models import Programme, Site, Team


class Kind(models.TextChoices):
    OUTCOME = "outcome", _("Outcome: what matters to people")
    PROCESS = "process", _("Process: are we doing what we planned")
    BALANCING = "balancing", _("Balancing: are we causing problems elsewhere")


class DataType(models.TextChoices):
    CONTINUOUS = "continuous", _("A number (for example a score or a waiting time)")
    PROPORTION = "proportion", _("A share: how many out of how many")
    RATE = "rate", _("A rate: how many per amount of exposure (for example per 1,000 bed days)")
    COUNT = "count", _("A count of events")
    BETWEEN = "between", _("Days or cases between rare events")


class ChartType(models.TextChoices):
    XMR = "xmr", _("XmR chart (individuals and moving range)")
    P = "p", _("p chart (proportions)")
    U = "u", _("u chart (rates)")
    C = "c", _("c chart (counts)")
    G = "g", _("g chart (cases between events)")
    T = "t", _("t chart (time between events)")


DEFAULT_CHART = {
    DataType.CONTINUOUS: ChartType.XMR,
    DataType.PROPORTION: ChartType.P,
    DataType.RATE: ChartType.U,
    DataType.COUNT: ChartType.C,
    DataType.BETWEEN: ChartType.G,
}
# The charts that suit each kind of data; XmR suits them all.
ALLOWED_CHARTS = {
    DataType.CONTINUOUS: (ChartType.XMR,),
    DataType.PROPORTION: (ChartType.P, ChartType.XMR),
    DataType.RATE: (ChartType.U, ChartType.XMR),
    DataType.COUNT: (ChartType.C, ChartType.XMR),
    DataType.BETWEEN: (ChartType.G, ChartType.T, ChartType.XMR),
}
# Data types entered as a numerator over a denominator.
FRACTION_TYPES = (DataType.PROPORTION, DataType.RATE)


class Direction(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")
    NEUTRAL = "neutral", _("Neither: we watch for change either way")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class MeasureDefinition(VersionedModel):
    """What a measure is and how it is charted: shared by site and programme measures."""

    name = models.CharField(max_length=200)
    definition = models.TextField(max_length=4000)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OUTCOME)
    unit = models.CharField(max_length=60, blank=True)
    data_type = models.CharField(
        max_length=12, choices=DataType.choices, default=DataType.CONTINUOUS
    )
    chart_type = models.CharField(max_length=3, choices=ChartType.choices, default=ChartType.XMR)
    improvement = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.MONTHLY)
    week_starts_on = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.MONDAY
    )
    rate_per = models.PositiveIntegerField(
        default=1, help_text=_("Rates are shown per this much exposure, for example 1000.")
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def is_fraction(self) -> bool:
        return self.data_type in FRACTION_TYPES

    @property
    def display_scale(self) -> float:
        """Stored values are multiplied by this to show them (percentages, rates per N)."""
        if self.data_type == DataType.PROPORTION:
            return 100.0
        if self.data_type == DataType.RATE:
            return float(self.rate_per)
        return 1.0

    @property
    def display_unit(self) -> str:
        if self.data_type == DataType.PROPORTION:
            return "%"
        if self.data_type == DataType.RATE and self.rate_per != 1:
            return f"per {self.rate_per:,}" + (f" {self.unit}" if self.unit else "")
        return self.unit

    def period_of(self, day: dt.date) -> dt.date:
        """The start of the period that contains a day."""
        if self.frequency == Frequency.MONTHLY:
            return day.replace(day=1)
        return day - dt.timedelta(days=(day.weekday() - self.week_starts_on) % 7)

    def next_period(self, period: dt.date) -> dt.date:
        if self.frequency == Frequency.MONTHLY:
            return (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return period + dt.timedelta(days=7)


class ProgrammeMeasure(MeasureDefinition):
    """A measure every site reports in the same way, defined once by the programme team."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="shared_measures"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="programme_measure_unique_name"
            )
        ]


class Measure(MeasureDefinition):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="measures")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="measures"
    )
    shared = models.ForeignKey(
        ProgrammeMeasure,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    target = models.FloatField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_measures",
    )
    challenge = models.ForeignKey(
        Challenge, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    goals = models.ManyToManyField(Goal, blank=True, related_name="linked_measures")
    cycles = models.ManyToManyField(
        PdsaCycle, through="MeasureCycleLink", blank=True, related_name="linked_measures"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="measure_unique_name"),
            models.UniqueConstraint(
                fields=["site", "shared"],
                condition=models.Q(shared__isnull=False),
                name="measure_adopt_once",
            ),
        ]


class DataPoint(TimestampedModel):
    """One period's value. Corrections keep the old values as revisions."""

    class Source(models.TextChoices):
        FORM = "form", _("Entered in the form")
        IMPORT = "import", _("Imported")
        DEMO = "demo", _("Demonstration data")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="points")
    period = models.DateField()
    # For proportions and rates: numerator and denominator; value is their ratio.
    value = models.FloatField()
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    revision = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.FORM)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["measure", "period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="point_one_per_period")
        ]
        # Covers measures_stamp(): a site's latest change, read from the index alone.
        indexes = [models.Index(fields=["measure", "updated_at"], name="point_measure_updated")]

    def __str__(self) -> str:
        return f"{self.measure} {self.period}"


class DataPointRevision(TimestampedModel):
    """The values a data point had before a correction."""

    point = models.ForeignKey(DataPoint, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()
    value = models.FloatField()
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=8, choices=DataPoint.Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["point", "-revision"]


class Rebase(PublicModel):
    """A new baseline from this period on: the process changed, so limits start again."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="rebases")
    period = models.DateField()
    reason = models.TextField(max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="rebase_one_per_period")
        ]


class Annotation(PublicModel):
    """A dated note on a chart, such as 'new staff rota started'."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="annotations")
    on = models.DateField()
    text = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["on", "id"]


class MeasureCycleLink(TimestampedModel):
    """A PDSA cycle whose change this measure should show (improvement cannot import us)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="cycle_links")
    cycle = models.ForeignKey(PdsaCycle, on_delete=models.CASCADE, related_name="measure_links")

    class Meta:
        ordering = ["cycle__starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "cycle"], name="measure_cycle_once")
        ]


class MeasureImport(TimestampedModel):
    """A parsed, validated upload kept on the server between preview and commit."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting to be committed")
        COMMITTED = "committed", _("Committed")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="imports")
    token = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200, blank=True)
    # [{"line": 2, "period": "2021-01-01", "value": 1.0, "numerator": null, ...}]
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)  # [{"line": 3, "message": "..."}]
    # What the data meant when it was checked; a commit after these change is refused.
    definition = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
