"""Staff support is aggregate and anonymous: small numbers are suppressed, and totals never give
a suppressed cell away (secondary suppression)."""

from __future__ import annotations

import datetime as dt

import pytest

from imroc.core.services import ServiceError
from imroc.core.suppression import suppress_row
from imroc.workforce import figures, services
from imroc.workforce.models import StaffSurvey, SupervisionCoverage
from tests.programme.factories import TeamFactory
from tests.workforce.conftest import text

ACTOR_NAME = "tests"


def test_cells_below_the_threshold_are_hidden():
    row = suppress_row([3, 10, 12], limit=5)
    # 3 is hidden; the smallest other cell goes too, or 25 - 10 - 12 would reveal it.
    assert row.cells == [None, None, 12] and row.total == 25


def test_two_hidden_cells_need_no_more():
    row = suppress_row([3, 4, 12], limit=5)
    assert row.cells == [None, None, 12] and row.total == 19


def test_a_lone_hidden_cell_hides_the_total():
    row = suppress_row([3], total=9, limit=5)
    assert row.cells == [None] and row.total is None


def test_small_total_is_hidden():
    row = suppress_row([1, 2], limit=5)
    assert row.cells == [None, None] and row.total is None


def test_nothing_small_shows_everything():
    assert suppress_row([5, 6], limit=5).cells == [5, 6]


@pytest.mark.parametrize("cells", [[2, 9, 14], [1, 7], [4, 20, 30, 6], [6, 3, 8, 9]])
def test_no_hidden_cell_can_be_worked_out_from_the_total(cells):
    row = suppress_row(cells, limit=5)
    hidden = [i for i, c in enumerate(row.cells) if c is None]
    if row.total is not None and hidden:
        assert len(hidden) != 1


def test_threshold_comes_from_settings(settings):
    settings.IMROC_SUPPRESSION_THRESHOLD = 10
    assert suppress_row([7, 20, 30]).cells == [None, None, 30]


@pytest.mark.django_db
def test_page_hides_small_numbers_and_the_cell_that_would_give_them_away(lead_client, site, wurl):
    north = TeamFactory(site=site, name="North", slug="north", staff_count=30)
    south = TeamFactory(site=site, name="South", slug="south", staff_count=30)
    east = TeamFactory(site=site, name="East", slug="east", staff_count=30)
    period = dt.date(2014, 3, 1)
    SupervisionCoverage.objects.create(
        site=site, team=north, period=period, supervised=3, in_scope=20
    )
    SupervisionCoverage.objects.create(
        site=site, team=south, period=period, supervised=17, in_scope=22
    )
    SupervisionCoverage.objects.create(
        site=site, team=east, period=period, supervised=11, in_scope=25
    )
    page = text(lead_client.get(wurl("staff_support", site)))
    assert "Some figures are hidden" in page
    # North's 3 and East's 11 (the next smallest) are hidden; South's 17 and the total 31 show.
    assert ">3<" not in page and ">11<" not in page
    assert ">17<" in page and ">31<" in page


@pytest.mark.django_db
def test_small_survey_rounds_show_no_scores(lead_client, site, wurl):
    StaffSurvey.objects.create(site=site, title="Pulse survey", held_on=dt.date(2014, 5, 1), responses=4,
                               item_scores=[["Supported by my manager", 4.4]])  # fmt: skip
    page = text(lead_client.get(wurl("staff_support", site)))
    assert "Fewer than 5 responses" in page and "4.4" not in page


@pytest.mark.django_db
def test_charted_staff_figures_leave_small_months_out(site):
    team = TeamFactory(site=site, name="North", slug="north", staff_count=30)
    SupervisionCoverage.objects.create(
        site=site, team=team, period=dt.date(2014, 1, 1), supervised=3, in_scope=20
    )
    SupervisionCoverage.objects.create(
        site=site, team=team, period=dt.date(2014, 2, 1), supervised=12, in_scope=20
    )
    assert [r["period"] for r in figures.supervision_coverage(site)] == [dt.date(2014, 2, 1)]


@pytest.mark.django_db
def test_bad_staff_input_is_refused(lead_client, site, wurl):
    TeamFactory(site=site, name="North", slug="north", staff_count=10)
    response = lead_client.post(
        wurl("survey_create", site),
        {"title": "Survey", "held_on": "2014-01-01", "invited": "10", "responses": "12"},
    )
    assert "12 responses is more than the 10 staff invited" in text(response)
    response = lead_client.post(
        wurl("survey_create", site),
        {
            "title": "Survey",
            "held_on": "2014-01-01",
            "responses": "12",
            "item_1": "Q",
            "score_1": "7",
        },
    )
    assert "The score must be from 1 to 5" in text(response)
    response = lead_client.post(
        wurl("supervision_record", site),
        {"period": "2014-01", "team": "north", "supervised": "4", "in_scope": "11"},
    )
    assert "North has 10 staff" in text(response)
    assert not StaffSurvey.objects.exists() and not SupervisionCoverage.objects.exists()
    with pytest.raises(ServiceError):
        services.record_supervision_coverage(
            site,
            actor=None,
            period=dt.date(2014, 1, 5),
            team=site.teams.get(),
            supervised=1,
            in_scope=2,
        )


@pytest.mark.django_db
def test_outsider_and_viewer(outsider_client, viewer_client, site, wurl):
    assert outsider_client.get(wurl("staff_support", site)).status_code == 404
    assert viewer_client.get(wurl("staff_support", site)).status_code == 200
    assert (
        viewer_client.post(
            wurl("college_use_record", site), {"period": "2014-01", "staff_learners": "9"}
        ).status_code
        == 403
    )
