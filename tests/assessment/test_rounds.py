from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from imroc.assessment import services
from imroc.assessment.models import AssessmentRound, Consensus, Rating
from imroc.core.models import AuditEvent
from imroc.core.services import ServiceError
from tests.assessment.factories import ConsensusFactory, RatingFactory, RoundFactory


def _url(name, site, **kwargs):
    return reverse(f"assessment:{name}", kwargs={"site": site.slug, **kwargs})


def _levels(framework, level=1, text="", versions=None, skip=()):
    data = {}
    for c in framework.challenges.all():
        if c.slug in skip:
            continue
        data[f"level-{c.slug}"] = str(level)
        data[f"text-{c.slug}"] = text
        if versions and c.slug in versions:
            data[f"version-{c.slug}"] = str(versions[c.slug])
    return data


@pytest.fixture
def open_round(site, framework):
    return RoundFactory(site=site, framework_version=framework, title="Baseline 2011")


@pytest.mark.django_db
def test_start_a_round(member_client, site, framework, site_member):
    response = member_client.post(
        _url("round_start", site), {"title": "Spring review", "held_on": "2011-05-10"}
    )
    started = AssessmentRound.objects.get(site=site)
    assert response["Location"] == _url("round", site, round=started.public_id)
    assert started.framework_version == framework
    assert AuditEvent.objects.get(action="round.start").actor == site_member


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "held_on": "2011-05-10"}, "Enter a name for the round."),
        (
            {"title": "x" * 121, "held_on": "2011-05-10"},
            "The name must be 120 characters or fewer.",
        ),
        ({"title": "Spring", "held_on": "10/05/2011x"}, "Enter a real date, like 2024-03-31."),
        ({"title": "Spring", "held_on": "1999-12-31"}, "must be in the year 2000 or later"),
        ({"title": "Spring", "held_on": "2099-01-01"}, "too far in the future"),
    ],
)
def test_bad_round_input(member_client, site, framework, data, message):
    response = member_client.post(_url("round_start", site), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AssessmentRound.objects.exists()


@pytest.mark.django_db
def test_only_one_round_is_open_at_a_time(member_client, site, open_round):
    response = member_client.post(
        _url("round_start", site), {"title": "Another", "held_on": "2011-07-01"}
    )
    assert "is still open" in response.content.decode()
    assert AssessmentRound.objects.count() == 1


@pytest.mark.django_db
def test_no_round_without_a_published_framework(member_client, site):
    response = member_client.post(
        _url("round_start", site), {"title": "Spring", "held_on": "2011-05-10"}
    )
    assert "has not published a framework" in response.content.decode()


@pytest.mark.django_db
def test_member_enters_a_groups_ratings(member_client, site, open_round, framework):
    url = _url("round_rate", site, round=open_round.public_id)
    page = member_client.get(url).content.decode()
    assert "Whose view are you entering?" in page
    page = member_client.get(url, {"group": "carer"}).content.decode()
    assert "Carer" in page
    assert "Staff have heard about recovery" in page  # the stage descriptors help people rate
    data = {"group": "carer", **_levels(framework, 1, "Carers forum view")}
    response = member_client.post(url, data)
    assert response.status_code == 302
    assert Rating.objects.filter(round=open_round, stakeholder_group="carer").count() == 10
    assert set(Rating.objects.values_list("evidence", flat=True)) == {"Carers forum view"}


@pytest.mark.django_db
def test_partner_rates_as_their_own_group(partner_client, partner, site, open_round, framework):
    url = _url("round_rate", site, round=open_round.public_id)
    page = partner_client.get(url).content.decode()
    assert "You are giving the view of: <strong>Service user</strong>" in page
    # Even a tampered form cannot rate for another group.
    partner_client.post(url, {"group": "staff", **_levels(framework, 2, skip=("risk",))})
    ratings = Rating.objects.filter(round=open_round)
    assert set(ratings.values_list("stakeholder_group", flat=True)) == {"service_user"}
    assert ratings.count() == 9
    assert set(ratings.values_list("given_by", flat=True)) == {partner.pk}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"level-risk": "7"}, "Choose one of the stages for challenge 7."),
        ({"level-risk": "two"}, "Choose one of the stages for challenge 7."),
        ({"text-risk": "y" * 4001}, "Keep this to 4000 characters or fewer."),
    ],
)
def test_bad_rating_input(member_client, site, open_round, framework, change, message):
    url = _url("round_rate", site, round=open_round.public_id)
    data = {"group": "staff", **_levels(framework, 2, "Some evidence"), **change}
    response = member_client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Some evidence" in page  # what was typed is kept
    assert not Rating.objects.exists()


@pytest.mark.django_db
def test_rating_nothing_is_refused(member_client, site, open_round):
    url = _url("round_rate", site, round=open_round.public_id)
    response = member_client.post(url, {"group": "staff"})
    assert "Choose a stage for at least one challenge." in response.content.decode()


@pytest.mark.django_db
def test_unknown_group_is_refused(member_client, site, open_round, framework):
    url = _url("round_rate", site, round=open_round.public_id)
    response = member_client.post(url, {"group": "aliens", **_levels(framework)})
    assert "Choose one of the groups in the list." in response.content.decode()
    assert not Rating.objects.exists()


@pytest.mark.django_db
def test_stale_rating_is_refused_and_the_input_kept(
    member_client, site_lead, site, open_round, framework
):
    risk = framework.challenges.get(slug="risk")
    services.save_ratings(open_round, group="staff",
                          entries=[services.LevelEntry(risk, 1, "first", None)], actor=site_lead)  # fmt: skip
    url = _url("round_rate", site, round=open_round.public_id)
    seen = {"level-risk": "2", "text-risk": "my view", "version-risk": "1", "group": "staff"}
    # Someone else saves in between.
    services.save_ratings(open_round, group="staff",
                          entries=[services.LevelEntry(risk, 3, "theirs", 1)], actor=site_lead)  # fmt: skip
    response = member_client.post(url, seen)
    page = response.content.decode()
    assert "Someone else saved changes here" in page
    assert "my view" in page
    assert Rating.objects.get().evidence == "theirs"
    assert 'name="version-risk" value="2"' in page


@pytest.mark.django_db
def test_consensus_flags_and_divergence(member_client, site, open_round, framework):
    challenges = {c.slug: c for c in framework.challenges.all()}
    for slug, c in challenges.items():
        RatingFactory(round=open_round, challenge=c, stakeholder_group="staff", level=2)
        if slug != "risk":
            RatingFactory(round=open_round, challenge=c, stakeholder_group="service_user",
                          level=1 if slug == "interactions" else 2)  # fmt: skip
        ConsensusFactory(round=open_round, challenge=c, level=2)
    page = member_client.get(_url("round", site, round=open_round.public_id)).content.decode()
    assert "Agreed without a lived-experience rating" in page
    assert 'href="#row-risk"' in page
    assert "Where views differ" in page
    assert "Service users and carers rate this 1 stage lower" in page


@pytest.mark.django_db
def test_agree_consensus_and_close(member_client, site, open_round, framework):
    url = _url("round_consensus", site, round=open_round.public_id)
    response = member_client.post(url, _levels(framework, 1, skip=("risk",)))
    assert response.status_code == 302
    close = _url("round_close", site, round=open_round.public_id)
    page = member_client.post(close, follow=True).content.decode()
    assert "Still to agree: Risk" in page or "Still to agree:" in page
    open_round.refresh_from_db()
    assert open_round.is_open
    versions = {c.challenge.slug: c.version for c in Consensus.objects.all()}
    member_client.post(url, _levels(framework, 1, versions=versions))
    member_client.post(close)
    open_round.refresh_from_db()
    assert not open_round.is_open
    # A closed round is read-only.
    rate = _url("round_rate", site, round=open_round.public_id)
    response = member_client.post(rate, {"group": "staff", **_levels(framework)})
    assert response.status_code == 302
    assert not Rating.objects.exists()
    with pytest.raises(ServiceError, match="closed"):
        services.save_consensus(open_round, entries=[], actor=None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter how many people from at least one group took part."),
        ({"staff": "-1"}, "The number cannot be below zero."),
        ({"staff": "lots"}, "Enter the number of staff people as a whole number."),
        ({"carer": "501"}, "The number must be 500 or fewer."),
    ],
)
def test_bad_attendance(member_client, site, open_round, data, message):
    response = member_client.post(_url("round_attendance", site, round=open_round.public_id), data)
    assert message in response.content.decode()
    assert not open_round.attendance.exists()


@pytest.mark.django_db
def test_attendance_without_lived_experience_is_flagged(member_client, site, open_round):
    member_client.post(
        _url("round_attendance", site, round=open_round.public_id), {"staff": "8", "manager": "2"}
    )
    page = member_client.get(_url("round", site, round=open_round.public_id)).content.decode()
    assert "Staff: 8" in page
    assert "No service users or carers are recorded as taking part" in page


@pytest.mark.django_db
def test_another_sites_round_is_404_inside_your_site(lead_client, site, other_site, framework):
    theirs = RoundFactory(site=other_site, framework_version=framework)
    for name in ("round", "round_rate", "round_consensus", "round_attendance"):
        assert lead_client.get(_url(name, site, round=theirs.public_id)).status_code == 404
    assert lead_client.post(_url("round_close", site, round=theirs.public_id)).status_code == 404


@pytest.mark.django_db
def test_viewer_sees_but_cannot_rate(viewer_client, site, open_round, framework):
    page = viewer_client.get(_url("round", site, round=open_round.public_id)).content.decode()
    assert "Give ratings" not in page
    response = viewer_client.post(
        _url("round_rate", site, round=open_round.public_id),
        {"group": "staff", **_levels(framework)},
    )
    assert response.status_code == 403
    assert not Rating.objects.exists()


@pytest.mark.django_db
def test_round_list_marks_the_baseline(viewer_client, site, framework):
    RoundFactory(
        site=site,
        framework_version=framework,
        title="First",
        held_on=dt.date(2011, 5, 1),
        status="closed",
    )
    RoundFactory(
        site=site, framework_version=framework, title="Second", held_on=dt.date(2012, 5, 1)
    )
    page = viewer_client.get(_url("rounds", site)).content.decode()
    assert page.index("Second") < page.index("First") < page.index("Baseline")
