"""The board report: one site's recovery work over a chosen period, read from every app.

Each section reuses the owning app's queries, presenters and dashboard-panel figures, so the
report always agrees with the pages. Everything is read in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imroc.assessment import queries as assessment_queries
from imroc.assessment.models import LIVED_EXPERIENCE_GROUPS, AssessmentRound
from imroc.college import panels as college_panels
from imroc.college import queries as college_queries
from imroc.college.models import CoProduction, Session
from imroc.framework import queries as framework_queries
from imroc.improvement import panels as improvement_panels
from imroc.improvement import queries as improvement_queries
from imroc.improvement.models import Goal, PdsaCycle, Review
from imroc.improvement.panels import StageRow, challenge_stages
from imroc.measures import presenters as measure_presenters
from imroc.measures.models import DataPoint
from imroc.programme.models import StakeholderGroup
from imroc.reports import summary
from imroc.reports.summary import Facts, summary_sentences
from imroc.workforce import panels as workforce_panels


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def last_twelve_months(cls, today: dt.date | None = None) -> Period:
        today = today or timezone.localdate()
        try:
            year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            year_ago = today.replace(year=today.year - 1, day=28)
        return cls(year_ago + dt.timedelta(days=1), today)

    @property
    def label(self) -> str:
        """'1 January 2012 to 31 December 2012', with months named in the active language."""
        return _("%(start)s to %(end)s") % {
            "start": dateformat.format(self.start, "j F Y"),
            "end": dateformat.format(self.end, "j F Y"),
        }

    def query(self) -> str:
        return f"from={self.start.isoformat()}&to={self.end.isoformat()}"

    def __contains__(self, day) -> bool:
        return day is not None and self.start <= day <= self.end


def _month_end(day: dt.date) -> dt.date:
    next_month = day.replace(day=28) + dt.timedelta(days=4)
    return next_month - dt.timedelta(days=next_month.day)


def latest_activity(site, today: dt.date | None = None) -> dt.date | None:
    """The day of the site's latest record up to today, or None when it has none.

    Records are measure data points, PDSA cycles (started or decided), self-assessment rounds,
    goal and plan reviews, and recovery college sessions that were not cancelled. One aggregate
    query a source, however much data the site has.
    """
    today = today or timezone.localdate()
    days = [
        DataPoint.objects.filter(measure__site=site, period__lte=today).aggregate(on=Max("period"))[
            "on"
        ],
        *PdsaCycle.objects.filter(goal__site=site)
        .aggregate(
            started=Max("starts_on", filter=Q(starts_on__lte=today)),
            decided=Max("decided_on", filter=Q(decided_on__lte=today)),
        )
        .values(),
        AssessmentRound.objects.filter(site=site, held_on__lte=today).aggregate(on=Max("held_on"))[
            "on"
        ],
        Review.objects.filter(site=site, held_on__lte=today).aggregate(on=Max("held_on"))["on"],
    ]
    # A session's day is its local date; asking for those before tomorrow keeps today's.
    tomorrow = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))
    session = Session.objects.filter(
        run__course__college__site=site,
        starts_at__lt=tomorrow,
        cancelled=False,
        run__cancelled=False,
    ).aggregate(at=Max("starts_at"))["at"]
    if session is not None:
        days.append(timezone.localtime(session).date())
    days = [day for day in days if day is not None]
    return max(days) if days else None


def default_period(latest: dt.date | None, today: dt.date | None = None) -> Period:
    """The 12 months up to the end of the month of the latest record, never past today.

    With no records, the last 12 months.
    """
    today = today or timezone.localdate()
    if latest is None:
        return Period.last_twelve_months(today)
    return Period.last_twelve_months(min(_month_end(latest), today))


@dataclass
class ChartSection:
    """One measure's SPC chart, with the data table of the points inside the period."""

    view: object  # imroc.measures.presenters.ChartView
    row: object  # the measure's BoardRow
    table: list


@dataclass
class BoardReport:
    site: object
    period: Period
    generated_at: dt.datetime
    framework: object
    stage_rows: list[StageRow]
    baseline: AssessmentRound | None
    latest: AssessmentRound | None
    rounds_in_period: list[AssessmentRound]
    goals: list[Goal]
    goal_status: list[tuple[str, int]]
    overdue_goals: list[Goal]
    cycles: list[PdsaCycle]
    decisions: list[tuple[str, int]]
    decision_numbers: list[tuple[str, int]]  # (PdsaCycle.Decision value, cycles)
    adopted: list[PdsaCycle]
    measure_rows: list
    charts: list[ChartSection]
    coproduction: dict
    group_rows: list[dict]  # per stakeholder group: ratings given, courses co-produced
    college: dict
    workforce: dict
    summary: list[str] = field(default_factory=list)

    @property
    def improvement_count(self) -> int:
        return sum(1 for r in self.measure_rows if r.variation.startswith("improvement"))

    @property
    def concern_count(self) -> int:
        return sum(1 for r in self.measure_rows if r.variation.startswith("concern"))

    @property
    def goal_status_text(self) -> str:
        """'2 open, 1 achieved, 0 closed': every status, with the labels in the active language."""
        # Translators: a number of goals and their status, as in "2 open".
        return ", ".join(
            _("%(count)d %(status)s") % {"count": n, "status": str(label).lower()}
            for label, n in self.goal_status
        )

    @property
    def decision_text(self) -> str:
        """'1 adopted, 0 adapted, 2 abandoned': the decisions of the period's cycles."""
        n = dict(self.decision_numbers)
        return ", ".join(
            summary.decision_counts(
                n[PdsaCycle.Decision.ADOPT],
                n[PdsaCycle.Decision.ADAPT],
                n[PdsaCycle.Decision.ABANDON],
                keep_zeros=True,
            )
        )


DECISION_WORDS = {
    PdsaCycle.Decision.ADOPT: gettext_lazy("adopted"),
    PdsaCycle.Decision.ADAPT: gettext_lazy("adapted"),
    PdsaCycle.Decision.ABANDON: gettext_lazy("abandoned"),
}
VARIATION_WORDS = {
    "common_cause": gettext_lazy("No significant change"),
    "improvement_high": gettext_lazy("Improving (higher)"),
    "improvement_low": gettext_lazy("Improving (lower)"),
    "concern_high": gettext_lazy("Concern (higher)"),
    "concern_low": gettext_lazy("Concern (lower)"),
    "neutral_high": gettext_lazy("Change (higher)"),
    "neutral_low": gettext_lazy("Change (lower)"),
}
ASSURANCE_WORDS = {
    "pass": gettext_lazy("Will meet the target"),
    "fail": gettext_lazy("Will miss the target"),
    "inconsistent": gettext_lazy("Will sometimes meet the target"),
}


def variation_words(code: str) -> str:
    return str(VARIATION_WORDS.get(code, _("Not assessed")))


def assurance_words(code: str) -> str:
    return str(ASSURANCE_WORDS.get(code, _("Not assessed")))


def _stage_rows(site, period: Period, goals: list[Goal]):
    """Baseline (the first closed round), latest (the last closed by the period's end), target."""
    framework = framework_queries.current_version(site.programme.framework_key)
    challenges = list(framework_queries.challenges(framework)) if framework else []
    stages = challenge_stages(site, challenges, goals, until=period.end)
    in_period = [r for r in stages.rounds if r.held_on in period]
    return framework, stages.rows, stages.baseline, stages.latest, in_period


def _charts(rows, period: Period) -> list[ChartSection]:
    """An SPC chart for every measure with data; the table beside it holds the period's points."""
    with_data = [r for r in rows if r.points]
    views = measure_presenters.chart_views([r.measure for r in with_data], prefix="board-chart")
    return [
        ChartSection(view=v, row=r, table=[t for t in v.table if not t.gap and t.period in period])
        for r, v in zip(with_data, views, strict=True)
    ]


def build_board(site, period: Period, request=None) -> BoardReport:
    """Everything the board report shows, for one site and period."""
    goals = list(improvement_queries.site_goals(site))
    framework, stage_rows, baseline, latest, in_period = _stage_rows(site, period, goals)

    status_counts = Counter(g.status for g in goals)
    today = timezone.localdate()
    overdue = [g for g in goals if g.is_open and g.next_review_on and g.next_review_on < today]

    cycles = list(improvement_queries.cycles_decided_between(site, period.start, period.end))
    decision_counts = Counter(c.decision for c in cycles)

    measure_rows = measure_presenters.board_rows(site)
    charts = _charts(measure_rows, period)

    # Co-production: the improvement panel's figures, plus who rated and who co-produced courses.
    coproduction = improvement_panels.site_dashboard(request, site)
    group_counts = assessment_queries.rating_group_counts(site)
    course_counts = college_queries.coproduction_group_counts(site)
    group_rows = [
        {
            "group": g.value,
            "label": g.label,
            "ratings": group_counts.get(g.value, 0),
            "designed": course_counts.get((CoProduction.Stage.DESIGN, g.value), 0),
            "reviewed": course_counts.get((CoProduction.Stage.REVIEW, g.value), 0),
        }
        for g in StakeholderGroup
    ]

    college = college_panels.figures(site)
    workforce = workforce_panels.site_dashboard(request, site)

    report = BoardReport(
        site=site,
        period=period,
        generated_at=timezone.now(),
        framework=framework,
        stage_rows=stage_rows,
        baseline=baseline,
        latest=latest,
        rounds_in_period=in_period,
        goals=goals,
        goal_status=[(label, status_counts.get(value, 0)) for value, label in Goal.Status.choices],
        overdue_goals=overdue,
        cycles=cycles,
        decisions=[
            (DECISION_WORDS[value], decision_counts.get(value, 0)) for value in DECISION_WORDS
        ],
        decision_numbers=[(value, decision_counts.get(value, 0)) for value in DECISION_WORDS],
        adopted=[c for c in cycles if c.decision == PdsaCycle.Decision.ADOPT],
        measure_rows=measure_rows,
        charts=charts,
        coproduction=coproduction,
        group_rows=group_rows,
        college=college,
        workforce=workforce,
    )
    report.summary = summary_sentences(facts_of(report))
    return report


def facts_of(report: BoardReport) -> Facts:
    """The few numbers the plain-English summary is written from."""
    rows = [r for r in report.stage_rows if r.change is not None]
    lived = sum(r["ratings"] for r in report.group_rows if r["group"] in LIVED_EXPERIENCE_GROUPS)
    college = report.college if report.college.get("college") else None
    return Facts(
        site=report.site.name,
        baseline_on=report.baseline.held_on if report.baseline else None,
        latest_on=report.latest.held_on if report.latest else None,
        challenges=len(report.stage_rows),
        stages_up=sum(1 for r in rows if r.change > 0),
        stages_down=sum(1 for r in rows if r.change < 0),
        stages_compared=len(rows),
        rounds_in_period=len(report.rounds_in_period),
        goals_open=sum(1 for g in report.goals if g.is_open),
        goals_achieved=sum(1 for g in report.goals if g.status == Goal.Status.ACHIEVED),
        goals_overdue=len(report.overdue_goals),
        cycles_completed=len(report.cycles),
        cycles_adopted=sum(1 for c in report.cycles if c.decision == PdsaCycle.Decision.ADOPT),
        cycles_adapted=sum(1 for c in report.cycles if c.decision == PdsaCycle.Decision.ADAPT),
        cycles_abandoned=sum(1 for c in report.cycles if c.decision == PdsaCycle.Decision.ABANDON),
        measures=len(report.measure_rows),
        measures_improving=report.improvement_count,
        measures_concern=report.concern_count,
        ratings=sum(r["ratings"] for r in report.group_rows),
        lived_ratings=lived,
        co_lead_share=report.coproduction.get("co_lead_share"),
        college_runs=college["runs_total"] if college else None,
        college_co_delivered_share=college["co_delivered_share"] if college else None,
        peer_workers=report.workforce.get("employed") or 0,
        training_coverage=report.workforce.get("coverage"),
        training_target=report.workforce.get("target"),
    )
