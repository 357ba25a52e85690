"""Self-assessment pages in Welsh: the framework's own wording follows the language."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from imroc.assessment.forms import RatingsForm, TeamReviewForm
from imroc.assessment.presenters import ChallengeRow, level_name
from imroc.framework import queries as framework_queries
from imroc.framework.models import Challenge
from tests.assessment.factories import ConsensusFactory, RatingFactory, RoundFactory


@pytest.fixture
def rated_round(site, framework):
    assessment_round = RoundFactory(site=site, framework_version=framework, title="Baseline 2011")
    for challenge in framework.challenges.all():
        RatingFactory(round=assessment_round, challenge=challenge, level=2)
        ConsensusFactory(round=assessment_round, challenge=challenge, level=1)
    return assessment_round


def _get(client, url, language):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


@pytest.mark.django_db
def test_round_page_shows_the_framework_in_welsh_with_no_extra_queries(
    member_client, site, rated_round
):
    url = reverse("assessment:round", kwargs={"site": site.slug, "round": rated_round.public_id})
    _get(member_client, url, "en-gb")  # warm the session and caches
    english, english_queries = _get(member_client, url, "en-gb")
    welsh, welsh_queries = _get(member_client, url, "cy")
    assert "Everyday interactions" in english
    assert "Rhyngweithio bob dydd" not in english
    assert "Rhyngweithio bob dydd" in welsh
    assert "Everyday interactions" not in welsh
    assert welsh_queries == english_queries


@pytest.mark.django_db
def test_rating_form_shows_welsh_descriptors(member_client, site, rated_round):
    url = reverse(
        "assessment:round_rate", kwargs={"site": site.slug, "round": rated_round.public_id}
    )
    page, _count = _get(member_client, f"{url}?group=staff", "cy")
    assert "Newid natur rhyngweithio bob dydd" in page  # a challenge title
    assert "Mae staff wedi clywed am adferiad" in page  # a descriptor


@pytest.mark.django_db
def test_saving_ratings_in_welsh_keeps_the_english_framework(member_client, site, rated_round):
    url = reverse(
        "assessment:round_rate", kwargs={"site": site.slug, "round": rated_round.public_id}
    )
    data = {"group": "carer"}
    for c in rated_round.framework_version.challenges.all():
        data[f"level-{c.slug}"] = "1"
    response = member_client.post(url, data, HTTP_ACCEPT_LANGUAGE="cy")
    assert response.status_code == 302
    titles = set(Challenge.objects.values_list("short_title", flat=True))
    assert "Everyday interactions" in titles
    assert "Rhyngweithio bob dydd" not in titles


@pytest.mark.django_db
def test_form_labels_and_presenter_text_are_translatable(framework):
    challenges = framework_queries.grid(framework)[1]
    with translation.override("en-gb"):
        form = RatingsForm(challenges=challenges)
        field = form.fields[f"text-{challenges[0].slug}"]
        assert field.label == "Evidence for challenge 1"
        assert form.fields[f"level-{challenges[0].slug}"].label == (
            "1. Changing the nature of day-to-day interactions and the quality of experience"
        )
        assert level_name(2) == "Development"
        assert str(dict(TeamReviewForm().fields["progress_score"].choices)["3.0"]) == (
            "3.0 – Modest improvement"
        )
        row = ChallengeRow(challenges[0], [], None, None, None, staff_mean=3, lived_mean=1)
        assert row.divergence_text == "Service users and carers rate this 2 stages lower"
        row.staff_mean, row.lived_mean = 1, 2.5
        assert row.divergence_text == "Staff rate this 1.5 stages lower"
    with translation.override("cy"):
        form = RatingsForm(challenges=challenges)
        assert form.fields[f"level-{challenges[0].slug}"].label.startswith("1. Newid natur")
