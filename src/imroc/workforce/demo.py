"""Demonstration workforce data, matching the programme's history: peer support workers employed
at 8 sites within two years, joint training, policy reviews with lived-experience reviewers,
partnerships, and IPS fidelity improving over 2012 to 2014. Written through the services."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from imroc.core.audit import SystemActor
from imroc.programme.models import Category, Programme
from imroc.workforce import reference, services
from imroc.workforce.figures import add_months
from imroc.workforce.models import (
    EmploymentOutcome,
    IndicatorValue,
    PeerPost,
    PeerSupervision,
    Policy,
    ReferralCount,
    SafetyPlanning,
    StaffCollegeUse,
    SupervisionCoverage,
    TrainingCoverage,
)

ACTOR = SystemActor("demo")
TOPICS = [
    "What recovery means to us", "Hope-inspiring conversations", "Writing safety plans together",
    "Sharing decisions about medication", "Strengths-based care planning", "Personal budgets and choice",
    "Recovery language in everyday practice", "Working alongside peer support workers",
]  # fmt: skip
PARTNERS = [
    ("Riverside Housing Association", "housing", "Supported tenancies and a fast route back into housing after a stay on the ward."),
    ("Northgate Further Education College", "education", "Adult learning courses with places kept for people using the service."),
    ("Jobcentre and Work Coaches", "employment", "Joint working between IPS employment specialists and work coaches."),
    ("Parkside Leisure Trust", "leisure", "Reduced-price gym and swimming with a buddy scheme."),
    ("Faith and Community Forum", "faith", "Community groups that welcome people back after a crisis."),
]  # fmt: skip
IPS_TOTALS = {2012: (66, 80), 2013: (82, 98), 2014: (98, 118)}


def _month(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out = []
    while first <= last:
        out.append(first)
        first = add_months(first, 1)
    return out


def _scores(total: int, rng: random.Random) -> list[int]:
    """25 item scores from 1 to 5 adding up to the total."""
    scores = [1] * len(reference.IPS_ITEMS)
    for _ in range(total - len(scores)):
        i = rng.choice([i for i, s in enumerate(scores) if s < 5])
        scores[i] += 1
    return scores


def build_demo(programme: Programme, rng: random.Random, users: dict) -> None:
    sites = list(programme.sites.exclude(category=Category.PARTNER).order_by("id"))
    demo = [s for s in sites if s.category == Category.DEMONSTRATION]
    pilot = [s for s in sites if s.category == Category.PILOT]
    peer_sites = demo + pilot[:2]  # 8 sites employed peer support workers within two years
    for index, site in enumerate(peer_sites):
        if site.peer_cohorts.exists():
            continue
        teams = list(site.teams.order_by("id"))
        _peer_cohort(site, teams, index, rng)
        _training(site, teams, rng, full=index < 6)
        _staff_support(site, teams, rng)
        _policies(site, teams, rng, lived=index % 3 != 2)
        _partnerships(site, rng)
        if index < 6:
            _ips(site, rng)
    if demo and demo[0].personalisation.count() == 0:
        _personalisation(demo[0], rng)
        # A second cohort, just starting, so a new lead can take it through the phases.
        services.create_cohort(
            demo[0], actor=ACTOR, name="Second cohort", started_on=dt.date(2015, 9, 1),
            training_course="Peer support: principles and practice", training_hours=40,
        )  # fmt: skip


def _advance(cohort, on: dt.date) -> None:
    keys = {item.key for item in reference.CHECKLISTS[cohort.phase]}
    services.set_checklist(cohort, actor=ACTOR, done=keys, on=on)
    services.advance_cohort(cohort, actor=ACTOR, expected_version=cohort.version, on=on)


def _peer_cohort(site, teams, index, rng) -> None:
    start = dt.date(2011, 5 + index % 6, 1) + dt.timedelta(days=rng.randint(0, 20))
    cohort = services.create_cohort(
        site, actor=ACTOR, name="First cohort", started_on=start,
        training_course="Peer support: principles and practice", training_hours=40,
    )  # fmt: skip
    recruit_on = start + dt.timedelta(days=rng.randint(90, 150))
    _advance(cohort, recruit_on)
    how_many = rng.randint(4, 8)
    applicants = how_many * rng.randint(4, 9)
    services.update_recruitment(
        cohort, actor=ACTOR, expected_version=cohort.version, applicants=applicants,
        interviewed=min(applicants, how_many * 3), training_course=cohort.training_course, training_hours=40,
    )  # fmt: skip
    employ_on = recruit_on + dt.timedelta(days=rng.randint(90, 180))
    _advance(cohort, employ_on)
    for n in range(1, how_many + 1):
        team = teams[(n - 1) % len(teams)] if teams else None
        appointed = employ_on + dt.timedelta(days=rng.randint(0, 40))
        left, reason = None, ""
        if rng.random() < 0.2:
            left = appointed + dt.timedelta(days=rng.randint(200, 900))
            reason = rng.choice(list(PeerPost.LeavingReason.values))
        services.add_post(
            cohort, actor=ACTOR, label=f"Peer support worker {n}", team=team,
            fte=Decimal(rng.choice(["0.6", "0.8", "1.00", "1.00"])), appointed_on=appointed,
            training_completed_on=appointed + dt.timedelta(days=rng.randint(20, 60)),
            left_on=left, leaving_reason=reason,
        )  # fmt: skip
    if index % 2 == 0:
        _advance(cohort, employ_on + dt.timedelta(days=rng.randint(300, 420)))
    sessions = [
        PeerSupervision(cohort=cohort, period=p, sessions=rng.randint(how_many, how_many * 2))
        for p in _months(employ_on.replace(day=1), _month(2016, 3))
    ]
    services.bulk_load(site, actor=ACTOR, peer_sessions=sessions)


def _training(site, teams, rng, full: bool) -> None:
    for _ in range(rng.randint(5, 10) if full else rng.randint(2, 4)):
        capacity = rng.choice([16, 20, 24, 30])
        staff = rng.randint(capacity // 3, capacity // 2)
        users = rng.randint(3, capacity - staff - 2)
        carers = rng.randint(0, capacity - staff - users)
        lived = rng.random() < 0.85
        services.create_event(
            site, actor=ACTOR, topic=rng.choice(TOPICS),
            held_on=dt.date(2011, 9, 1) + dt.timedelta(days=rng.randint(0, 1500)),
            capacity=capacity, staff_attended=staff, service_users_attended=users, carers_attended=carers,
            trainers=[("Trainer with lived experience" if lived else "Second staff trainer", lived),
                      ("Staff trainer, nursing", False)],
        )  # fmt: skip
    in_scope = sum(t.staff_count or 0 for t in teams) or 200
    rows, trained = [], in_scope * rng.uniform(0.05, 0.15)
    for period in _months(_month(2012, 1), _month(2015, 12)):
        trained = min(in_scope, trained + in_scope * rng.uniform(0.0, 0.03))
        rows.append(TrainingCoverage(site=site, period=period, team=None, profession="all",
                                     trained=round(trained), in_scope=in_scope))  # fmt: skip
    last = _month(2015, 12)
    for team in teams:
        n = team.staff_count or 10
        rows.append(TrainingCoverage(site=site, period=last, team=team, profession="all",
                                     trained=rng.randint(n // 3, n), in_scope=n))  # fmt: skip
    services.bulk_load(site, actor=ACTOR, coverage=rows)


def _staff_support(site, teams, rng) -> None:
    for year, responses in ((2013, rng.randint(150, 400)), (2015, rng.randint(150, 400))):
        services.record_survey(
            site, actor=ACTOR, title=f"Staff wellbeing survey {year}", held_on=dt.date(year, 10, 31),
            invited=responses * 2, responses=responses,
            item_scores=[("I feel supported by my manager", round(rng.uniform(3.0, 4.2), 1)),
                         ("My team talks about recovery, not only symptoms", round(rng.uniform(2.8, 4.0), 1)),
                         ("I can get help with my own wellbeing", round(rng.uniform(3.0, 4.0), 1))],
        )  # fmt: skip
    services.add_wellbeing_offer(
        site, actor=ACTOR, title="Staff recovery college courses", description="Staff can join any college course as learners.",
        started_on=dt.date(2012, 9, 1), ended_on=None, uptake=rng.randint(20, 60),
    )  # fmt: skip
    services.add_wellbeing_offer(
        site, actor=ACTOR, title="Reflective practice groups", description="Monthly groups for ward staff.",
        started_on=dt.date(2013, 4, 1), ended_on=None, uptake=rng.randint(2, 4),
    )  # fmt: skip
    supervision, college = [], []
    for period in _months(_month(2014, 1), _month(2015, 12)):
        for team in teams:
            n = team.staff_count or 10
            # Small teams give small numbers: the page hides them, and anything that gives them away.
            supervision.append(SupervisionCoverage(site=site, team=team, period=period, in_scope=n,
                                                   supervised=rng.randint(min(n, 3), n)))  # fmt: skip
        college.append(StaffCollegeUse(site=site, period=period, staff_learners=rng.randint(2, 14)))
    services.bulk_load(site, actor=ACTOR, supervision=supervision, college_use=college)


def _policies(site, teams, rng, lived: bool) -> None:
    risk = services.create_policy(
        site, actor=ACTOR, title="Clinical risk assessment and management policy", kind=Policy.Kind.RISK,
        current_url="https://intranet.example.org/policies/clinical-risk-v3.pdf", next_review_on=dt.date(2012, 9, 30),
    )  # fmt: skip
    services.create_policy(site, actor=ACTOR, title="Recruitment and selection policy", kind=Policy.Kind.RECRUITMENT,
                           next_review_on=dt.date(2016, 3, 31))  # fmt: skip
    services.create_policy(site, actor=ACTOR, title="Clinical supervision policy", kind=Policy.Kind.SUPERVISION,
                           next_review_on=dt.date(2014, 6, 30))  # fmt: skip
    reviewers = [
        ("Head of nursing", "Policy owner", False),
        ("Consultant psychiatrist", "Clinical lead", False),
    ]
    if lived:
        reviewers += [("Service user reviewer", "Lived-experience partner", True),
                      ("Carer reviewer", "Carers' forum", True)]  # fmt: skip
    answers = {
        key: rng.choice(["yes", "yes", "partly"] if lived else ["partly", "no"])
        for key, _ in reference.POLICY_QUESTIONS
    }
    services.review_policy(
        risk, actor=ACTOR, held_on=dt.date(2012, 10, rng.randint(1, 28)), answers=answers, outcome="revised",
        summary="Rewritten with service users so that safety plans are agreed with the person and build on strengths.",
        next_review_on=dt.date(2015, 10, 1), new_version_url="https://intranet.example.org/policies/clinical-risk-v4.pdf",
        reviewers=reviewers,
    )  # fmt: skip
    rows = []
    for period in _months(_month(2013, 1), _month(2015, 12)):
        for team in teams[:3]:
            plans = rng.randint(20, 60)
            share = min(0.9, 0.2 + 0.02 * ((period.year - 2013) * 12 + period.month))
            rows.append(SafetyPlanning(site=site, team=team, period=period, plans_in_place=plans,
                                       plans_coproduced=min(plans, round(plans * share))))  # fmt: skip
    services.bulk_load(site, actor=ACTOR, safety=rows)


def _partnerships(site, rng) -> None:
    referrals = []
    for name, sector, description in rng.sample(PARTNERS, 3):
        agency = services.create_agency(site, actor=ACTOR, name=name, sector=sector, description=description,
                                        review_on=dt.date(2016, rng.randint(1, 12), 1))  # fmt: skip
        services.add_agreement(agency, actor=ACTOR, agreed_on=dt.date(2012, rng.randint(1, 12), 1),
                               summary="A joint working agreement: named contacts, referral routes and a yearly review.")  # fmt: skip
        services.add_activity(agency, actor=ACTOR, held_on=dt.date(2013, rng.randint(1, 12), 10),
                              title="Joint open day", description="Staff and service users met the partner's team.")  # fmt: skip
        for period in _months(_month(2012, 6), _month(2015, 12)):
            referrals.append(ReferralCount(agency=agency, period=period, to_partner=rng.randint(0, 8),
                                           from_partner=rng.randint(0, 4)))  # fmt: skip
    services.bulk_load(site, actor=ACTOR, referrals=referrals)


def _ips(site, rng) -> None:
    for year, (low, high) in IPS_TOTALS.items():
        services.record_ips_review(
            site, actor=ACTOR, held_on=dt.date(year, rng.randint(3, 10), 15), service="IPS employment service",
            scores=_scores(rng.randint(low, high), rng), reviewers="IPS trainer and a peer reviewer",
        )  # fmt: skip
    rows = []
    for i, period in enumerate(_months(_month(2012, 4), _month(2015, 12))):
        people = rng.randint(25, 40) + i // 2
        rows.append(EmploymentOutcome(site=site, period=period, people_supported=people,
                                      job_starts=rng.randint(0, 2 + i // 12), sustained_jobs=rng.randint(0, 1 + i // 12)))  # fmt: skip
    services.bulk_load(site, actor=ACTOR, employment=rows)


def _personalisation(site, rng) -> None:
    budget = services.create_indicator(
        site, actor=ACTOR, name="People with a personal budget",
        definition="Of the people on community caseloads at month end, how many have a personal budget.", target=40,
    )  # fmt: skip
    services.create_indicator(
        site, actor=ACTOR, name="Shared decisions recorded",
        definition="Of care plans audited in the month, how many record a decision shared with the person.", target=70,
    )  # fmt: skip
    rows = []
    for i, period in enumerate(_months(_month(2013, 1), _month(2015, 12))):
        den = rng.randint(300, 360)
        rows.append(IndicatorValue(indicator=budget, period=period, denominator=den,
                                   numerator=round(den * min(0.45, 0.08 + 0.01 * i))))  # fmt: skip
    services.bulk_load(site, actor=ACTOR, indicator_values=rows)
