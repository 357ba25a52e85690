"""The board report's default period follows the site's latest records, up to today."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from imroc.assessment.models import AssessmentRound
from imroc.improvement.models import PdsaCycle, Review
from imroc.reports.board import Period, latest_activity
from imroc.reports.forms import PeriodForm
from tests.assessment.factories import RoundFactory
from tests.college.factories import (
    CollegeFactory,
    CourseFactory,
    RunFactory,
    SessionFactory,
    TermFactory,
)
from tests.improvement.factories import CycleFactory, GoalFactory
from tests.measures.factories import MeasureFactory, add_points

TODAY = dt.date(2026, 11, 26)
NOTE = "The site's latest records are from {month}, so the report covers the 12 months"


def points(site, owner, start=dt.date(2012, 1, 1), months=27):
    """Monthly values from January 2012: by default the last is March 2014, as in the demo."""
    measure = MeasureFactory(site=site, owner=owner)
    add_points(measure, [10 + k % 4 for k in range(months)], start=start)
    return measure


def session_on(site, day: dt.date, **kwargs):
    college = getattr(site, "college", None) or CollegeFactory(site=site)
    course = CourseFactory(college=college)
    run = RunFactory(course=course, term=TermFactory(college=college), **kwargs.pop("run", {}))
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return SessionFactory(run=run, starts_at=at, **kwargs)


def default(site, today=TODAY) -> Period:
    return PeriodForm(None, today=today, site=site).chosen_period()


# --- Following the latest records ---------------------------------------------------------------


def test_default_is_the_twelve_months_up_to_the_month_of_the_latest_data(site, site_lead):
    points(site, site_lead)  # the last point is 1 March 2014
    form = PeriodForm(None, today=TODAY, site=site)
    assert form.chosen_period() == Period(dt.date(2013, 4, 1), dt.date(2014, 3, 31))
    assert form.initial == {"from": dt.date(2013, 4, 1), "to": dt.date(2014, 3, 31)}
    assert form.latest_on == dt.date(2014, 3, 1) and form.follows_latest_records


@pytest.mark.parametrize("source", ["cycle started", "cycle decided", "round", "review", "session"])
def test_every_kind_of_record_counts(site, site_lead, framework, source):
    points(site, site_lead)  # to March 2014; each record below is later, in February 2015
    day = dt.date(2015, 2, 10)
    goal = GoalFactory(site=site, challenge=framework.challenges.first(), owner=site_lead)
    if source == "cycle started":
        CycleFactory(goal=goal, starts_on=day, ends_on=day)
    elif source == "cycle decided":
        CycleFactory(goal=goal, decision=PdsaCycle.Decision.ADOPT, decided_on=day)
    elif source == "round":
        RoundFactory(site=site, framework_version=framework, held_on=day)
    elif source == "review":
        Review.objects.create(site=site, goal=goal, held_on=day, notes="On track")
    else:
        session_on(site, day)
    assert default(site) == Period(dt.date(2014, 3, 1), dt.date(2015, 2, 28))


def test_cancelled_sessions_and_future_records_do_not_count(site, site_lead, framework):
    points(site, site_lead)
    session_on(site, dt.date(2015, 6, 1), cancelled=True)
    session_on(site, dt.date(2015, 7, 1), run={"cancelled": True})
    goal = GoalFactory(site=site, challenge=framework.challenges.first(), owner=site_lead)
    CycleFactory(goal=goal, starts_on=dt.date(2027, 1, 4), ends_on=dt.date(2027, 2, 4))
    RoundFactory(site=site, framework_version=framework, held_on=dt.date(2027, 3, 1))
    assert default(site) == Period(dt.date(2013, 4, 1), dt.date(2014, 3, 31))


def test_default_never_goes_past_today(site, site_lead):
    points(site, site_lead, start=dt.date(2026, 1, 1), months=11)  # the last is 1 November 2026
    form = PeriodForm(None, today=TODAY, site=site)
    assert form.chosen_period() == Period(dt.date(2025, 11, 27), TODAY)
    assert form.chosen_period() == Period.last_twelve_months(TODAY)
    assert not form.follows_latest_records  # nothing to explain: it is the usual default


def test_a_leap_day_and_a_short_month(site, site_lead):
    points(site, site_lead, start=dt.date(2011, 1, 1), months=14)  # the last is February 2012
    assert default(site) == Period(dt.date(2011, 3, 1), dt.date(2012, 2, 29))


def test_a_site_with_no_records_gets_the_last_twelve_months(site):
    form = PeriodForm(None, today=TODAY, site=site)
    assert form.chosen_period() == Period.last_twelve_months(TODAY)
    assert form.latest_on is None and not form.follows_latest_records
    # And without a site (as before), the same.
    assert PeriodForm(None, today=TODAY).chosen_period() == Period.last_twelve_months(TODAY)


def test_another_sites_records_do_not_move_the_default(site, other_site, site_lead, framework):
    points(site, site_lead)
    points(other_site, site_lead, start=dt.date(2016, 1, 1), months=12)
    RoundFactory(site=other_site, framework_version=framework, held_on=dt.date(2018, 5, 1))
    Review.objects.create(site=other_site, held_on=dt.date(2019, 5, 1), notes="Theirs")
    session_on(other_site, dt.date(2020, 5, 1))
    assert default(site) == Period(dt.date(2013, 4, 1), dt.date(2014, 3, 31))
    assert default(other_site) == Period(dt.date(2019, 6, 1), dt.date(2020, 5, 31))


# --- A chosen period wins -----------------------------------------------------------------------


def test_an_explicit_period_wins_and_reads_nothing(site, site_lead, django_assert_num_queries):
    points(site, site_lead)
    form = PeriodForm({"from": "2012-01-01", "to": "2012-12-31"}, today=TODAY, site=site)
    with django_assert_num_queries(0):
        assert form.chosen_period() == Period(dt.date(2012, 1, 1), dt.date(2012, 12, 31))
        assert not form.follows_latest_records


def test_one_date_still_fills_the_other_from_the_last_twelve_months(site, site_lead):
    points(site, site_lead)
    form = PeriodForm({"from": "2013-06-01", "to": ""}, today=TODAY, site=site)
    assert form.chosen_period() == Period(dt.date(2013, 6, 1), TODAY)
    form = PeriodForm({"from": "", "to": "2013-03-31"}, today=TODAY, site=site)
    assert form.chosen_period() == Period(dt.date(2012, 4, 1), dt.date(2013, 3, 31))


def test_two_empty_dates_are_the_default(site, site_lead):
    points(site, site_lead)
    form = PeriodForm({"from": "", "to": ""}, today=TODAY, site=site)
    assert form.chosen_period() == Period(dt.date(2013, 4, 1), dt.date(2014, 3, 31))


# --- Queries ------------------------------------------------------------------------------------


def test_latest_records_are_read_in_a_few_queries(
    site, site_lead, framework, django_assert_num_queries
):
    points(site, site_lead)
    with django_assert_num_queries(5):
        latest_activity(site, TODAY)
    goal = GoalFactory(site=site, challenge=framework.challenges.first(), owner=site_lead)
    for n in range(4):
        points(site, site_lead)
        CycleFactory(
            goal=goal, decision=PdsaCycle.Decision.ADAPT, decided_on=dt.date(2014, 4, n + 1)
        )
        RoundFactory(site=site, framework_version=framework, held_on=dt.date(2014, 5, n + 1))
        Review.objects.create(site=site, held_on=dt.date(2014, 6, n + 1), notes="Fine")
        session_on(site, dt.date(2014, 7, n + 1))
    with django_assert_num_queries(5):
        assert latest_activity(site, TODAY) == dt.date(2014, 7, 4)


# --- The page and the command line --------------------------------------------------------------


def url(site, name="", query=""):
    return f"/sites/{site.slug}/reports/{name}" + (f"?{query}" if query else "")


def test_reports_page_shows_the_default_filled_in_and_says_why(viewer_client, site, site_lead):
    points(site, site_lead)
    html = viewer_client.get(url(site)).content.decode()
    assert 'value="2013-04-01"' in html and 'value="2014-03-31"' in html
    assert NOTE.format(month="March 2014") in html
    assert "For 1 April 2013 to 31 March 2014:" in html
    assert "board.html?from=2013-04-01&amp;to=2014-03-31" in html
    # A chosen period: no sentence about the latest records.
    chosen = viewer_client.get(url(site, query="from=2012-01-01&to=2012-12-31"))
    assert "latest records" not in chosen.content.decode()


def test_reports_page_of_an_empty_site_says_nothing_about_records(viewer_client, site):
    html = viewer_client.get(url(site)).content.decode()
    assert "latest records" not in html
    assert f'value="{timezone.localdate().isoformat()}"' in html


def test_board_page_without_a_period_uses_the_default(viewer_client, site, site_lead):
    points(site, site_lead)
    html = viewer_client.get(url(site, "board.html")).content.decode()
    assert "1 April 2013 to 31 March 2014" in html


def test_reports_page_reads_the_default_in_a_few_queries(
    viewer_client, site, site_lead, framework, django_assert_max_num_queries
):
    points(site, site_lead)
    viewer_client.get(url(site))  # warm the session and caches
    with django_assert_max_num_queries(30) as first:
        assert viewer_client.get(url(site)).status_code == 200
    for _ in range(3):
        points(site, site_lead)
        RoundFactory(site=site, framework_version=framework, held_on=dt.date(2013, 5, 1))
        session_on(site, dt.date(2013, 6, 1))
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert viewer_client.get(url(site)).status_code == 200


def test_command_line_uses_the_same_default(tmp_path, site, site_lead):
    points(site, site_lead)
    out = tmp_path / "board.pdf"
    stdout = io.StringIO()
    call_command("report", "board", site.slug, "--out", str(out), stdout=stdout)
    assert "for 1 April 2013 to 31 March 2014" in stdout.getvalue()
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "1 April 2013 to 31 March 2014" in text
    # Dates given on the command line still win.
    call_command(
        "report", "board", site.slug, "--from", "2012-01-01", "--to", "2012-12-31",
        "--out", str(out), stdout=stdout,
    )  # fmt: skip
    assert "for 1 January 2012 to 31 December 2012" in stdout.getvalue()


def test_command_line_default_for_an_empty_site_is_the_last_twelve_months(tmp_path, site):
    stdout = io.StringIO()
    call_command("report", "board", site.slug, "--out", str(tmp_path / "b.pdf"), stdout=stdout)
    assert f"for {Period.last_twelve_months().label}" in stdout.getvalue()


def test_round_status_does_not_matter(site, framework):
    # An open round is activity too: the site met to rate itself.
    RoundFactory(
        site=site, framework_version=framework, held_on=dt.date(2013, 9, 12),
        status=AssessmentRound.Status.OPEN,
    )  # fmt: skip
    assert default(site) == Period(dt.date(2012, 10, 1), dt.date(2013, 9, 30))
