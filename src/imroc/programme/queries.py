"""Reads of programme data. Site-scoped reads take the site and go through it."""

from __future__ import annotations

from collections import Counter

from django.db.models import Avg, Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from imroc.programme.models import (
    Application,
    CategoryChange,
    LearningSet,
    LearningSetAttendance,
    LearningSetInvitation,
    MemberGroup,
    Organisation,
    PastRole,
    Programme,
    ProgrammeMembership,
    Resource,
    RoleInvitation,
    Site,
    SiteMembership,
    SupportEntry,
    Team,
)


def programme_by_id(programme_id: int) -> Programme:
    return Programme.objects.get(pk=programme_id)


def sites_for_user(user) -> QuerySet[Site]:
    return (
        Site.objects.filter(memberships__user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def programme_sites(programme: Programme) -> QuerySet[Site]:
    return (
        programme.sites.select_related("organisation")
        .annotate(team_count=Count("teams", distinct=True))
        .prefetch_related(
            Prefetch(
                "partner_organisations",
                queryset=Organisation.objects.prefetch_related("member_groups"),
            )
        )
        .order_by("organisation__name")
    )


def category_counts(sites) -> Counter:
    return Counter(site.category for site in sites)


def application_counts(programme: Programme) -> dict[str, int]:
    return programme.applications.aggregate(
        total=Count("id"), accepted=Count("id", filter=Q(status=Application.Status.ACCEPTED))
    )


def applications(programme: Programme) -> QuerySet[Application]:
    return programme.applications.select_related("organisation").order_by(
        "submitted_on", "organisation__name"
    )


# --- Site-scoped ---------------------------------------------------------------------------


def site_teams(site: Site) -> QuerySet[Team]:
    return site.teams.all()


def site_team(site: Site, slug: str) -> Team | None:
    return site.teams.filter(slug=slug).first()


def site_category_history(site: Site) -> QuerySet[CategoryChange]:
    return site.category_history.select_related("recorded_by")


def site_memberships(site: Site) -> QuerySet[SiteMembership]:
    return site.memberships.select_related("user").order_by("role", "user__username")


def site_partner_organisations(site: Site) -> QuerySet[Organisation]:
    return site.partner_organisations.prefetch_related(
        Prefetch("member_groups", queryset=MemberGroup.objects.order_by("id"))
    )


def site_membership(site: Site, user) -> SiteMembership | None:
    return site.memberships.filter(user=user).first()


# --- The learning network -----------------------------------------------------------------


def filtered_sites(
    programme: Programme, *, category: str = "", region: str = "", country: str = ""
) -> QuerySet[Site]:
    sites = programme.sites.select_related("organisation")
    if category:
        sites = sites.filter(category=category)
    if region:
        sites = sites.filter(organisation__region=region)
    if country:
        sites = sites.filter(organisation__country=country)
    return sites.order_by("organisation__name")


def regions_and_countries(programme: Programme) -> tuple[list[str], list[str]]:
    rows = programme.sites.values_list("organisation__region", "organisation__country").distinct()
    regions = sorted({r for r, _ in rows if r})
    countries = sorted({c for _, c in rows if c})
    return regions, countries


def application(programme: Programme, public_id) -> Application | None:
    return (
        programme.applications.select_related("organisation", "site")
        .filter(public_id=public_id)
        .first()
    )


def programme_site(programme: Programme, slug: str) -> Site | None:
    return programme.sites.select_related("organisation").filter(slug=slug).first()


def support_entries(site: Site):
    return site.support_entries.select_related("recorded_by")


def support_entry(site: Site, public_id) -> SupportEntry | None:
    return site.support_entries.filter(public_id=public_id).first()


def learning_sets(programme: Programme) -> QuerySet[LearningSet]:
    return (
        programme.learning_sets.prefetch_related("themes")
        .annotate(
            invited_count=Count("invitations", distinct=True),
            attendee_count=Count("attendance", distinct=True),
            attending_sites=Count("attendance__site", distinct=True),
        )
        .order_by("-starts_at")
    )


def learning_set(programme: Programme, public_id) -> LearningSet | None:
    return (
        programme.learning_sets.prefetch_related("themes", "facilitators")
        .filter(public_id=public_id)
        .first()
    )


def learning_set_detail(learning_set: LearningSet) -> dict:
    attendance = list(learning_set.attendance.select_related("site__organisation"))
    return {
        "invited": list(
            Site.objects.filter(learning_set_invitations__learning_set=learning_set)
            .select_related("organisation")
            .order_by("organisation__name")
        ),
        "attendance": attendance,
        # The sites that came, which may be fewer than (or, for a walk-in, not among) those invited.
        "sites_came": len({row.site_id for row in attendance}),
        "actions": list(learning_set.actions.select_related("site__organisation")),
        "evaluation": learning_set.evaluations.aggregate(
            n=Count("id"),
            useful=Avg("useful"),
            will_use=Avg("will_use"),
            voices_heard=Avg("voices_heard"),
        ),
        "comments": list(
            learning_set.evaluations.exclude(comments="").values_list("comments", flat=True)
        ),
    }


def attendance_record(learning_set: LearningSet, row: str) -> LearningSetAttendance | None:
    """One row of a learning set's attendance list, by the number the page gave it."""
    return learning_set.attendance.filter(pk=int(row)).first() if row.isdigit() else None


def site_learning_sets(site: Site) -> QuerySet[LearningSet]:
    return (
        LearningSet.objects.filter(invitations__site=site)
        .prefetch_related("themes")
        .annotate(our_attendees=Count("attendance", filter=Q(attendance__site=site), distinct=True))
        .order_by("-starts_at")
    )


def site_learning_set(site: Site, public_id) -> LearningSet | None:
    return (
        LearningSet.objects.filter(invitations__site=site, public_id=public_id)
        .prefetch_related("themes", "facilitators")
        .first()
    )


def attendance_by_site(programme: Programme, last: int = 4) -> list[dict]:
    """For each site: how many of the last few learning sets it was invited to and came to."""
    recent = list(
        programme.learning_sets.filter(cancelled=False, starts_at__lte=timezone.now())
        .order_by("-starts_at")
        .values_list("id", flat=True)[:last]
    )
    invited = Counter(
        LearningSetInvitation.objects.filter(learning_set_id__in=recent).values_list(
            "site_id", flat=True
        )
    )
    attended = Counter(
        dict(
            LearningSetAttendance.objects.filter(learning_set_id__in=recent)
            .values("site_id")
            .annotate(n=Count("learning_set", distinct=True))
            .values_list("site_id", "n")
        )
    )
    rows = []
    for site in programme.sites.select_related("organisation").order_by("organisation__name"):
        if invited[site.pk]:
            came = attended[site.pk]
            rows.append({"site": site, "invited": invited[site.pk], "attended": came,
                         "drifting": came * 2 < invited[site.pk]})  # fmt: skip
    return rows


def visible_resources(programme: Programme, *, site: Site | None) -> QuerySet[Resource]:
    """What a site (or, with site=None, the programme team) may see in the library."""
    visible = Q(visibility=Resource.Visibility.NETWORK)
    if site is None:
        visible |= Q(visibility=Resource.Visibility.PROGRAMME)
    else:
        visible |= Q(visibility=Resource.Visibility.SITE, site=site)
    return (
        programme.resources.filter(visible)
        .select_related("site__organisation")
        .prefetch_related("challenges")
    )


def search_resources(
    resources: QuerySet[Resource], *, q: str = "", challenge: str = "", kind: str = ""
) -> QuerySet[Resource]:
    if q:
        resources = resources.filter(Q(title__icontains=q) | Q(description__icontains=q))
    if challenge:
        resources = resources.filter(challenges__slug=challenge).distinct()
    if kind:
        resources = resources.filter(kind=kind)
    return resources


# --- People ---------------------------------------------------------------------------------

_ROLE_ORDER = Case(
    When(role="lead", then=Value(0)),
    When(role="admin", then=Value(0)),
    When(role="member", then=Value(1)),
    When(role="partner", then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def site_people(site: Site) -> QuerySet[SiteMembership]:
    """Everyone with a role at the site now: leads first, then by name."""
    return (
        site.memberships.select_related("user", "added_by")
        .annotate(role_order=_ROLE_ORDER)
        .order_by("role_order", "user__display_name", "user__username")
    )


def site_person(site: Site, person) -> SiteMembership | None:
    """A person's role at the site, found by the person's public id."""
    return site.memberships.select_related("user", "site").filter(user__public_id=person).first()


def site_past_roles(site: Site) -> QuerySet[PastRole]:
    return site.past_roles.select_related("user", "added_by", "ended_by")


def _open_invitations(qs: QuerySet[RoleInvitation]) -> QuerySet[RoleInvitation]:
    """Invitations nobody has used or withdrawn, expired ones included (they can be resent)."""
    return qs.filter(accepted_at__isnull=True, withdrawn_at__isnull=True).select_related(
        "invited_by", "site"
    )


def site_invitations(site: Site) -> QuerySet[RoleInvitation]:
    return _open_invitations(site.role_invitations.all())


def site_invitation(site: Site, public_id) -> RoleInvitation | None:
    return (
        site.role_invitations.select_related("site", "programme")
        .filter(public_id=public_id)
        .first()
    )


def programme_people(programme: Programme) -> QuerySet[ProgrammeMembership]:
    return (
        programme.memberships.select_related("user", "added_by")
        .annotate(role_order=_ROLE_ORDER)
        .order_by("role_order", "user__display_name", "user__username")
    )


def programme_person(programme: Programme, person) -> ProgrammeMembership | None:
    return (
        programme.memberships.select_related("user", "programme")
        .filter(user__public_id=person)
        .first()
    )


def programme_past_roles(programme: Programme) -> QuerySet[PastRole]:
    return programme.past_roles.filter(site__isnull=True).select_related(
        "user", "added_by", "ended_by"
    )


def programme_invitations(programme: Programme) -> QuerySet[RoleInvitation]:
    """Open invitations to programme roles, and to lead any of the programme's sites."""
    return _open_invitations(
        programme.role_invitations.filter(Q(site__isnull=True) | Q(role="lead"))
    ).select_related("site__organisation")


def programme_invitation(programme: Programme, public_id) -> RoleInvitation | None:
    return (
        programme.role_invitations.select_related("site", "programme")
        .filter(public_id=public_id)
        .first()
    )


def site_leads(programme: Programme) -> QuerySet[SiteMembership]:
    """Every site's leads, by site."""
    return (
        SiteMembership.objects.filter(site__programme=programme, role="lead")
        .select_related("user", "site__organisation")
        .order_by("site__organisation__name", "user__display_name", "user__username")
    )


def own_site_roles(user) -> QuerySet[SiteMembership]:
    return user.site_memberships.select_related("site__organisation").order_by(
        "site__organisation__name"
    )
