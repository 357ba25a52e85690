from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from imroc.programme.demo import KAMPALA_TEAM, KAMPALA_USERS
from imroc.programme.models import Application, Organisation, Programme, Site


def _counts():
    return (
        Programme.objects.count(),
        Application.objects.count(),
        Site.objects.count(),
        Organisation.objects.count(),
    )


@pytest.fixture
def demo(db):
    call_command("demo", allow_in_production=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.django_db
def test_demo_builds_the_seed_programme(demo):
    programme = Programme.objects.get()
    assert str(programme.start_date) == "2011-04-01"
    applications = Application.objects.all()
    assert applications.count() > 30
    assert applications.filter(status="accepted").count() == 29
    categories = Counter(
        Site.objects.exclude(category="partner").values_list("category", flat=True)
    )
    assert categories == {"demonstration": 6, "pilot": 6, "network": 17}
    kampala = Site.objects.get(organisation__name=KAMPALA_TEAM)
    assert kampala.organisation.country.code == "UG"
    assert kampala.organisation.time_zone == "Africa/Kampala"
    users_org = kampala.partner_organisations.get(name=KAMPALA_USERS)
    groups = {g.group: (g.count, g.is_minimum) for g in users_org.member_groups.all()}
    assert groups == {
        "service_users": (55, False),
        "professionals": (10, False),
        "well_wishers": (25, True),
        "online_members": (300, True),
    }
    assert all(site.teams.exists() for site in Site.objects.all())


@pytest.mark.django_db
def test_demo_twice_changes_nothing(demo, capsys):
    before = _counts()
    call_command("demo", allow_in_production=True)
    assert _counts() == before
    assert "already loaded" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_reset_rebuilds(demo):
    before = _counts()
    old = set(Site.objects.values_list("public_id", flat=True))
    call_command("demo", allow_in_production=True, reset=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before
    assert not old & set(Site.objects.values_list("public_id", flat=True))


@pytest.mark.django_db
def test_demo_prints_the_sign_ins(db, capsys):
    call_command("demo", allow_in_production=True, password="another-pass")
    out = capsys.readouterr().out
    for name in ["programme-admin", "site-lead-1", "site-lead-2", "partner-1", "viewer-1"]:
        assert name in out
    assert "another-pass" in out


@pytest.mark.django_db
def test_demo_is_refused_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused when DEBUG is off") as caught:
        call_command("demo")
    assert caught.value.returncode == 2
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_demo_journey(demo, client):
    """The issue's 'done when': site-lead-1 sees their site; site-lead-2 gets 404 for it."""
    first_demo = Site.objects.filter(category="demonstration").order_by("id").first()
    client.post("/accounts/login/", {"username": "site-lead-1", "password": "recovery-demo"})
    dashboard = client.get("/", follow=True)
    assert dashboard.redirect_chain[-1][0] == f"/sites/{first_demo.slug}/"
    assert first_demo.name in dashboard.content.decode()
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "site-lead-2", "password": "recovery-demo"})
    assert client.get(f"/sites/{first_demo.slug}/").status_code == 404
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "programme-admin", "password": "recovery-demo"})
    page = client.get("/programme/").content.decode()
    assert "Kampala Recovery Voices" in page
    assert "more than 300 online members" in page
