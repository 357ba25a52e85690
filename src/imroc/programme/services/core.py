"""Every write to programme data: transactional and audited."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from imroc.core import audit
from imroc.core.services import ServiceError, save_versioned
from imroc.programme.models import (
    Application,
    Category,
    CategoryChange,
    MemberGroup,
    Organisation,
    Programme,
    ProgrammeMembership,
    Site,
    SiteMembership,
    Team,
)

TEAM_FIELDS = ("name", "kind", "description", "staff_count")


def create_programme(
    *, name: str, slug: str, start_date: dt.date, description: str, actor
) -> Programme:
    with transaction.atomic():
        programme = Programme.objects.create(
            name=name, slug=slug, start_date=start_date, description=description
        )
        audit.record(
            actor, "programme.create", programme, after={"name": name, "start": start_date}
        )
    return programme


def create_organisation(
    *,
    name: str,
    org_type: str,
    country: str,
    actor,
    region: str = "",
    time_zone: str = "Europe/London",
    member_groups: list[tuple[str, int, bool]] = (),
) -> Organisation:
    with transaction.atomic():
        organisation = Organisation(
            name=name,
            slug=_unique_slug(Organisation.objects.all(), name),
            org_type=org_type,
            country=country,
            region=region,
            time_zone=time_zone,
        )
        organisation.full_clean()
        organisation.save()
        MemberGroup.objects.bulk_create(
            MemberGroup(organisation=organisation, group=group, count=count, is_minimum=minimum)
            for group, count, minimum in member_groups
        )
        audit.record(
            actor,
            "organisation.create",
            organisation,
            after={
                "name": name,
                "type": org_type,
                "country": country,
                "member_groups": [list(g) for g in member_groups],
            },
        )
    return organisation


def create_application(
    *,
    programme: Programme,
    organisation: Organisation,
    submitted_on: dt.date,
    contact_name: str,
    contact_email: str,
    motivation: str,
    actor,
    challenges: list[str] = (),
    current_position: str = "",
) -> Application:
    with transaction.atomic():
        earlier = programme.applications.filter(
            organisation__name__iexact=organisation.name
        ).first()
        if earlier is not None:
            raise ServiceError(
                _("%(organisation)s already applied on %(date)s. Open that application instead.")
                % {
                    "organisation": organisation.name,
                    "date": date_format(earlier.submitted_on, "d F Y"),
                },
                "name",
            )
        application = Application.objects.create(
            programme=programme,
            organisation=organisation,
            submitted_on=submitted_on,
            contact_name=contact_name,
            contact_email=contact_email,
            motivation=motivation,
            challenges=list(challenges),
            current_position=current_position,
        )
        audit.record(actor, "application.submit", application, after={"submitted_on": submitted_on})
    return application


def decline_application(
    application: Application, *, on: dt.date, reason: str, actor
) -> Application:
    with transaction.atomic():
        application = _decide(application, Application.Status.DECLINED, "", on, reason, actor)
    return application


def accept_application(
    application: Application, *, category: str, on: dt.date, reason: str, actor
) -> Site:
    """Accept an application into a category, which creates the organisation's site."""
    with transaction.atomic():
        application = _decide(application, Application.Status.ACCEPTED, category, on, reason, actor)
        site = create_site(
            programme=application.programme,
            organisation=application.organisation,
            category=category,
            joined_on=on,
            reason=reason,
            actor=actor,
        )
        application.site = site
        application.save(update_fields=["site", "updated_at"])
        return site


def _decide(application, status, category, on, reason, actor) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.SUBMITTED:
        raise ServiceError(_("This application has already been decided."))
    before = audit.snapshot(application, ["status", "category"])
    application.status = status
    application.category = category
    application.decided_on = on
    application.decision_reason = reason
    application.save(
        update_fields=["status", "category", "decided_on", "decision_reason", "updated_at"]
    )
    audit.record(
        actor,
        f"application.{status}",
        application,
        before=before,
        after={"status": status, "category": category, "reason": reason},
    )
    return application


def create_site(
    *,
    programme: Programme,
    organisation: Organisation,
    category: str,
    joined_on: dt.date,
    actor,
    reason: str = "",
    slug: str | None = None,
) -> Site:
    if category not in Category.values:
        raise ServiceError(
            _("'%(category)s' is not a site category.") % {"category": category}, "category"
        )
    with transaction.atomic():
        site = Site.objects.create(
            programme=programme,
            organisation=organisation,
            slug=slug or _unique_slug(Site.objects.all(), organisation.name, "site"),
            category=category,
            joined_on=joined_on,
        )
        CategoryChange.objects.create(
            site=site, category=category, effective_from=joined_on, reason=reason
        )
        audit.record(
            actor,
            "site.create",
            site,
            site=site,
            after={"category": category, "joined_on": joined_on},
        )
    return site


def change_category(
    site: Site, *, category: str, effective_from: dt.date, reason: str, actor
) -> CategoryChange:
    """Move a site to another category from a date, keeping the dated history."""
    if category not in Category.values:
        raise ServiceError(
            _("'%(category)s' is not a site category.") % {"category": category}, "category"
        )
    with transaction.atomic():
        latest = site.category_history.order_by("-effective_from", "-id").first()
        if latest and effective_from < latest.effective_from:
            raise ServiceError(
                _("The change must start on or after %(date)s, the start of the current category.")
                % {"date": date_format(latest.effective_from, "d F Y")},
                "effective_from",
            )
        change = CategoryChange.objects.create(
            site=site,
            category=category,
            effective_from=effective_from,
            reason=reason,
            recorded_by=audit.user_of(actor),
        )
        before = {"category": site.category}
        site.category = category
        site.save(update_fields=["category", "updated_at"])
        audit.record(
            actor,
            "site.category",
            site,
            site=site,
            before=before,
            after={"category": category, "from": effective_from, "reason": reason},
        )
    return change


def add_partner_organisation(site: Site, organisation: Organisation, *, actor) -> None:
    with transaction.atomic():
        site.partner_organisations.add(organisation)
        audit.record(
            actor, "site.partner_add", site, site=site, after={"partner": organisation.name}
        )


def set_site_role(site: Site, user, *, role: str, stakeholder_group: str, actor) -> SiteMembership:
    with transaction.atomic():
        membership, created = SiteMembership.objects.select_for_update().get_or_create(
            user=user, site=site, defaults={"role": role, "stakeholder_group": stakeholder_group}
        )
        before = None if created else audit.snapshot(membership, ["role", "stakeholder_group"])
        if not created:
            membership.role = role
            membership.stakeholder_group = stakeholder_group
            membership.save(update_fields=["role", "stakeholder_group", "updated_at"])
        audit.record(
            actor,
            "membership.set",
            membership,
            site=site,
            before=before,
            after={"user": user.username, "role": role, "group": stakeholder_group},
            object_repr=f"{user.username} at {site.slug}",
        )
    return membership


def set_programme_role(programme: Programme, user, *, role: str, actor) -> ProgrammeMembership:
    with transaction.atomic():
        membership, _ = ProgrammeMembership.objects.update_or_create(
            user=user, programme=programme, defaults={"role": role}
        )
        audit.record(
            actor,
            "programme_membership.set",
            membership,
            after={"user": user.username, "role": role},
            object_repr=f"{user.username} in {programme.slug}",
        )
    return membership


def _unique_slug(existing, name: str, fallback: str = "item") -> str:
    """A slug from a name that no row of ``existing`` has yet."""
    base = slugify(name)[:70] or fallback
    taken = set(existing.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_team(site: Site, *, actor, **fields) -> Team:
    with transaction.atomic():
        if site.teams.filter(name__iexact=fields["name"]).exists():
            raise ServiceError(_("This site already has a team with that name."), "name")
        team = Team(
            site=site, slug=_unique_slug(site.teams.all(), fields["name"], "team"), **fields
        )
        team.save()
        audit.record(actor, "team.create", team, site=site, after=audit.snapshot(team, TEAM_FIELDS))
    return team


def update_team(team: Team, *, actor, expected_version: int, **fields) -> Team:
    """Save a team's edits, refusing them if someone else saved the team in the meantime."""
    try:
        with transaction.atomic():
            if team.site.teams.filter(name__iexact=fields["name"]).exclude(pk=team.pk).exists():
                raise ServiceError(_("This site already has a team with that name."), "name")
            before = audit.snapshot(Team.objects.get(pk=team.pk), TEAM_FIELDS)
            for name, value in fields.items():
                setattr(team, name, value)
            save_versioned(team, expected_version, list(fields))
            audit.record(
                actor,
                "team.update",
                team,
                site=team.site,
                before=before,
                after=audit.snapshot(team, TEAM_FIELDS),
            )
    except IntegrityError:
        raise ServiceError(_("This site already has a team with that name."), "name") from None
    return team
