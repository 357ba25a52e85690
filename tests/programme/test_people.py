"""People and roles: invitations, accepting, changing and ending roles, the programme team.

Every flow is tried as the people who use it, with an outsider from another site, and with
the bad input a real programme meets: wrong emails, old links, two leads at once, the last
lead leaving.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from imroc.api import services as token_services
from imroc.core.audit import SystemActor
from imroc.core.models import AuditEvent
from imroc.programme.models import (
    PastRole,
    Programme,
    ProgrammeMembership,
    RoleInvitation,
    SiteMembership,
)
from imroc.programme.services import people
from tests.improvement.factories import GoalFactory
from tests.programme.factories import UserFactory

PASSWORD = "kingfisher-reed-morning"


def _link(message) -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body).group(1)


def _invite(client, site, django_capture_on_commit_callbacks, **fields):
    data = {
        "name": "Pat Partner",
        "email": "pat@example.org",
        "role": "partner",
        "stakeholder_group": "service_user",
        **fields,
    }
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/sites/{site.slug}/people/invite/", data)


def _accept_new(client, link, username="pat", **extra):
    data = {
        "display_name": "Pat Partner",
        "username": username,
        "password": PASSWORD,
        "confirm": PASSWORD,
        **extra,
    }
    return client.post(link, data)


# --- Inviting and accepting ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_lead_invites_a_partner_who_sets_up_an_account_and_gets_the_role(
    lead_client, site, site_lead, django_capture_on_commit_callbacks
):
    response = _invite(lead_client, site, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Invitation sent to Pat Partner" in page
    assert "no-store" in response["Cache-Control"]
    assert [m.to for m in mail.outbox] == [["pat@example.org"]]
    link = _link(mail.outbox[0])
    assert link in page  # shown once to the lead, for when email does not arrive
    invitation = RoleInvitation.objects.get()
    assert link.split("/")[2] not in invitation.token_hash  # only the hash is stored

    newcomer = Client()
    assert "Accept and set up my account" in newcomer.get(link).content.decode()
    response = _accept_new(newcomer, link)

    assert response["Location"] == f"/sites/{site.slug}/"
    role = SiteMembership.objects.get(site=site, user__username="pat")
    assert (role.role, role.stakeholder_group, role.added_by) == (
        "partner",
        "service_user",
        site_lead,
    )
    assert role.user.email == "pat@example.org"
    assert newcomer.get(f"/sites/{site.slug}/").status_code == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"invitation.create", "invitation.accept", "user.create"} <= actions
    # The link works once.
    again = Client().get(link)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not-an-email"}, "Enter a real email address"),
        ({"email": ""}, "Enter the person&#x27;s email address."),
        ({"name": ""}, "Enter the person&#x27;s name."),
        ({"role": "owner"}, "Select a valid choice"),
    ],
)
def test_bad_invitations_say_what_is_wrong_and_keep_what_was_typed(
    lead_client, site, fields, message, django_capture_on_commit_callbacks
):
    response = _invite(lead_client, site, django_capture_on_commit_callbacks, **fields)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "There is a problem" in page
    # What was typed in the other fields is still there.
    kept = 'value="pat@example.org"' if "name" in fields else 'value="Pat Partner"'
    assert kept in page
    assert not RoleInvitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_no_second_invitation_to_someone_with_the_role_or_one_waiting(
    lead_client, site, site_member, django_capture_on_commit_callbacks
):
    site_member.email = "member@example.org"
    site_member.save()

    has_role = _invite(
        lead_client, site, django_capture_on_commit_callbacks, email="MEMBER@example.org"
    )
    first = _invite(lead_client, site, django_capture_on_commit_callbacks)
    second = _invite(lead_client, site, django_capture_on_commit_callbacks)

    assert "already has a role here (Site member)" in has_role.content.decode()
    assert first.status_code == 200
    assert "already waiting" in second.content.decode()
    assert RoleInvitation.objects.count() == 1


@pytest.mark.django_db
def test_expired_withdrawn_and_wrong_links_each_say_which(
    lead_client, site, django_capture_on_commit_callbacks
):
    _invite(lead_client, site, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    invitation = RoleInvitation.objects.get()

    invitation.expires_at = timezone.now() - dt.timedelta(minutes=1)
    invitation.save()
    expired = Client().get(link)
    people.withdraw(invitation, actor=SystemActor("tests"))
    withdrawn = Client().get(link)
    wrong = Client().get(link[:-5] + "abcd/")

    assert expired.status_code == withdrawn.status_code == wrong.status_code == 410
    assert "has expired" in expired.content.decode()
    assert "was withdrawn" in withdrawn.content.decode()
    assert "This link is not right" in wrong.content.decode()
    assert _accept_new(Client(), link).status_code == 410
    assert not SiteMembership.objects.filter(user__username="pat").exists()


@pytest.mark.django_db
def test_resending_makes_a_new_link_and_stops_the_old_one(
    lead_client, site, django_capture_on_commit_callbacks
):
    _invite(lead_client, site, django_capture_on_commit_callbacks)
    old = _link(mail.outbox[0])
    invitation = RoleInvitation.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(
            f"/sites/{site.slug}/people/invitations/{invitation.public_id}/resend/"
        )

    new = _link(mail.outbox[1])
    assert response.status_code == 200 and new != old
    assert Client().get(old).status_code == 410
    assert Client().get(new).status_code == 200


@pytest.mark.django_db
def test_an_existing_account_signs_in_to_accept_and_is_never_merged(
    lead_client, site, other_site, outsider, django_capture_on_commit_callbacks
):
    other_lead = outsider
    other_lead.email = "pat@example.org"
    other_lead.save()
    _invite(lead_client, site, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])

    anonymous = Client().get(link).content.decode()
    new_account = _accept_new(Client(), link, username="pat-again")
    stranger = UserFactory(username="stranger", email="stranger@example.org")
    stranger_client = Client()
    stranger_client.force_login(stranger)
    refused = stranger_client.post(link).content.decode()
    owner = Client()
    owner.force_login(other_lead)
    accepted = owner.post(link)

    assert "Sign in to accept" in anonymous
    assert "Sign in to accept" in new_account.content.decode()
    assert "sent to a different email address" in refused
    assert accepted["Location"] == f"/sites/{site.slug}/"
    assert set(other_lead.site_memberships.values_list("site__slug", "role")) == {
        (other_site.slug, "lead"),
        (site.slug, "partner"),
    }
    assert not type(other_lead).objects.filter(username="pat-again").exists()


# --- Changing and ending roles ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_lead_changes_a_role_with_a_reason_and_a_stale_change_keeps_the_input(
    lead_client, site, site_member
):
    url = f"/sites/{site.slug}/people/{site_member.public_id}/change/"
    form = {"role": "viewer", "stakeholder_group": "carer", "reason": "Moved to the board"}

    no_reason = lead_client.post(url, {**form, "reason": "", "version": 1}).content.decode()
    changed = lead_client.post(url, {**form, "version": 1})
    stale = lead_client.post(url, {**form, "role": "lead", "version": 1}).content.decode()

    assert "Say why, in a few words" in no_reason
    assert changed.status_code == 302
    membership = SiteMembership.objects.get(user=site_member)
    assert (membership.role, membership.stakeholder_group, membership.version) == (
        "viewer",
        "carer",
        2,
    )
    assert "Someone else saved changes here" in stale
    assert '<option value="lead" selected>' in stale  # what they chose is still there
    event = AuditEvent.objects.get(action="membership.change")
    assert event.before == {"role": "member", "group": "staff"}
    assert event.after["reason"] == "Moved to the board"


@pytest.mark.django_db
def test_the_last_lead_cannot_be_demoted_ended_or_leave(lead_client, site, site_lead):
    url = f"/sites/{site.slug}/people/{site_lead.public_id}"
    today = timezone.localdate().isoformat()

    demote = lead_client.post(
        f"{url}/change/",
        {"role": "member", "stakeholder_group": "manager", "reason": "x", "version": 1},
    ).content.decode()
    end = lead_client.post(f"{url}/end/", {"ended_on": today, "reason": "Leaving"})
    leave = lead_client.post(f"/sites/{site.slug}/people/leave/", follow=True)

    assert "the site&#x27;s only lead" in demote
    assert "the site&#x27;s only lead" in end.content.decode()
    assert "the site&#x27;s only lead" in leave.content.decode()
    assert SiteMembership.objects.get(user=site_lead).role == "lead"
    assert not PastRole.objects.exists()


@pytest.mark.django_db
def test_ending_a_role_stops_access_keeps_history_and_switches_off_a_last_account(
    lead_client, partner_client, site, site_lead, partner, framework
):
    goal = GoalFactory(
        site=site, challenge=framework.challenges.first(), owner=site_lead, co_lead=partner
    )
    _, raw = token_services.create_token(partner, actor=SystemActor("tests"), name="t")
    today = timezone.localdate()
    url = f"/sites/{site.slug}/people/{partner.public_id}/end/"

    future = lead_client.post(
        url, {"ended_on": (today + dt.timedelta(days=3)).isoformat(), "reason": "x"}
    )
    ended = lead_client.post(url, {"ended_on": today.isoformat(), "reason": "Moved away"})

    assert "cannot be in the future" in future.content.decode()
    assert ended.status_code == 302
    assert not SiteMembership.objects.filter(user=partner).exists()
    past = PastRole.objects.get(user=partner)
    assert (past.role, past.reason, past.ended_on) == ("partner", "Moved away", today)
    partner.refresh_from_db()
    assert not partner.is_active
    # Their session and API token stop at once; what they wrote keeps their name.
    assert partner_client.get(f"/sites/{site.slug}/").status_code == 302
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 401
    goal.refresh_from_db()
    assert goal.co_lead == partner
    page = lead_client.get(f"/sites/{site.slug}/people/").content.decode()
    assert "Moved away" in page
    assert {"membership.end", "user.deactivate"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_ending_one_of_several_roles_keeps_the_account(lead_client, site, other_site, partner):
    SiteMembership.objects.create(user=partner, site=other_site, role="viewer")
    today = timezone.localdate().isoformat()

    lead_client.post(
        f"/sites/{site.slug}/people/{partner.public_id}/end/",
        {"ended_on": today, "reason": "Changed sites"},
    )

    partner.refresh_from_db()
    assert partner.is_active
    assert list(partner.site_memberships.values_list("site", flat=True)) == [other_site.pk]


@pytest.mark.django_db
def test_a_member_can_leave_a_site_themselves(member_client, site, site_member):
    page = member_client.get(f"/sites/{site.slug}/people/leave/").content.decode()
    response = member_client.post(f"/sites/{site.slug}/people/leave/")

    assert "Leave this site" in page
    assert response["Location"] == "/accounts/login/"  # their only role: signed out
    assert PastRole.objects.get(user=site_member).reason == "Left the site themselves."


# --- Who sees what ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_members_partners_and_viewers_see_names_and_roles_never_emails(
    lead_client, member_client, partner_client, viewer_client, site, site_member
):
    site_member.email = "member.private@example.org"
    site_member.save()

    for client in (member_client, partner_client, viewer_client):
        page = client.get(f"/sites/{site.slug}/people/").content.decode()
        assert str(site_member) in page
        assert "member.private@example.org" not in page
        assert "Invite someone" not in page
        assert client.get(f"/sites/{site.slug}/people/invite/").status_code == 403
        download = client.get(f"/sites/{site.slug}/people/?format=csv")
        rows = list(
            csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig")))
        )
        assert "Email" not in rows[0]
    lead_page = lead_client.get(f"/sites/{site.slug}/people/").content.decode()
    assert "member.private@example.org" in lead_page
    download = lead_client.get(f"/sites/{site.slug}/people/?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "Username", "Email"]
    assert any("member.private@example.org" in row for row in rows)


@pytest.mark.django_db
def test_an_outsider_gets_404_for_another_sites_people(
    outsider_client, lead_client, site, other_site, site_member
):
    other_lead_client = outsider_client  # the lead of the other site
    invitation = people.invite(
        site.programme,
        site=site,
        role="viewer",
        stakeholder_group="staff",
        name="V",
        email="v@example.org",
        actor=SystemActor("tests"),
        base_url="http://testserver/",
    ).invitation

    assert outsider_client.get(f"/sites/{site.slug}/people/").status_code == 404
    # A lead of the other site, naming this site's person or invitation under their own site.
    change = f"/sites/{other_site.slug}/people/{site_member.public_id}/change/"
    withdraw = f"/sites/{other_site.slug}/people/invitations/{invitation.public_id}/withdraw/"
    assert other_lead_client.get(change).status_code == 404
    assert other_lead_client.post(withdraw).status_code == 404
    assert RoleInvitation.objects.get().withdrawn_at is None


@pytest.mark.django_db
def test_the_people_page_reads_in_a_fixed_number_of_queries(
    lead_client, site, django_assert_max_num_queries
):
    def page_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert lead_client.get(f"/sites/{site.slug}/people/").status_code == 200
        return len(queries)

    few = page_queries()
    for n in range(15):
        user = UserFactory(email=f"p{n}@example.org")
        SiteMembership.objects.create(user=user, site=site, role="member", added_by=user)
        PastRole.objects.create(
            user=user,
            programme=site.programme,
            site=site,
            role="viewer",
            started_at=timezone.now(),
            ended_on=timezone.localdate(),
            reason="r",
        )
        people.invite(
            site.programme,
            site=site,
            role="viewer",
            stakeholder_group="staff",
            name=f"N{n}",
            email=f"new{n}@example.org",
            actor=SystemActor("tests"),
            base_url="http://t/",
        )
    many = page_queries()

    assert many == few
    with django_assert_max_num_queries(15):
        lead_client.get(f"/sites/{site.slug}/people/")


# --- Many at once ------------------------------------------------------------------------------


def _csv(*rows) -> SimpleUploadedFile:
    text = "name,email,role,group\n" + "\n".join(rows) + "\n"
    return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")


@pytest.mark.django_db
def test_a_csv_with_a_bad_row_invites_nobody_and_lists_each_problem(
    lead_client, site, site_member, django_capture_on_commit_callbacks
):
    site_member.email = "member@example.org"
    site_member.save()
    upload = _csv(
        "Ann,ann@example.org,member,staff",
        "Bob,not-an-email,boss,staff",
        ",cat@example.org,viewer,alien",
        "Member,member@example.org,member,staff",
    )

    with django_capture_on_commit_callbacks(execute=True):
        page = lead_client.post(
            f"/sites/{site.slug}/people/upload/", {"file": upload}
        ).content.decode()

    assert "Nobody was invited" in page
    assert "Line 3: " in page and "is not an email address" in page and "the role must be" in page
    assert "Line 4: The name is empty" in page and "the group must be" in page
    assert "Line 5: member@example.org already has this role." in page
    assert not RoleInvitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_good_csv_invites_everyone_and_skips_those_already_there(
    lead_client, site, site_member, django_capture_on_commit_callbacks
):
    site_member.email = "member@example.org"
    site_member.save()
    upload = _csv(
        "Ann,ann@example.org,member,staff",
        "Cat,cat@example.org,Lived-experience partner,Service user",
        "Member,member@example.org,member,staff",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(f"/sites/{site.slug}/people/upload/", {"file": upload})

    assert response.status_code == 302
    assert sorted(RoleInvitation.objects.values_list("email", "role", "stakeholder_group")) == [
        ("ann@example.org", "member", "staff"),
        ("cat@example.org", "partner", "service_user"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "cat@example.org"]
    page = lead_client.get(response["Location"]).content.decode()
    assert "Sent 2 invitations." in page and "already has this role" in page


# --- The programme team --------------------------------------------------------------------------


@pytest.mark.django_db
def test_programme_admin_invites_a_viewer_and_adds_a_lead_to_a_site(
    programme_admin_client, programme_viewer_client, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        viewer = programme_admin_client.post(
            "/programme/people/invite/",
            {"name": "Val", "email": "val@example.org", "role": "viewer"},
        )
        lead = programme_admin_client.post(
            "/programme/people/site-lead/",
            {
                "site": site.pk,
                "name": "Lee",
                "email": "lee@example.org",
                "stakeholder_group": "manager",
            },
        )

    assert viewer.status_code == lead.status_code == 200
    assert set(RoleInvitation.objects.values_list("email", "site", "role")) == {
        ("val@example.org", None, "viewer"),
        ("lee@example.org", site.pk, "lead"),
    }
    page = programme_admin_client.get("/programme/people/").content.decode()
    assert "val@example.org" in page and "lee@example.org" in page
    assert programme_viewer_client.get("/programme/people/invite/").status_code == 403
    assert (
        "val@example.org" not in programme_viewer_client.get("/programme/people/").content.decode()
    )


@pytest.mark.django_db
def test_the_last_programme_admin_stays(programme_admin_client, programme_admin, programme_viewer):
    url = f"/programme/people/{programme_admin.public_id}"
    today = timezone.localdate().isoformat()

    demote = programme_admin_client.post(
        f"{url}/change/", {"role": "viewer", "reason": "x", "version": 1}
    ).content.decode()
    end = programme_admin_client.post(f"{url}/end/", {"ended_on": today, "reason": "x"})
    end_viewer = programme_admin_client.post(
        f"/programme/people/{programme_viewer.public_id}/end/",
        {"ended_on": today, "reason": "Left the team"},
    )

    assert "the programme&#x27;s only admin" in demote
    assert "the programme&#x27;s only admin" in end.content.decode()
    assert ProgrammeMembership.objects.get(user=programme_admin).role == "admin"
    assert end_viewer.status_code == 302
    assert not ProgrammeMembership.objects.filter(user=programme_viewer).exists()


# --- A new installation ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_imroc_setup_makes_the_programme_and_first_admin_once(django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "setup", programme="Recovery Together", admin_email="ana@example.org", stdout=out
        )
    first = out.getvalue()
    link = re.search(r"http://\S+(/invitations/[^/\s]+/)", first).group(1)

    out = io.StringIO()
    call_command("setup", programme="Recovery Together", admin_email="ana@example.org", stdout=out)
    second = out.getvalue()

    assert "Made the programme Recovery Together." in first
    assert "already exists" in second and "already waiting" in second
    assert "/invitations/" not in second
    assert Programme.objects.count() == 1 and RoleInvitation.objects.count() == 1
    # The admin accepts and can run the programme.
    admin = Client()
    assert _accept_new(admin, link, username="ana").status_code == 302
    assert ProgrammeMembership.objects.get(user__username="ana").role == "admin"
    assert admin.get("/programme/people/").status_code == 200
    with pytest.raises(CommandError, match="Enter a real email address") as error:
        call_command("setup", programme="X", admin_email="nope")
    assert error.value.returncode == 2


@pytest.mark.django_db
def test_a_new_lead_is_asked_to_set_up_two_factor_when_it_is_required(
    lead_client, site, settings, django_capture_on_commit_callbacks
):
    settings.IMROC_REQUIRE_2FA = True
    _invite(lead_client, site, django_capture_on_commit_callbacks, role="lead", email="l@e.org")
    newcomer = Client()

    accepted = _accept_new(newcomer, _link(mail.outbox[0]), username="second-lead")
    landing = newcomer.get(accepted["Location"])

    assert landing.status_code == 302
    assert landing["Location"].startswith("/accounts/two-factor/setup/")
    assert newcomer.get(landing["Location"]).status_code == 200  # no second password needed
