"""Writes for the learning network: invitations of new leads, support logs, learning sets, resources."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from imroc.core import audit
from imroc.core.services import ServiceError
from imroc.core.uploads import UploadError, check_upload
from imroc.programme.models import (
    Application,
    Category,
    LearningSet,
    LearningSetAction,
    LearningSetAttendance,
    LearningSetEvaluation,
    LearningSetFacilitator,
    LearningSetInvitation,
    Programme,
    Resource,
    Site,
    SiteRole,
    StakeholderGroup,
    SupportEntry,
)
from imroc.programme.services.core import (
    accept_application,
    create_application,
    create_organisation,
)

__all__ = [
    "accept_and_invite",
    "add_learning_set_action",
    "add_support_entry",
    "cancel_learning_set",
    "evaluate_learning_set",
    "invite_site_lead",
    "mark_followed_up",
    "record_application",
    "record_learning_set_attendance",
    "remove_learning_set_attendance",
    "schedule_learning_set",
    "set_benchmark_naming",
    "share_resource",
]


def invite_site_lead(site: Site, *, name: str, email: str, actor, base_url: str):
    """Invite a new site's lead by email. The role is theirs once they accept."""
    from imroc.programme.services import people

    return people.invite(
        site.programme,
        site=site,
        role=SiteRole.LEAD,
        stakeholder_group=StakeholderGroup.MANAGER,
        name=name,
        email=email,
        actor=actor,
        base_url=base_url,
    )


def record_application(
    programme: Programme, *, actor, name: str, org_type: str, country: str, region: str, **fields
) -> Application:
    """Record an organisation's application, creating the organisation with it."""
    with transaction.atomic():
        earlier = programme.applications.filter(organisation__name__iexact=name).first()
        if earlier is not None:
            raise ServiceError(
                _("%(organisation)s already applied on %(date)s. Open that application instead.")
                % {
                    "organisation": earlier.organisation.name,
                    "date": date_format(earlier.submitted_on, "d F Y"),
                },
                "name",
            )
        organisation = create_organisation(
            name=name, org_type=org_type, country=country, region=region, actor=actor
        )
        return create_application(
            programme=programme, organisation=organisation, actor=actor, **fields
        )


def accept_and_invite(
    application: Application, *, actor, base_url: str, category: str, joined_on, reason: str,
    lead_name: str, lead_email: str,
) -> Site:  # fmt: skip
    """Accept an application into a category, create the site and invite its lead, all or nothing."""
    with transaction.atomic():
        site = accept_application(
            application, category=category, on=joined_on, reason=reason, actor=actor
        )
        invite_site_lead(site, name=lead_name, email=lead_email, actor=actor, base_url=base_url)
    return site


def add_support_entry(site: Site, *, actor, **fields) -> SupportEntry:
    if fields.get("follow_up_on") and fields["follow_up_on"] < fields["happened_on"]:
        raise ServiceError(
            _("The follow-up must be on or after the day of the contact."), "follow_up_on"
        )
    with transaction.atomic():
        entry = SupportEntry.objects.create(site=site, recorded_by=audit.user_of(actor), **fields)
        audit.record(actor, "support.add", entry, site=site, after=fields)
    return entry


def mark_followed_up(entry: SupportEntry, *, actor) -> SupportEntry:
    with transaction.atomic():
        entry.followed_up = True
        entry.save(update_fields=["followed_up", "updated_at"])
        audit.record(actor, "support.followed_up", entry, site=entry.site, before={"followed_up": False},
                     after={"followed_up": True})  # fmt: skip
    return entry


def schedule_learning_set(
    programme: Programme, *, actor, themes, facilitators: list[tuple[str, bool]],
    invited_categories: list[str], allow_past: bool = False, **fields,
) -> LearningSet:  # fmt: skip
    """Schedule a learning set and invite every site in the chosen categories."""
    if not allow_past and fields["starts_at"] < timezone.now():
        raise ServiceError(_("A new learning set must start in the future."), "starts_at")
    if fields["ends_at"] <= fields["starts_at"]:
        raise ServiceError(_("The learning set must end after it starts."), "ends_at")
    if not fields.get("place") and not fields.get("online_link"):
        raise ServiceError(_("Give a place, an online link, or both."), "place")
    unknown = set(invited_categories) - set(Category.values)
    if not invited_categories or unknown:
        raise ServiceError(_("Choose which categories of site to invite."), "invited_categories")
    with transaction.atomic():
        learning_set = LearningSet.objects.create(
            programme=programme, invited_categories=list(invited_categories), **fields
        )
        learning_set.themes.set(themes)
        LearningSetFacilitator.objects.bulk_create(
            LearningSetFacilitator(learning_set=learning_set, name=name, lived_experience=lived)
            for name, lived in facilitators
        )
        sites = programme.sites.filter(category__in=invited_categories)
        LearningSetInvitation.objects.bulk_create(
            LearningSetInvitation(learning_set=learning_set, site=site) for site in sites
        )
        audit.record(
            actor, "learning_set.schedule", learning_set,
            after={**fields, "themes": [t.slug for t in themes], "invited": list(invited_categories),
                   "facilitators": [list(f) for f in facilitators], "invitations": sites.count()},
        )  # fmt: skip
    return learning_set


def cancel_learning_set(learning_set: LearningSet, *, actor) -> None:
    with transaction.atomic():
        learning_set.cancelled = True
        learning_set.save(update_fields=["cancelled", "updated_at"])
        audit.record(
            actor,
            "learning_set.cancel",
            learning_set,
            before={"cancelled": False},
            after={"cancelled": True},
        )


def _invited(learning_set: LearningSet, site: Site) -> None:
    if not learning_set.invitations.filter(site=site).exists():
        raise ServiceError(
            _("%(site)s was not invited to this learning set.") % {"site": site.name}, "site"
        )


def record_learning_set_attendance(
    learning_set: LearningSet, *, site: Site, person: str, stakeholder_group: str, actor
) -> LearningSetAttendance:
    _invited(learning_set, site)
    if learning_set.starts_at > timezone.now():
        raise ServiceError(
            _("Attendance can be recorded once the learning set has started."), "person"
        )
    with transaction.atomic():
        if learning_set.attendance.filter(site=site, person__iexact=person).exists():
            raise ServiceError(
                _("%(person)s from %(site)s is already on the list.")
                % {"person": person, "site": site.name},
                "person",
            )
        row = LearningSetAttendance.objects.create(
            learning_set=learning_set, site=site, person=person, stakeholder_group=stakeholder_group
        )
        audit.record(actor, "learning_set.attend", learning_set, site=site,
                     after={"person": person, "group": stakeholder_group})  # fmt: skip
    return row


def remove_learning_set_attendance(row: LearningSetAttendance, *, actor) -> None:
    with transaction.atomic():
        audit.record(actor, "learning_set.unattend", row.learning_set, site=row.site,
                     before={"person": row.person, "group": row.stakeholder_group})  # fmt: skip
        row.delete()


def add_learning_set_action(
    learning_set: LearningSet, *, site: Site, text: str, actor
) -> LearningSetAction:
    _invited(learning_set, site)
    with transaction.atomic():
        action = LearningSetAction.objects.create(learning_set=learning_set, site=site, text=text)
        audit.record(actor, "learning_set.action", learning_set, site=site, after={"text": text})
    return action


def evaluate_learning_set(
    learning_set: LearningSet, *, site: Site, actor, **answers
) -> LearningSetEvaluation:
    """An anonymous evaluation. The audit log records that the person answered, not what."""
    _invited(learning_set, site)
    with transaction.atomic():
        already = learning_set.evaluation_receipts.filter(user=actor).exists()
        if already:
            raise ServiceError(_("You have already evaluated this learning set. Thank you."))
        evaluation = LearningSetEvaluation.objects.create(learning_set=learning_set, **answers)
        learning_set.evaluation_receipts.create(user=actor)
        audit.record(
            actor, "learning_set.evaluate", learning_set, site=site, after={"answered": True}
        )
    return evaluation


def share_resource(
    programme: Programme, *, site: Site | None, actor, upload=None, challenges=(), **fields
) -> Resource:
    """Share a document or link. Files are checked by content and stored under a random name."""
    if fields.get("visibility") == Resource.Visibility.SITE and site is None:
        raise ServiceError(_("Only a site can share a resource with itself alone."), "visibility")
    if fields.get("kind") == Resource.Kind.LINK and not fields.get("url"):
        raise ServiceError(_("Give the web address of the link."), "url")
    if fields.get("kind") != Resource.Kind.LINK and upload is None and not fields.get("url"):
        raise ServiceError(_("Choose a file to share, or give a web address."), "file")
    stored = {}
    if upload is not None:
        content = upload.read()
        try:
            kind, safe_name = check_upload(content, upload.name)
        except UploadError as error:
            raise ServiceError(str(error), "file") from None
        stored = {"file_name": safe_name, "content_type": kind.content_type, "size": len(content)}
    with transaction.atomic():
        resource = Resource(
            programme=programme, site=site, shared_by=audit.user_of(actor), **fields, **stored
        )
        if upload is not None:
            resource.file.save(safe_name, ContentFile(content), save=False)
        resource.save()
        resource.challenges.set(challenges)
        audit.record(
            actor, "resource.share", resource, site=site,
            after={**fields, **stored, "challenges": [c.slug for c in challenges]},
        )  # fmt: skip
    return resource


def set_benchmark_naming(site: Site, *, named: bool, actor) -> Site:
    """A site chooses whether other sites see its name in benchmarks."""
    with transaction.atomic():
        before = {"named_in_benchmarks": site.named_in_benchmarks}
        site.named_in_benchmarks = named
        site.save(update_fields=["named_in_benchmarks", "updated_at"])
        audit.record(actor, "site.benchmark_naming", site, site=site, before=before,
                     after={"named_in_benchmarks": named})  # fmt: skip
    return site
