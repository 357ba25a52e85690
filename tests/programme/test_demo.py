"""The demo programme. Building it takes seconds, so each test builds it once and asks a lot."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from imroc.assessment.models import AssessmentRound, TeamPriority
from imroc.improvement.models import Driver, GoalChange, PdsaCycle, Review
from imroc.programme.demo import KAMPALA_TEAM, KAMPALA_USERS
from imroc.programme.models import Application, Organisation, Programme, Site


def _counts():
    return (
        Programme.objects.count(),
        Application.objects.count(),
        Site.objects.count(),
        Organisation.objects.count(),
        AssessmentRound.objects.count(),
        PdsaCycle.objects.count(),
    )


def _demo(**options) -> str:
    out = StringIO()
    call_command("demo", allow_in_production=True, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_builds_the_seed_programme_and_can_run_again(settings):
    out = _demo(password="another-pass")
    for name in ["programme-admin", "site-lead-1", "site-lead-2", "partner-1", "viewer-1"]:
        assert name in out
    assert "another-pass" in out

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

    before = _counts()
    assert "already loaded" in _demo()
    assert _counts() == before

    old = set(Site.objects.values_list("public_id", flat=True))
    _demo(reset=True)
    assert _counts() == before
    assert not old & set(Site.objects.values_list("public_id", flat=True))


@pytest.mark.django_db
def test_demo_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused when DEBUG is off") as caught:
        call_command("demo")
    assert caught.value.returncode == 2
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_demo_journeys_and_sign_ins(client):
    _demo()
    first_demo = Site.objects.filter(category="demonstration").order_by("id").first()
    rounds = AssessmentRound.objects.filter(site=first_demo).order_by("held_on")
    assert rounds.first().held_on.year == 2011
    assert rounds.last().held_on.year == 2014
    assert all(r.status == "closed" for r in rounds)
    gaps = [(b.held_on - a.held_on).days for a, b in zip(rounds, list(rounds)[1:], strict=False)]
    assert all(180 <= gap <= 370 for gap in gaps)
    for site in Site.objects.filter(category__in=["demonstration", "pilot"]):
        assert site.goals.exists() and PdsaCycle.objects.filter(goal__site=site).count() >= 3
        assert Review.objects.filter(site=site, goal__isnull=False).exists()
    assert PdsaCycle.objects.filter(decision="abandon").exists()
    assert PdsaCycle.objects.filter(previous__isnull=False).exists()
    assert GoalChange.objects.exists()
    assert Driver.objects.filter(goal__site=first_demo).count() == 6
    assert TeamPriority.objects.filter(team__site=first_demo).exists()
    # The journey moves from engagement towards transformation.
    baseline, latest = rounds.first(), rounds.last()
    assert sum(c.level for c in latest.consensus.all()) > sum(
        c.level for c in baseline.consensus.all()
    )

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
