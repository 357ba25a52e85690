"""Every list page downloads as CSV and Excel: same rows and filters, site-scoped, audited."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from imroc.accounts.reauth import make_stale
from imroc.core import tables
from imroc.core.models import AuditEvent
from imroc.programme.models import LearningSetInvitation
from tests.assessment.factories import RatingFactory, RoundFactory
from tests.college.factories import EnrolmentFactory, LearnerFactory, build_college
from tests.improvement.factories import CycleFactory, GoalFactory
from tests.measures.factories import MeasureFactory, add_points
from tests.programme.factories import ApplicationFactory, LearningSetFactory, ResourceFactory
from tests.surveys.factories import licensed_version, make_responses
from tests.workforce.factories import workforce_samples

EVIL = '=HYPERLINK("http://x.example","click")'


@pytest.fixture
def lists(site, other_site, framework, site_lead, team):
    challenge = framework.challenges.first()
    goal = GoalFactory(site=site, challenge=challenge, owner=site_lead, title=EVIL)
    GoalFactory(site=site, challenge=challenge, owner=site_lead, title="Second goal")
    CycleFactory(goal=goal, change_idea="Ask people what matters")
    other_goal = GoalFactory(site=other_site, challenge=challenge, owner=site_lead, title="Not yours")  # fmt: skip
    measure = MeasureFactory(site=site, owner=site_lead, name="Bed days")
    add_points(measure, [1.0, 2.0, 3.0])
    rnd = RoundFactory(site=site, framework_version=framework)
    RatingFactory(round=rnd, challenge=challenge, level=2, evidence="We hold weekly groups")
    college, _course, run = build_college(site)
    anna = LearnerFactory(college=college, name="Anna Learner", contact="anna@example.org")
    LearnerFactory(college=college, name="Bert Learner", contact="bert@example.org")
    EnrolmentFactory(run=run, learner=anna)
    _other_college, _, other_run = build_college(other_site)
    workforce_samples(site)
    version = licensed_version(site)
    make_responses(site, version, [(dt.date(2024, 3, d), "2") for d in range(1, 8)])
    make_responses(site, version, [(dt.date(2024, 4, 1), "3")])
    learning_set = LearningSetFactory(programme=site.programme)
    LearningSetInvitation.objects.create(learning_set=learning_set, site=site)
    ApplicationFactory(programme=site.programme)
    ResourceFactory(programme=site.programme, site=site)
    return {
        "goal": goal, "other_goal": other_goal, "measure": measure, "round": rnd, "run": run,
        "other_run": other_run, "instrument": version.instrument,
    }  # fmt: skip


def _url(name, site, **kwargs):
    return reverse(name, kwargs={"site": site.slug, **kwargs})


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return tables.read_csv(b"".join(response.streaming_content))


def _xlsx(response) -> list[list]:
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _routes(site, d):
    return {
        "goals": _url("improvement:goals", site),
        "cycles": _url("improvement:goal", site, goal=d["goal"].public_id),
        "measures": _url("measures:board", site),
        "points": _url("measures:detail", site, measure=d["measure"].public_id),
        "rounds": _url("assessment:rounds", site),
        "ratings": _url("assessment:round", site, round=d["round"].public_id),
        "courses": _url("college:home", site),
        "trainers": _url("college:trainers", site),
        "learners": _url("college:learners", site),
        "places": _url("college:run", site, run=d["run"].public_id),
        "cohorts": _url("workforce:home", site),
        "training": _url("workforce:training", site),
        "policies": _url("workforce:policies", site),
        "partners": _url("workforce:partnerships", site),
        "indicators": _url("workforce:personalisation", site),
        "questionnaires": _url("surveys:home", site),
        "results": _url("surveys:results", site, instrument=d["instrument"].public_id),
        "teams": _url("sites:dashboard", site),
        "learning_sets": _url("sites:learning_sets", site),
        "library": _url("sites:library", site),
        "benchmarks": _url("measures:benchmarks", site),
    }


def test_goals_csv_is_escaped_and_scoped(site, lists, viewer_client):
    rows = _csv(viewer_client.get(_url("improvement:goals", site), {"format": "csv"}))
    assert rows[0][:3] == ["Goal", "Challenge", "Target stage"]
    titles = sorted(r[0] for r in rows[1:])
    assert titles == ["'" + EVIL, "Second goal"]
    event = AuditEvent.objects.get(action="exports.list")
    assert event.after == {"list": "goals", "format": "csv", "profile": "full", "rows": 2}
    assert event.site_public_id == site.public_id


def test_goals_xlsx_reads_back(site, lists, viewer_client):
    rows = _xlsx(viewer_client.get(_url("improvement:goals", site), {"format": "xlsx"}))
    assert rows[0][0] == "Goal"
    assert sorted(r[0] for r in rows[1:]) == ["'" + EVIL, "Second goal"]


def test_cycles_points_rounds_ratings(site, lists, viewer_client):
    d = lists
    cycles = _csv(viewer_client.get(_url("improvement:goal", site, goal=d["goal"].public_id), {"format": "csv"}))  # fmt: skip
    assert [r[0] for r in cycles[1:]] == ["Ask people what matters"]
    points = _xlsx(viewer_client.get(_url("measures:detail", site, measure=d["measure"].public_id), {"format": "xlsx"}))  # fmt: skip
    assert [r[1] for r in points[1:]] == [1.0, 2.0, 3.0]
    board = _csv(viewer_client.get(_url("measures:board", site), {"format": "csv"}))
    assert [r[0] for r in board[1:]] == ["Bed days"] and board[1][12] == "3"
    rounds = _csv(viewer_client.get(_url("assessment:rounds", site), {"format": "csv"}))
    assert len(rounds) == 2 and rounds[1][3] == "1"
    ratings = _csv(viewer_client.get(_url("assessment:round", site, round=d["round"].public_id), {"format": "csv"}))  # fmt: skip
    assert (
        ratings[1][2:] == ["Rating", "Staff", "2", "We hold weekly groups"] or ratings[1][4] == "2"
    )


def test_college_lists_hide_contacts_from_partners_and_viewers(
    site, lists, viewer_client, partner_client, member_client, programme_viewer_client
):
    viewer_rows = _csv(partner_client.get(_url("college:learners", site), {"format": "csv"}))
    assert viewer_rows[0][:2] == ["Name", "Group"]
    assert b"@example.org" not in "".join(",".join(r) for r in viewer_rows).encode()
    member_rows = _csv(member_client.get(_url("college:learners", site), {"format": "csv", "q": "anna"}))  # fmt: skip
    assert member_rows[0][:2] == ["Name", "Contact"]
    assert [r[:2] for r in member_rows[1:]] == [["Anna Learner", "anna@example.org"]]
    places = _csv(member_client.get(_url("college:run", site, run=lists["run"].public_id), {"format": "csv"}))  # fmt: skip
    assert [r[0] for r in places[1:]] == ["Anna Learner"]
    courses = _csv(viewer_client.get(_url("college:home", site), {"format": "csv"}))
    assert [r[0] for r in courses[1:]] == ["Understanding recovery"]
    trainers = _xlsx(viewer_client.get(_url("college:trainers", site), {"format": "xlsx"}))
    assert sorted(r[0] for r in trainers[1:]) == ["Pat Peer", "Rowan Practitioner"]


# Lists of individual learners are for the people who run and teach at the college; a site
# viewer (a board member) never sees a learner (docs/roles.md).
LEARNER_LISTS = {"learners", "places"}


def test_every_list_offers_links_and_refuses_unknown_formats(
    site, lists, viewer_client, partner_client
):
    for name, url in _routes(site, lists).items():
        client = partner_client if name in LEARNER_LISTS else viewer_client
        page = client.get(url)
        assert page.status_code == 200, name
        html = page.content.decode()
        assert "format=csv" in html and "format=xlsx" in html, name
        bad = client.get(url, {"format": "pdf"})
        assert bad.status_code == 400, name
        assert b"format=csv or format=xlsx" in bad.content
        assert client.get(url, {"format": "xlsx"}).status_code == 200, name
        if name in LEARNER_LISTS:
            assert viewer_client.get(url, {"format": "csv"}).status_code == 403, name


def test_outsider_gets_404_on_every_list_download(site, lists, outsider_client):
    for name, url in _routes(site, lists).items():
        for fmt in ("csv", "xlsx", "nonsense"):
            assert outsider_client.get(url, {"format": fmt}).status_code == 404, (name, fmt)
    assert not AuditEvent.objects.filter(action="exports.list").exists()


def test_another_sites_object_is_404_even_for_the_lead(site, lists, lead_client):
    url = _url("improvement:goal", site, goal=lists["other_goal"].public_id)
    assert lead_client.get(url, {"format": "csv"}).status_code == 404
    url = _url("college:run", site, run=lists["other_run"].public_id)
    assert lead_client.get(url, {"format": "csv"}).status_code == 404


def test_workforce_surveys_and_network_lists(site, lists, viewer_client):
    for name, expected in (
        ("workforce:home", 1), ("workforce:training", 1), ("workforce:policies", 1),
        ("workforce:partnerships", 1), ("sites:learning_sets", 1), ("sites:library", 1),
        ("workforce:personalisation", 1),
    ):  # fmt: skip
        rows = _csv(viewer_client.get(_url(name, site), {"format": "csv"}))
        assert len(rows) == expected + 1, name
    questionnaires = _csv(viewer_client.get(_url("surveys:home", site), {"format": "csv"}))
    assert any(r[1] == lists["instrument"].key and r[5] == "8" for r in questionnaires[1:])
    months = _csv(viewer_client.get(_url("surveys:results", site, instrument=lists["instrument"].public_id), {"format": "csv"}))  # fmt: skip
    # April has 1 response (hidden, as on the page); March's 7 is hidden too, or the total
    # of 8 would give April's 1 away (secondary suppression). March's mean, of 7, is shown.
    assert [r[:2] for r in months[1:]] == [["2024-03", ""], ["2024-04", ""]]
    assert months[1][2] != ""
    assert months[2][2] == ""


def test_benchmark_and_stage_downloads(site, lists, viewer_client):
    url = _url("measures:benchmarks", site)
    assert _csv(viewer_client.get(url, {"format": "csv"}))[0] == ["Site", "Cases", "Share (%)", "Reading"]  # fmt: skip
    stages = _csv(viewer_client.get(url, {"format": "csv", "table": "stages"}))
    assert stages[0][0] == "Site" and len(stages[0]) == 11


def test_programme_lists(site, lists, programme_viewer_client, outsider_client):
    from django.urls import reverse as rev

    for name in ("programme:applications", "programme:learning_sets", "programme:library"):
        rows = _xlsx(programme_viewer_client.get(rev(name), {"format": "xlsx"}))
        assert len(rows) == 2, name
        assert outsider_client.get(rev(name), {"format": "csv"}).status_code == 403
    filtered = _csv(programme_viewer_client.get(rev("programme:applications"), {"format": "csv", "status": "declined"}))  # fmt: skip
    assert len(filtered) == 1
    event = AuditEvent.objects.filter(action="exports.list").first()
    assert event.site_public_id is None
    sites = _csv(programme_viewer_client.get(rev("programme:home"), {"format": "csv"}))
    assert sorted(r[0] for r in sites[1:]) == sorted([site.name, "Brackenmoor Partnership NHS Trust"])  # fmt: skip
    pilots = _csv(programme_viewer_client.get(rev("programme:home"), {"format": "csv", "category": "pilot"}))  # fmt: skip
    assert [r[0] for r in pilots[1:]] == ["Brackenmoor Partnership NHS Trust"]


def test_downloading_learner_contacts_needs_a_recent_password(
    site, lists, member_client, partner_client
):
    make_stale(member_client)
    for url in (
        _url("college:learners", site),
        _url("college:run", site, run=lists["run"].public_id),
    ):
        response = member_client.get(url, {"format": "csv"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/reauth/")
    # A partner's download has no contacts, but names of learners are personal data too
    # (imroc/accounts/personal_data.py): it asks for the password as well.
    make_stale(partner_client)
    stale = partner_client.get(_url("college:learners", site), {"format": "csv"})
    assert stale.status_code == 302 and stale["Location"].startswith("/accounts/reauth/")
