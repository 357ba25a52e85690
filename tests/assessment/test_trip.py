from __future__ import annotations

import pytest
from django.urls import reverse

from imroc.assessment import services
from imroc.assessment.models import TeamBenchmark, TeamPriority, TeamResources, TeamReview
from imroc.core.services import ServiceError


def _url(name, team):
    return reverse(f"assessment:{name}", kwargs={"site": team.site.slug, "team": team.slug})


@pytest.mark.django_db
def test_team_page_shows_the_four_parts(viewer_client, team, framework):
    page = viewer_client.get(
        reverse("sites:team", kwargs={"site": team.site.slug, "team": team.slug})
    ).content.decode()
    for heading in [
        "1. The team",
        "2. The team against the ten challenges",
        "3. Top three priorities",
        "4. Reviews and resets",
    ]:
        assert heading in page
    assert "Benchmark the team" not in page  # viewers cannot change it


@pytest.mark.django_db
def test_resources_and_stale_edit(member_client, site_lead, team):
    response = member_client.post(
        _url("trip_resources", team), {"people": "Two nurses, one peer worker", "version": "0"}
    )
    assert response.status_code == 302
    services.save_team_resources(
        team, actor=site_lead, expected_version=1, people="Changed", strengths="", links=""
    )
    response = member_client.post(_url("trip_resources", team), {"people": "Mine", "version": "1"})
    assert "Someone else saved changes here" in response.content.decode()
    assert TeamResources.objects.get().people == "Changed"


@pytest.mark.django_db
def test_benchmark_needs_every_challenge(member_client, team, framework):
    data = {"assessed_on": "2012-01-10"}
    data.update({f"level-{c.slug}": "1" for c in framework.challenges.exclude(slug="risk")})
    page = member_client.post(_url("trip_benchmark", team), data).content.decode()
    assert "Choose a stage for challenge 7." in page
    assert not TeamBenchmark.objects.exists()
    data["level-risk"] = "2"
    assert member_client.post(_url("trip_benchmark", team), data).status_code == 302
    assert TeamBenchmark.objects.filter(team=team).count() == 10


@pytest.mark.django_db
def test_benchmark_in_the_future_is_refused(member_client, team, framework):
    data = {
        "assessed_on": "2099-01-10",
        **{f"level-{c.slug}": "1" for c in framework.challenges.all()},
    }
    assert (
        "cannot be in the future"
        in member_client.post(_url("trip_benchmark", team), data).content.decode()
    )


@pytest.mark.django_db
def test_top_three_priorities(member_client, team, framework):
    risk, work = framework.challenges.get(slug="risk"), framework.challenges.get(slug="workforce")
    page = member_client.post(_url("trip_priorities", team), {
        "challenge_1": risk.pk, "aim_1": "Safety plans written with people",
        "challenge_2": risk.pk, "aim_2": "Again",
    }).content.decode()  # fmt: skip
    assert "Choose a different challenge for each priority." in page
    page = member_client.post(
        _url("trip_priorities", team), {"challenge_1": work.pk}
    ).content.decode()
    assert "Say what the team wants to achieve for priority 1." in page
    member_client.post(
        _url("trip_priorities", team), {"challenge_1": risk.pk, "aim_1": "Co-produced safety plans"}
    )
    member_client.post(
        _url("trip_priorities", team),
        {"challenge_1": work.pk, "aim_1": "A peer worker in the team"},
    )
    assert TeamPriority.objects.filter(team=team, ended_on__isnull=True).get().challenge == work
    assert TeamPriority.objects.filter(team=team).count() == 2  # the first is kept, ended


@pytest.mark.django_db
def test_more_than_three_priorities_is_refused(team, framework, site_lead):
    four = [(c, "aim") for c in framework.challenges.all()[:4]]
    with pytest.raises(ServiceError, match="no more than three"):
        services.set_team_priorities(
            team, priorities=four, on=team.created_at.date(), actor=site_lead
        )


@pytest.mark.django_db
def test_team_review(member_client, team):
    page = member_client.post(
        _url("trip_review", team), {"held_on": "2012-01-10", "notes": "", "progress_score": "9"}
    ).content.decode()
    assert "Write what the review found." in page
    assert "Choose a score from the list." in page
    member_client.post(_url("trip_review", team), {
        "held_on": "2012-01-10", "notes": "Safety plans now co-written", "progress_score": "3.0",
        "next_review_on": "2012-07-10",
    })  # fmt: skip
    review = TeamReview.objects.get()
    assert str(review.progress_score) == "3.0"
    page = member_client.get(
        reverse("sites:team", kwargs={"site": team.site.slug, "team": team.slug})
    ).content.decode()
    assert "progress 3.0 (modest improvement)" in page


@pytest.mark.django_db
def test_trip_of_another_site_is_404(lead_client, site, other_team):
    for name in ("trip_resources", "trip_benchmark", "trip_priorities", "trip_review"):
        url = reverse(f"assessment:{name}", kwargs={"site": site.slug, "team": other_team.slug})
        assert lead_client.get(url).status_code == 404
