"""The programme, the organisations in it, their sites and teams, and who may do what."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from imroc.core.models import PublicModel, TimestampedModel, VersionedModel


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("'%(value)s' is not a time zone name, such as Europe/London."),
            params={"value": value},
        )


class Programme(PublicModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    start_date = models.DateField()
    description = models.TextField(blank=True)
    framework_key = models.SlugField(max_length=50, default="imroc")

    def __str__(self) -> str:
        return self.name


class Organisation(PublicModel):
    class Type(models.TextChoices):
        NHS_TRUST = "nhs_trust", _("NHS trust")
        INDEPENDENT = "independent", _("Independent provider")
        USER_LED = "user_led", _("User-led organisation")
        COMMUNITY_TEAM = "community_team", _("Community team")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    org_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    country = CountryField()
    region = models.CharField(max_length=100, blank=True)
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MemberGroup(models.Model):
    """How many people of one kind belong to an organisation, such as a user-led group."""

    class Group(models.TextChoices):
        SERVICE_USERS = "service_users", _("Service users")
        CARERS = "carers", _("Carers")
        PROFESSIONALS = "professionals", _("Professionals")
        WELL_WISHERS = "well_wishers", _("Well-wishers")
        ONLINE = "online_members", _("Online members")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="member_groups"
    )
    group = models.CharField(max_length=20, choices=Group.choices)
    count = models.PositiveIntegerField()
    is_minimum = models.BooleanField(
        default=False, help_text=_("Tick when the number is a lower bound, as in 'more than 300'.")
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "group"], name="member_group_unique")
        ]

    def __str__(self) -> str:
        group = self.get_group_display().lower()
        if self.is_minimum:
            return gettext("more than %(count)d %(group)s") % {"count": self.count, "group": group}
        return f"{self.count} {group}"


class Category(models.TextChoices):
    DEMONSTRATION = "demonstration", _("Demonstration site")
    PILOT = "pilot", _("Pilot site")
    NETWORK = "network", _("Network site")
    PARTNER = "partner", _("International partner")


# The categories in the plural, for headings over a list of sites of each category.
CATEGORY_PLURAL_LABELS = {
    Category.DEMONSTRATION: _("Demonstration sites"),
    Category.PILOT: _("Pilot sites"),
    Category.NETWORK: _("Network sites"),
    Category.PARTNER: _("International partners"),
}


class Site(PublicModel):
    """An organisation taking part in a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="sites")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sites")
    slug = models.SlugField(max_length=80, unique=True)
    # The latest entry of the dated category history, kept here by the services that add one.
    category = models.CharField(max_length=20, choices=Category.choices)
    joined_on = models.DateField()
    partner_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_sites"
    )
    named_in_benchmarks = models.BooleanField(
        default=False,
        help_text=_("Other sites see this site's name in benchmarks, not an anonymous label."),
    )

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation"], name="site_one_per_programme"
            )
        ]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name


class CategoryChange(TimestampedModel):
    """A dated entry in a site's category history."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="category_history")
    category = models.CharField(max_length=20, choices=Category.choices)
    effective_from = models.DateField()
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["effective_from", "id"]

    def __str__(self) -> str:
        return (
            f"{self.site} became a {self.get_category_display().lower()} on {self.effective_from}"
        )


class Team(VersionedModel):
    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Community mental health")
        EARLY_INTERVENTION = "early_intervention", _("Early intervention")
        CRISIS = "crisis", _("Crisis and home treatment")
        INPATIENT = "inpatient", _("Inpatient ward")
        REHABILITATION = "rehabilitation", _("Rehabilitation and recovery")
        OTHER = "other", _("Other")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.COMMUNITY)
    description = models.TextField(blank=True, max_length=2000)
    staff_count = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("How many staff work in the team, if known.")
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "slug"], name="team_unique_slug"),
            models.UniqueConstraint(fields=["site", "name"], name="team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Application(PublicModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="applications"
    )
    submitted_on = models.DateField()
    contact_name = models.CharField(max_length=150)
    contact_email = models.EmailField()
    motivation = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    # Challenge slugs, so an application outlives framework versions.
    challenges = models.JSONField(default=list, blank=True)
    current_position = models.TextField(blank=True)
    site = models.OneToOneField(
        "Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="application"
    )

    class Meta:
        ordering = ["submitted_on", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation"], name="application_one_per_programme"
            )
        ]

    def __str__(self) -> str:
        return f"Application from {self.organisation}"


class SiteRole(models.TextChoices):
    LEAD = "lead", _("Site lead")
    MEMBER = "member", _("Site member")
    PARTNER = "partner", _("Lived-experience partner")
    VIEWER = "viewer", _("Site viewer")


class StakeholderGroup(models.TextChoices):
    STAFF = "staff", _("Staff")
    MANAGER = "manager", _("Manager")
    SERVICE_USER = "service_user", _("Service user")
    CARER = "carer", _("Carer")
    COMMISSIONER = "commissioner", _("Commissioner or partner")


class SiteMembership(TimestampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="site_memberships"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=SiteRole.choices)
    stakeholder_group = models.CharField(
        max_length=20, choices=StakeholderGroup.choices, default=StakeholderGroup.STAFF
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who gave this role: the person who sent the invitation, or who added it.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["site", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "site"], name="membership_one_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.get_role_display().lower()} at {self.site}"


class ProgrammeRole(models.TextChoices):
    ADMIN = "admin", _("Programme admin")
    VIEWER = "viewer", _("Programme viewer")


class ProgrammeMembership(TimestampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_memberships"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=ProgrammeRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme"], name="programme_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.get_role_display().lower()} of {self.programme}"
