"""Joint training events and coverage, and 'Chart this' turning coverage into a p-chart."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imroc.measures.models import DataPoint, Measure
from imroc.workforce.models import ChartLink, TrainingCoverage, TrainingEvent
from tests.measures.factories import ProgrammeMeasureFactory
from tests.programme.factories import TeamFactory
from tests.workforce.conftest import text
from tests.workforce.factories import CoverageFactory, EventFactory

pytestmark = pytest.mark.django_db

EVENT = {
    "topic": "What recovery means to us", "held_on": "2013-03-05", "capacity": "20", "staff_attended": "8",
    "service_users_attended": "7", "carers_attended": "2", "trainer_1": "Alex (peer trainer)", "trainer_1_lived": "on",
    "trainer_2": "Sam (nurse)",
}  # fmt: skip


def test_lead_records_a_joint_training_event(lead_client, site, wurl):
    response = lead_client.post(wurl("event_create", site), EVENT, follow=True)
    event = TrainingEvent.objects.get(site=site)
    assert event.attendees == 17 and event.trainers.filter(lived_experience=True).count() == 1
    assert "No trainer at this event trains from lived experience" not in text(response)
    assert "What recovery means to us" in text(lead_client.get(wurl("training", site)))


def test_warns_when_no_trainer_has_lived_experience(lead_client, site, wurl):
    response = lead_client.post(
        wurl("event_create", site), {**EVENT, "trainer_1_lived": ""}, follow=True
    )
    assert TrainingEvent.objects.count() == 1
    assert "No trainer at this event trains from lived experience" in text(response)


def test_more_attendees_than_places_is_refused(lead_client, site, wurl):
    response = lead_client.post(wurl("event_create", site), {**EVENT, "staff_attended": "15"})
    assert response.status_code == 200
    assert "24 people attended, but the event had 20 places" in text(response)
    assert 'value="What recovery means to us"' in text(response)
    assert not TrainingEvent.objects.exists()


@pytest.mark.parametrize(("change", "message"), [
    ({"capacity": "0"}, "at least 1 place"), ({"staff_attended": "-2"}, "cannot be below 0"),
    ({"trainer_1": ""}, "Name at least one trainer"), ({"held_on": "2013-02-30"}, "Enter a real date"),
])  # fmt: skip
def test_bad_event_input(lead_client, site, wurl, change, message):
    response = lead_client.post(wurl("event_create", site), {**EVENT, **change})
    assert message in text(response) and "There is a problem" in text(response)
    assert not TrainingEvent.objects.exists()


def test_coverage_is_checked(lead_client, site, wurl):
    team = TeamFactory(site=site, name="Small team", slug="small", staff_count=12)
    url = wurl("coverage_record", site)
    base = {"period": "2013-01", "profession": "all", "trained": "5", "in_scope": "10"}
    assert "more than the staff in scope" in text(lead_client.post(url, {**base, "trained": "11"}))
    assert "Small team has 12 staff" in text(
        lead_client.post(url, {**base, "team": "small", "in_scope": "20"})
    )
    assert "not a month" in text(lead_client.post(url, {**base, "period": "January"}))
    assert "has not started yet" in text(lead_client.post(url, {**base, "period": "2999-01"}))
    assert not TrainingCoverage.objects.exists()
    assert lead_client.post(url, {**base, "team": "small"}).status_code == 302
    assert (
        lead_client.post(url, {**base, "team": "small", "trained": "6"}).status_code == 302
    )  # corrects
    row = TrainingCoverage.objects.get()
    assert row.trained == 6 and row.team == team


def test_chart_this_makes_a_p_chart_and_is_idempotent(lead_client, site, wurl):
    for month, trained in ((1, 10), (2, 14), (3, 18), (4, 20)):
        CoverageFactory(site=site, period=dt.date(2013, month, 1), trained=trained, in_scope=40)
    url = wurl("chart", site, figure="training-coverage")
    response = lead_client.post(url, {"next": wurl("training", site)})
    measure = Measure.objects.get(site=site)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "measures:detail", kwargs={"site": site.slug, "measure": measure.public_id}
    )
    assert measure.data_type == "proportion" and measure.chart_type == "p" and measure.target == 80
    points = list(DataPoint.objects.filter(measure=measure).order_by("period"))
    assert [(p.numerator, p.denominator) for p in points] == [
        (10, 40),
        (14, 40),
        (18, 40),
        (20, 40),
    ]

    detail = lead_client.get(response["Location"])
    assert detail.status_code == 200 and "<svg" in text(detail)

    CoverageFactory(site=site, period=dt.date(2013, 5, 1), trained=22, in_scope=40)
    again = lead_client.post(url)
    assert again["Location"] == response["Location"]
    assert Measure.objects.filter(site=site).count() == 1 and ChartLink.objects.count() == 1
    assert DataPoint.objects.filter(measure=measure).count() == 5
    assert "See the chart" in text(lead_client.get(wurl("training", site)))


def test_chart_this_reports_into_the_programme_measure(lead_client, site, wurl):
    shared = ProgrammeMeasureFactory(
        programme=site.programme, name="Staff who completed co-produced recovery training"
    )
    CoverageFactory(site=site, period=dt.date(2013, 1, 1))
    lead_client.post(wurl("chart", site, figure="training-coverage"))
    measure = Measure.objects.get(site=site)
    assert measure.shared == shared


def test_chart_this_with_no_data_says_so(lead_client, site, wurl):
    response = lead_client.post(
        wurl("chart", site, figure="training-coverage"),
        {"next": "https://evil.example/"},
        follow=True,
    )
    assert "There are no figures to chart yet" in text(response)
    assert response.redirect_chain[-1][0] == wurl("home", site)
    assert not Measure.objects.exists()


def test_chart_rules(lead_client, viewer_client, outsider_client, site, wurl):
    assert lead_client.get(wurl("chart", site, figure="training-coverage")).status_code == 405
    assert lead_client.post(wurl("chart", site, figure="no-such-figure")).status_code == 404
    assert lead_client.post(wurl("chart", site, figure="indicator-nothex")).status_code == 404
    assert viewer_client.post(wurl("chart", site, figure="training-coverage")).status_code == 403
    assert outsider_client.post(wurl("chart", site, figure="training-coverage")).status_code == 404


def test_outsider_cannot_see_events(outsider_client, site, wurl):
    event = EventFactory(site=site)
    assert outsider_client.get(wurl("event", site, event=event.public_id)).status_code == 404
    assert outsider_client.get(wurl("training", site)).status_code == 404


def test_training_page_queries_do_not_grow(lead_client, site, wurl):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert lead_client.get(wurl("training", site)).status_code == 200
        return len(ctx.captured_queries)

    EventFactory(site=site)
    CoverageFactory(site=site)
    before = count()
    for i in range(5):
        EventFactory(site=site)
        CoverageFactory(site=site, period=dt.date(2013, 2 + i, 1))
    assert count() == before
