"""The people of a programme over time: invitations to a role, and roles that have ended.

A person's current roles are SiteMembership and ProgrammeMembership rows; access is read
from those alone. When a role ends, its row moves here as a PastRole, so access stops at
once while the record of who held which role, and when, stays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imroc.core.models import PublicModel, TimestampedModel
from imroc.programme.models.core import (
    Programme,
    ProgrammeRole,
    Site,
    SiteRole,
    StakeholderGroup,
)


def role_label(role: str, at_site: bool) -> str:
    """A role's name in the current language: a site role at a site, else a programme role."""
    choices = SiteRole if at_site else ProgrammeRole
    return str(choices(role).label) if role in choices.values else role


class InvitationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class RoleInvitation(PublicModel):
    """An emailed, single-use link that gives a person a role at a site or in the programme.

    Only a hash of the link's secret is stored. Resending makes a new secret, so an earlier
    link stops working.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="role_invitations"
    )
    # Empty for a programme role (admin or viewer).
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="role_invitations"
    )
    role = models.CharField(max_length=10)  # a SiteRole at a site, else a ProgrammeRole
    stakeholder_group = models.CharField(
        max_length=20, choices=StakeholderGroup.choices, blank=True
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["email"], name="role_invitation_email")]

    def __str__(self) -> str:
        return f"Invitation for {self.name}"

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.withdrawn_at is not None:
            return InvitationStatus.WITHDRAWN
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.WAITING

    def get_status_display(self) -> str:
        return str(InvitationStatus(self.status).label)

    def get_role_label(self) -> str:
        return role_label(self.role, self.site_id is not None)


class PastRole(TimestampedModel):
    """A role that has ended: who held it, from when, who gave it, and why it ended."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="past_roles"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="past_roles")
    # Empty for a programme role.
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="past_roles"
    )
    role = models.CharField(max_length=10)
    stakeholder_group = models.CharField(
        max_length=20, choices=StakeholderGroup.choices, blank=True
    )
    started_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_on = models.DateField()
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField()

    class Meta:
        ordering = ["-ended_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.user}'s past role"

    def get_role_label(self) -> str:
        return role_label(self.role, self.site_id is not None)
