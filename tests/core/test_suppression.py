"""One small-number threshold for every app, set by IMROC_SUPPRESSION_THRESHOLD."""

from __future__ import annotations

import pytest

from imroc.core import suppression
from imroc.programme.models import LearningSetEvaluation, LearningSetInvitation
from imroc.surveys.results import Cell
from tests.programme.factories import LearningSetFactory


def test_the_threshold_comes_from_settings(settings):
    assert suppression.threshold() == 5
    assert str(Cell(4)) == "fewer than 5"
    settings.IMROC_SUPPRESSION_THRESHOLD = 3
    assert str(Cell(4)) == "4"
    assert str(Cell(2)) == "fewer than 3"
    assert suppression.shown(2) is None and suppression.shown(3) == 3


@pytest.mark.django_db
def test_learning_set_evaluations_follow_the_threshold(settings, programme_admin_client, site):
    learning_set = LearningSetFactory(programme=site.programme)
    LearningSetInvitation.objects.create(learning_set=learning_set, site=site)
    for _ in range(4):
        LearningSetEvaluation.objects.create(
            learning_set=learning_set, useful=4, will_use=4, voices_heard=5
        )
    url = f"/programme/learning-sets/{learning_set.public_id}/"
    page = programme_admin_client.get(url).content.decode()
    assert "Results show once 5 people have answered" in page
    settings.IMROC_SUPPRESSION_THRESHOLD = 4
    page = programme_admin_client.get(url).content.decode()
    assert "4 people answered" in page
