"""The board report: contents, the period, access, the PDF and its audit trail, query budget."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from imroc.assessment.models import AssessmentRound
from imroc.core.models import AuditEvent
from imroc.improvement.models import Goal, PdsaCycle
from imroc.reports.board import Period, build_board
from imroc.reports.forms import PeriodForm
from tests.assessment.factories import ConsensusFactory, RatingFactory, RoundFactory
from tests.improvement.factories import CycleFactory, GoalFactory
from tests.measures.factories import MeasureFactory, add_points

PERIOD = "from=2012-01-01&to=2012-12-31"


def url(site, name="board.html", query=PERIOD):
    return f"/sites/{site.slug}/reports/{name}" + (f"?{query}" if query else "")


def make_site_data(site, owner, partner, framework, *, goals=3, measures=3, tag=""):
    """Two closed rounds, goals with decided cycles, and measures with two years of data."""
    challenges = list(framework.challenges.order_by("number"))
    baseline = RoundFactory(
        site=site, framework_version=framework, title=f"Baseline{tag}",
        held_on=dt.date(2011, 6, 1), status=AssessmentRound.Status.CLOSED,
    )  # fmt: skip
    latest = RoundFactory(
        site=site, framework_version=framework, title=f"Review{tag}",
        held_on=dt.date(2012, 6, 1), status=AssessmentRound.Status.CLOSED,
    )  # fmt: skip
    for c in challenges[:3]:
        ConsensusFactory(round=baseline, challenge=c, level=1)
        RatingFactory(round=baseline, challenge=c, stakeholder_group="staff", level=1)
        RatingFactory(round=baseline, challenge=c, stakeholder_group="service_user", level=1)
    ConsensusFactory(round=latest, challenge=challenges[0], level=2)  # up one
    ConsensusFactory(round=latest, challenge=challenges[1], level=1)  # the same
    ConsensusFactory(round=latest, challenge=challenges[2], level=0)  # down one
    for n in range(goals):
        goal = GoalFactory(
            site=site, challenge=challenges[n % 3], owner=owner, title=f"Goal {n}{tag}",
            co_lead=partner if n == 0 else None, target_level=3,
            status=Goal.Status.ACHIEVED if n == 1 else Goal.Status.ACTIVE,
        )  # fmt: skip
        CycleFactory(
            goal=goal, change_idea=f"Adopted idea {n}{tag}", decision=PdsaCycle.Decision.ADOPT,
            starts_on=dt.date(2012, 3, 1), ends_on=dt.date(2012, 3, 31),
            decided_on=dt.date(2012, 4, 2), next_steps="Roll it out",
        )  # fmt: skip
        CycleFactory(
            goal=goal, change_idea=f"Adapted idea {n}{tag}", decision=PdsaCycle.Decision.ADAPT,
            starts_on=dt.date(2012, 5, 1), ends_on=dt.date(2012, 5, 31),
        )  # fmt: skip
        CycleFactory(
            goal=goal, change_idea=f"Old idea {n}{tag}", decision=PdsaCycle.Decision.ABANDON,
            starts_on=dt.date(2011, 5, 1), ends_on=dt.date(2011, 5, 31),
            decided_on=dt.date(2011, 6, 1),
        )  # fmt: skip
        CycleFactory(goal=goal, change_idea=f"Running idea {n}{tag}")
    for n in range(measures):
        measure = MeasureFactory(site=site, owner=owner, name=f"Measure {n}{tag}")
        add_points(measure, [10 + (k % 5) + (8 if k > 17 else 0) for k in range(24)])


@pytest.fixture
def data(site, site_lead, partner, framework, other_site):
    make_site_data(site, site_lead, partner, framework)
    make_site_data(other_site, site_lead, partner, framework, goals=1, measures=1, tag=" secret")
    return site


# --- Contents ---------------------------------------------------------------------------------


def test_board_html_has_every_section_from_the_sites_own_data(viewer_client, data, site):
    response = viewer_client.get(url(site))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Board report: Ashdown Vale NHS Foundation Trust" in html
    assert "1 January 2012 to 31 December 2012" in html
    for heading in ("Summary", "Progress on the challenges", "Goals and their status",
                    "PDSA cycles completed in the period", "Measures", "Co-production",
                    "Recovery college", "Workforce and partnerships"):  # fmt: skip
        assert f">{heading}</h2>" in html
    # Cycles decided in the period, and what was adopted; not the ones before it or running.
    assert "Adopted idea 0" in html and "Adapted idea 2" in html
    assert "Old idea" not in html and "Running idea" not in html
    assert "Roll it out" in html
    # Every goal, with its status; measures with charts and a table of the period's values.
    assert "Goal 2" in html and "Achieved" in html
    assert html.count('class="spc-chart"') == 3
    assert "Measure 2: the values in this period" in html
    assert "Mar 2012" in html
    # Nothing of another site.
    assert "secret" not in html


def test_stages_baseline_latest_and_target(data, site):
    report = build_board(site, Period(dt.date(2012, 1, 1), dt.date(2012, 12, 31)))
    first, second, third = report.stage_rows[:3]
    assert (first.baseline, first.latest, first.target, first.change) == (1, 2, 3, 1)
    assert (second.change, third.change) == (0, -1)
    assert report.latest.title == "Review"
    # A period that ends before the second round: the latest is the baseline.
    early = build_board(site, Period(dt.date(2011, 1, 1), dt.date(2011, 12, 31)))
    assert early.latest.title == "Baseline"
    assert [c.change_idea for c in early.cycles] == [f"Old idea {n}" for n in range(3)]
    assert "3 PDSA cycles were completed in this period: 3 abandoned." in early.summary


def test_summary_is_written_from_the_data(data, site):
    report = build_board(site, Period(dt.date(2012, 1, 1), dt.date(2012, 12, 31)))
    assert report.summary[0] == (
        "Since the baseline in June 2011, the agreed stage has risen on 1 and fallen on 1 of "
        "the 3 challenges (latest round: June 2012)."
    )
    assert "1 self-assessment round was held in this period." in report.summary
    assert "The site has 2 open goals and has achieved 1." in report.summary
    assert "6 PDSA cycles were completed in this period: 3 adopted and 3 adapted." in report.summary
    assert "Service users and carers gave 50% of the 6 self-assessment ratings." in report.summary
    assert "33% of goals have a lived-experience co-lead." in report.summary
    assert "The site has no recovery college yet." in report.summary


def test_coproduction_counts_ratings_by_group(data, site):
    report = build_board(site, Period.last_twelve_months())
    rows = {r["group"]: r for r in report.group_rows}
    assert rows["staff"]["ratings"] == 3 and rows["service_user"]["ratings"] == 3
    assert rows["carer"]["ratings"] == 0


def test_empty_site_reads_plainly(lead_client, site, framework):
    response = lead_client.get(url(site, query=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No self-assessment round had been closed by the end of the period" in html
    assert "No PDSA cycles were completed in this period." in html
    assert "The site does not track any measures yet." in html


# --- The period -------------------------------------------------------------------------------


def test_default_period_is_the_last_twelve_months():
    form = PeriodForm(None, today=dt.date(2025, 3, 31))
    assert form.chosen_period() == Period(dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    leap = Period.last_twelve_months(dt.date(2024, 2, 29))
    assert leap == Period(dt.date(2023, 3, 1), dt.date(2024, 2, 29))


def test_only_an_end_date_gives_the_twelve_months_before_it():
    form = PeriodForm({"from": "", "to": "2013-03-31"})
    assert form.chosen_period() == Period(dt.date(2012, 4, 1), dt.date(2013, 3, 31))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2012-02-30", "Enter a real date, like 2024-03-31."),
        ("from=yesterday", "Enter a real date, like 2024-03-31."),
        ("from=2013-01-01&to=2012-01-01", "The end date must be the same as or after the start date."),
        ("from=1999-12-31&to=2000-06-01", "The start date must be in the year 2000 or later."),
        ("from=2090-01-01", "The start date cannot be in the future."),
    ],
)  # fmt: skip
def test_bad_dates_give_a_form_error_not_a_500(viewer_client, site, query, message):
    for name in ("board.html", "board.pdf", ""):
        response = viewer_client.get(url(site, name, query))
        assert response.status_code == 400
        html = response.content.decode()
        assert "There is a problem" in html
        assert message in html
    assert not AuditEvent.objects.filter(action="reports.board_downloaded").exists()


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "board.html", "board.pdf"])
def test_outsider_gets_404_and_anonymous_is_sent_to_sign_in(outsider_client, client, site, name):
    assert outsider_client.get(url(site, name)).status_code == 404
    response = client.get(url(site, name))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_viewer_and_programme_viewer_can_read_it(viewer_client, programme_viewer_client, site):
    assert viewer_client.get(url(site)).status_code == 200
    assert programme_viewer_client.get(url(site, "")).status_code == 200


def test_reports_index_links_to_both_for_the_period(viewer_client, site):
    response = viewer_client.get(url(site, "", PERIOD))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/sites/{site.slug}/reports/board.html?{PERIOD}"' in html.replace("&amp;", "&")
    assert f'href="/sites/{site.slug}/reports/board.pdf?{PERIOD}"' in html.replace("&amp;", "&")


def test_site_nav_links_to_reports(viewer_client, site):
    html = viewer_client.get(f"/sites/{site.slug}/").content.decode()
    assert f'href="/sites/{site.slug}/reports/"' in html


# --- The PDF ----------------------------------------------------------------------------------


def test_pdf_is_real_with_text_page_numbers_and_charts(viewer_client, viewer, data, site):
    response = viewer_client.get(url(site, "board.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    content = response.content
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    pages = len(reader.pages)
    assert pages >= 2
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Ashdown Vale NHS Foundation Trust" in text
    assert "Page 1 of" in text and f"Page {pages} of {pages}" in text
    assert "Adopted idea 0" in text
    assert "secret" not in text
    # Charts are drawn as vectors: their legends are text, not pixels.
    assert "Process limits" in text
    # Downloading is an export: it is in the audit log, with the period.
    event = AuditEvent.objects.get(action="reports.board_downloaded")
    assert event.actor == viewer
    assert event.site_public_id == site.public_id
    assert event.after["from"] == "2012-01-01" and event.after["to"] == "2012-12-31"


def test_viewing_the_html_writes_no_audit_event(viewer_client, site):
    viewer_client.get(url(site))
    assert not AuditEvent.objects.filter(action__startswith="reports.").exists()


# --- Query budget -----------------------------------------------------------------------------


def test_board_html_reads_in_fixed_queries(
    lead_client, site, site_lead, partner, framework, django_assert_max_num_queries
):
    make_site_data(site, site_lead, partner, framework, goals=2, measures=2)
    with django_assert_max_num_queries(45) as small:
        assert lead_client.get(url(site)).status_code == 200
    make_site_data(site, site_lead, partner, framework, goals=6, measures=8, tag=" more")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = lead_client.get(url(site))
    assert response.status_code == 200
    assert response.content.decode().count('class="spc-chart"') == 10


def test_index_lists_exports_only_for_those_who_may_take_them(lead_client, viewer_client, site):
    exports = f'href="/sites/{site.slug}/exports/"'
    assert exports in lead_client.get(url(site, "", "")).content.decode()
    assert exports not in viewer_client.get(url(site, "", "")).content.decode()
