from __future__ import annotations

import pytest
from django.urls import reverse

from imroc.core.models import AuditEvent
from imroc.programme import services
from imroc.programme.models import Team


def _new(site):
    return reverse("sites:team_create", kwargs={"site": site.slug})


def _edit(team):
    return reverse("sites:team_edit", kwargs={"site": team.site.slug, "team": team.slug})


GOOD = {
    "name": "Early Intervention",
    "kind": "early_intervention",
    "description": "",
    "staff_count": "12",
}


@pytest.mark.django_db
def test_member_adds_a_team_and_it_is_audited(member_client, site, site_member):
    response = member_client.post(_new(site), GOOD)
    team = site.teams.get(name="Early Intervention")
    assert response["Location"] == f"/sites/{site.slug}/teams/{team.slug}/"
    event = AuditEvent.objects.get(action="team.create")
    assert event.actor == site_member
    assert event.site_public_id == site.public_id
    assert event.after["staff_count"] == 12


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter the team&#x27;s name."),
        ("name", "   ", "Enter the team&#x27;s name."),
        ("name", "x" * 121, "The team name must be 120 characters or fewer."),
        ("kind", "spaceship", "Choose a type of team from the list."),
        ("staff_count", "twelve", "Enter the number of staff as a whole number"),
        ("staff_count", "-3", "The number of staff cannot be below zero."),
        ("staff_count", "99999999", "looks too large"),
        ("description", "y" * 2001, "The description must be 2000 characters or fewer."),
    ],
)
def test_bad_team_input_gets_a_message_and_writes_nothing(
    member_client, site, field, value, message
):
    data = {**GOOD, field: value}
    response = member_client.post(_new(site), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert f'href="#id_{field}"' in page  # the summary links to the field
    assert not site.teams.exists()
    assert not AuditEvent.objects.filter(action="team.create").exists()
    if field != "name":
        assert 'value="Early Intervention"' in page  # what was typed is kept


@pytest.mark.django_db
def test_duplicate_team_name_is_refused(member_client, site, team):
    response = member_client.post(_new(site), {**GOOD, "name": "willow ward"})
    assert "already has a team with that name" in response.content.decode()
    assert site.teams.count() == 1


@pytest.mark.django_db
def test_same_team_name_is_fine_at_another_site(member_client, site, other_team):
    member_client.post(_new(site), {**GOOD, "name": "Rowan Ward"})
    assert site.teams.filter(name="Rowan Ward").exists()


@pytest.mark.django_db
def test_team_form_without_csrf_token_is_refused(csrf_client, site_member, site):
    csrf_client.force_login(site_member)
    response = csrf_client.post(_new(site), GOOD)
    assert response.status_code == 403
    assert not site.teams.exists()


@pytest.mark.django_db
def test_stale_edit_is_refused_and_the_input_is_kept(member_client, site_lead, team):
    form = member_client.get(_edit(team)).content.decode()
    assert 'name="version" value="1"' in form
    services.update_team(team, actor=site_lead, expected_version=1, name="Willow Ward (renamed)",
                         kind="inpatient", description="Changed by the lead", staff_count=20)  # fmt: skip
    mine = {**GOOD, "name": "Willow Ward East", "version": "1"}
    response = member_client.post(_edit(team), mine)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved changes to this team" in page
    assert 'value="Willow Ward East"' in page
    assert 'name="version" value="2"' in page
    team.refresh_from_db()
    assert team.name == "Willow Ward (renamed)"
    # Saving again, having seen the warning, goes through.
    response = member_client.post(_edit(team), {**mine, "version": "2"})
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.version) == ("Willow Ward East", 3)
    event = AuditEvent.objects.filter(action="team.update").latest("id")
    assert event.before["name"] == "Willow Ward (renamed)"
    assert event.after["name"] == "Willow Ward East"


@pytest.mark.django_db
def test_another_sites_team_is_404_inside_your_own_site(lead_client, site, other_team):
    url = reverse("sites:team", kwargs={"site": site.slug, "team": other_team.slug})
    assert lead_client.get(url).status_code == 404
    url = reverse("sites:team_edit", kwargs={"site": site.slug, "team": other_team.slug})
    assert lead_client.post(url, GOOD).status_code == 404
    assert Team.objects.get(pk=other_team.pk).name == "Rowan Ward"


@pytest.mark.django_db
def test_partner_and_viewer_see_but_cannot_add(partner_client, viewer_client, site, team):
    for client in (partner_client, viewer_client):
        page = client.get(f"/sites/{site.slug}/").content.decode()
        assert "Willow Ward" in page
        assert "Add a team" not in page
        assert client.post(_new(site), GOOD).status_code == 403
    assert site.teams.count() == 1
