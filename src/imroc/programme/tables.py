"""Programme and site network lists as downloadable tables (CSV / Excel)."""

from __future__ import annotations

from imroc.core.tables import Table, col


def _themes(learning_set) -> str:
    return "; ".join(c.short_title for c in learning_set.themes.all())


def teams_table(site, teams) -> Table:
    return Table(f"Teams – {site.name}", [
        col("Team", "name"),
        col("Kind", "get_kind_display"),
        col("Staff", "staff_count"),
        col("Slug", "slug"),
    ], teams, name="teams")  # fmt: skip


def applications_table(applications) -> Table:
    return Table("Applications", [
        col("Organisation", "organisation.name"),
        col("Applied", "submitted_on"),
        col("Decision", "get_status_display"),
        col("Decided on", "decided_on"),
        col("Category", "get_category_display"),
        col("Id", "public_id"),
    ], applications, name="applications")  # fmt: skip


def learning_sets_table(sets) -> Table:
    return Table("Learning sets", [
        col("Learning set", "title"),
        col("Starts", "starts_at"),
        col("Ends", "ends_at"),
        col("Themes", _themes),
        col("Sites invited", "invited_count"),
        col("Sites came", "attending_sites"),
        col("People", "attendee_count"),
        col("Cancelled", "cancelled"),
        col("Id", "public_id"),
    ], sets, name="learning-sets")  # fmt: skip


def site_learning_sets_table(site, sets) -> Table:
    return Table(f"Learning sets – {site.name}", [
        col("Learning set", "title"),
        col("Starts", "starts_at"),
        col("Ends", "ends_at"),
        col("Themes", _themes),
        col("Our people there", "our_attendees"),
        col("Cancelled", "cancelled"),
        col("Id", "public_id"),
    ], sets, name="learning-sets")  # fmt: skip


def resources_table(resources) -> Table:
    return Table("Library", [
        col("Title", "title"),
        col("Kind", "get_kind_display"),
        col("Shared by", lambda r: r.site.name if r.site else "The programme team"),
        col("Shared on", lambda r: r.created_at.date()),
        col("Who can see it", "get_visibility_display"),
        col("Description", "description"),
        col("Link", "url"),
        col("File", "file_name"),
        col("Challenges", lambda r: "; ".join(c.short_title for c in r.challenges.all())),
        col("Id", "public_id"),
    ], resources, name="library")  # fmt: skip


def sites_table(programme, sites) -> Table:
    return Table(
        f"Sites – {programme.name}",
        [
            col("Site", "name"),
            col("Category", "get_category_display"),
            col("Type", lambda s: s.organisation.get_org_type_display()),
            col("Region", "organisation.region"),
            col("Country", lambda s: s.organisation.country.name),
            col("Joined", "joined_on"),
            col("Teams", "team_count"),
            col(
                "Partner organisations",
                lambda s: "; ".join(p.name for p in s.partner_organisations.all()),
            ),
            col("Slug", "slug"),
        ],
        sites,
        name="sites",
    )


def learning_set_attendance_table(learning_set, attendance) -> Table:
    """Who came to a learning set, as its page lists them: site, person, how they take part."""
    return Table(f"Attendance – {learning_set.title}", [
        col("Site", "site.name"),
        col("Person", "person"),
        col("Takes part as", "get_stakeholder_group_display"),
    ], attendance, name="learning-set-attendance")  # fmt: skip


def people_table(where: str, people, past, *, emails: bool) -> Table:
    """Everyone who has or had a role, one row a role. Emails only for those who manage people."""
    from django.utils import timezone, translation

    from imroc.programme.services.people import role_label

    def row(holder, *, since, ended=None, reason=""):
        with translation.override("en"):
            has_group = getattr(holder, "stakeholder_group", "")
            group = holder.get_stakeholder_group_display() if has_group else ""
            role = role_label(holder.role, getattr(holder, "site", None))
        return {
            "user": holder.user,
            "role": role,
            "group": group,
            "since": timezone.localdate(since),
            "ended": ended,
            "reason": reason,
            "added_by": holder.added_by,
        }

    rows = [row(m, since=m.created_at) for m in people]
    rows += [row(p, since=p.started_at, ended=p.ended_on, reason=p.reason) for p in past]
    columns = [col("Name", lambda r: str(r["user"])), col("Username", lambda r: r["user"].username)]
    if emails:
        columns.append(col("Email", lambda r: r["user"].email))
    columns += [
        col("Role", "role"),
        col("Group", "group"),
        col("Since", "since"),
        col("Ended", "ended"),
        col("Why it ended", "reason"),
        col("Added by", lambda r: str(r["added_by"]) if r["added_by"] else ""),
    ]
    return Table(f"People – {where}", columns, rows, name="people")
