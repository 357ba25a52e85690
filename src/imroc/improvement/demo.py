"""Demo journeys: self-assessment rounds, goals, PDSA ramps and reviews, 2011 to 2014.

Demonstration and pilot sites get a full journey: a baseline in 2011, then a round every
six to twelve months, goals on their priorities with lived-experience co-leads, ramps of
PDSA cycles (some adapted, some abandoned), adjusted goals and reviews. Network sites get a
lighter version. Everything is written through the services, as a person would.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from imroc.assessment import services as assessment_services
from imroc.assessment.services import LevelEntry
from imroc.core.audit import SystemActor
from imroc.framework import queries as framework_queries
from imroc.improvement import services
from imroc.improvement.models import Goal, Review
from imroc.programme import services as programme_services
from imroc.programme.models import Category, Programme, Site, SiteRole, StakeholderGroup

ACTOR = SystemActor("demo")

FULL_ROUNDS = [
    dt.date(2011, 6, 14),
    dt.date(2012, 2, 7),
    dt.date(2012, 10, 16),
    dt.date(2013, 6, 11),
    dt.date(2014, 2, 4),
]
LIGHT_ROUNDS = [dt.date(2011, 9, 20), dt.date(2012, 9, 25), dt.date(2013, 9, 24)]
ROUND_NAMES = {2011: "Baseline", 2012: "Review", 2013: "Review", 2014: "Review"}

# Change ideas by challenge: the first of each ramp, then what the next cycle tried.
IDEAS = {
    "interactions": ("Ask every person 'what matters to you?' at their first meeting", "Add the question to the care plan form"),
    "education": ("Run a one-day recovery course taught by a peer trainer and a nurse", "Open the course to carers as well"),
    "recovery-college": ("Offer three taster courses in the community centre", "Move two courses to evenings"),
    "leadership": ("Start each board meeting with a person's recovery story", "Add recovery measures to the board report"),
    "personalisation": ("Write plans in the person's own words on one ward", "Let people choose their key worker"),
    "workforce": ("Place one peer support worker in a community team", "Add peer supervision every two weeks"),
    "risk": ("Write safety plans with people on one ward", "Share the safety plan with the person and their carer"),
    "involvement": ("Pay service users for time on interview panels", "Train service-user panel members with staff"),
    "staff-support": ("Offer reflective practice once a month", "Protect the time on the rota"),
    "life-beyond-illness": ("Place an employment specialist in one team", "Meet local employers with people looking for work"),
}  # fmt: skip
GOAL_TITLES = {
    "interactions": "People say staff listen to what matters to them",
    "education": "Staff and service users learn about recovery together",
    "recovery-college": "Open a recovery college with co-produced courses",
    "leadership": "The board leads on recovery",
    "personalisation": "Every plan is written with the person",
    "workforce": "Peer support workers in every community team",
    "risk": "Safety plans written with people, not about them",
    "involvement": "Service users are paid partners in decisions",
    "staff-support": "Staff get regular reflective support",
    "life-beyond-illness": "More people in paid work of their choosing",
}
CHIME_FOR = {
    "interactions": ["hope", "identity"], "education": ["hope", "empowerment"],
    "recovery-college": ["connectedness", "empowerment"], "leadership": ["hope"],
    "personalisation": ["identity", "empowerment"], "workforce": ["hope", "connectedness"],
    "risk": ["empowerment"], "involvement": ["empowerment", "connectedness"],
    "staff-support": ["hope"], "life-beyond-illness": ["meaning", "connectedness"],
}  # fmt: skip
PROGRESS = [Decimal(v) for v in ("1.5", "2.0", "2.5", "3.0", "3.5", "4.0", "4.5")]


def _made_up(site: Site, suffix: str, name: str, role: str, group: str):
    """A person for a site without demo users. They cannot sign in."""
    user = get_user_model().objects.create(
        username=f"{site.slug[:30]}-{suffix}", display_name=f"{name}, {site.name}"
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    programme_services.set_site_role(site, user, role=role, stakeholder_group=group, actor=ACTOR)
    return user


def build_demo(programme: Programme, rng: random.Random, users: dict) -> None:
    framework = framework_queries.current_version(programme.framework_key)
    challenges = list(framework_queries.challenges(framework))
    sites = list(programme.sites.exclude(category=Category.PARTNER).order_by("id"))
    first_demo = next(s for s in sites if s.category == Category.DEMONSTRATION)
    first_pilot = next(s for s in sites if s.category == Category.PILOT)
    for site in sites:
        if site == first_demo:
            lead, partner = users["site-lead-1"], users["partner-1"]
        else:
            lead = (
                users["site-lead-2"]
                if site == first_pilot
                else _made_up(
                    site, "lead", "Recovery lead", SiteRole.LEAD, StakeholderGroup.MANAGER
                )
            )
            group = rng.choice([StakeholderGroup.SERVICE_USER, StakeholderGroup.CARER])
            partner = _made_up(site, "partner", "Lived-experience partner", SiteRole.PARTNER, group)
        full = site.category in (Category.DEMONSTRATION, Category.PILOT)
        _journey(site, framework, challenges, lead, partner, rng, full)


def _journey(site, framework, challenges, lead, partner, rng, full):
    start = {Category.DEMONSTRATION: (1, 2), Category.PILOT: (0, 1), Category.NETWORK: (0, 1)}[
        site.category
    ]
    levels = {c.slug: rng.randint(*start) for c in challenges}
    dates = FULL_ROUNDS if full else LIGHT_ROUNDS[: rng.randint(2, 3)]
    priorities: list = []
    goals: list[Goal] = []
    for index, held_on in enumerate(dates):
        if index:
            for slug in levels:
                chance = 0.55 if slug in {p.slug for p in priorities} else 0.15
                if levels[slug] < 3 and rng.random() < chance:
                    levels[slug] += 1
        _round(site, framework, challenges, levels, held_on, index, rng)
        if index == 0:
            ranked = sorted(challenges, key=lambda c: (levels[c.slug], rng.random()))
            priorities = ranked[: 3 if full else 1]
            services.choose_priorities(
                site, challenges=priorities, on=held_on + dt.timedelta(days=14),
                reason="The baseline showed these challenges were furthest behind.", actor=ACTOR,
            )  # fmt: skip
            for challenge in priorities:
                goals.append(_goal(site, challenge, levels, lead, partner, held_on, rng, full))
        else:
            services.record_review(
                site, goal=None, actor=ACTOR, held_on=held_on + dt.timedelta(days=7),
                progress_score=PROGRESS[min(index + 1, len(PROGRESS) - 1)], decision="",
                notes="The steering group looked at the new ratings and the goals, and agreed what to change next.",
                next_review_on=(dates[index + 1] if index + 1 < len(dates) else dt.date(2014, 9, 1)),
            )  # fmt: skip
    for number, goal in enumerate(goals):
        if full and number == 0:
            _drivers(goal)
        _cycles_and_reviews(site, goal, dates, rng, full, number)
    if site.category == Category.DEMONSTRATION:
        _team_plans(site, challenges, levels, dates, rng)


def _drivers(goal):
    first_idea, second_idea = IDEAS[goal.challenge.slug]
    staff = services.add_driver(
        goal,
        kind="primary",
        text="Staff believe recovery is possible and know how to support it",
        parent=None,
        actor=ACTOR,
    )
    voice = services.add_driver(
        goal,
        kind="primary",
        text="People who use services shape the work",
        parent=None,
        actor=ACTOR,
    )
    training = services.add_driver(
        goal,
        kind="secondary",
        text="Joint training of staff and service users",
        parent=staff,
        actor=ACTOR,
    )
    panels = services.add_driver(
        goal,
        kind="secondary",
        text="Service users on the steering group",
        parent=voice,
        actor=ACTOR,
    )
    services.add_driver(goal, kind="change_idea", text=first_idea, parent=training, actor=ACTOR)
    services.add_driver(goal, kind="change_idea", text=second_idea, parent=panels, actor=ACTOR)


def _team_plans(site, challenges, levels, dates, rng):
    """Team Recovery Implementation Plans for two teams of each demonstration site."""
    for team in list(site.teams.order_by("name"))[:2]:
        assessment_services.save_team_resources(
            team, actor=ACTOR, expected_version=None,
            people=f"{team.staff_count} staff, including nurses, a psychologist, support workers and one peer support worker.",
            strengths="Good links with families; staff who have been through the joint recovery training.",
            links="Recovery college courses, a local housing association and the employment service.",
        )  # fmt: skip
        for held_on in (dates[1], dates[3]):
            assessment_services.benchmark_team(
                team, assessed_on=held_on + dt.timedelta(days=21),
                levels={c: (max(0, levels[c.slug] - rng.randint(0, 1)), "") for c in challenges}, actor=ACTOR,
            )  # fmt: skip
        ranked = sorted(challenges, key=lambda c: (levels[c.slug], rng.random()))[:3]
        assessment_services.set_team_priorities(
            team,
            priorities=[(c, GOAL_TITLES[c.slug]) for c in ranked],
            on=dates[1] + dt.timedelta(days=28),
            actor=ACTOR,
        )
        assessment_services.review_team(
            team, actor=ACTOR, held_on=dates[2] + dt.timedelta(days=14), progress_score=Decimal("3.0"),
            notes="Two of the three priorities are moving. The team reset its third priority after the site round.",
            next_review_on=dates[3] + dt.timedelta(days=14),
        )  # fmt: skip


def _round(site, framework, challenges, levels, held_on, index, rng):
    title = f"{ROUND_NAMES[held_on.year]} {held_on:%B %Y}"
    assessment_round = assessment_services.start_round(
        site, title=title, held_on=held_on, framework=framework, actor=ACTOR
    )
    groups = {
        StakeholderGroup.STAFF: 1, StakeholderGroup.MANAGER: 1, StakeholderGroup.SERVICE_USER: 0,
        StakeholderGroup.CARER: 0, StakeholderGroup.COMMISSIONER: 0,
    }  # fmt: skip
    for group, optimism in groups.items():
        if group == StakeholderGroup.CARER and rng.random() < 0.3:
            continue  # carers did not make every meeting
        if group == StakeholderGroup.COMMISSIONER and rng.random() < 0.5:
            continue
        entries = []
        for c in challenges:
            level = (
                levels[c.slug]
                + (optimism if rng.random() < 0.4 else 0)
                - (1 if group == StakeholderGroup.SERVICE_USER and rng.random() < 0.25 else 0)
            )
            entries.append(LevelEntry(c, max(0, min(3, level)), "", None))
        assessment_services.save_ratings(
            assessment_round, group=group, entries=entries, actor=ACTOR
        )
    assessment_services.record_attendance(
        assessment_round,
        counts={"staff": rng.randint(4, 10), "manager": rng.randint(1, 3), "service_user": rng.randint(2, 6),
                "carer": rng.randint(0, 3), "commissioner": rng.randint(0, 2)},
        actor=ACTOR,
    )  # fmt: skip
    assessment_services.save_consensus(
        assessment_round,
        entries=[LevelEntry(c, levels[c.slug], "", None) for c in challenges],
        actor=ACTOR,
    )
    assessment_services.close_round(assessment_round, actor=ACTOR)


def _goal(site, challenge, levels, lead, partner, held_on, rng, full):
    target = min(3, levels[challenge.slug] + (2 if full and rng.random() < 0.3 else 1))
    return services.create_goal(
        site, actor=ACTOR, challenge=challenge, title=GOAL_TITLES[challenge.slug],
        description="Agreed by the steering group after the baseline round.",
        target_level=target, target_value=None, target_value_meaning="",
        target_date=dt.date(held_on.year + 2, 3, 31), owner=lead,
        co_lead=partner if rng.random() < 0.7 else None, status=Goal.Status.ACTIVE,
        chime=CHIME_FOR[challenge.slug], next_review_on=held_on + dt.timedelta(days=180),
    )  # fmt: skip


def _cycles_and_reviews(site, goal, dates, rng, full, number):
    first_idea, second_idea = IDEAS[goal.challenge.slug]
    # Each goal's ramp starts a few months after the one before, so work spreads over the years.
    start = dates[0] + dt.timedelta(days=45 + 150 * number)
    previous = None
    ramp = [first_idea, second_idea, f"{second_idea} across all teams"][: 3 if full else 1]
    for step, idea in enumerate(ramp):
        ends = start + dt.timedelta(days=rng.randint(21, 42))
        cycle = services.start_cycle(
            goal, actor=ACTOR, previous=previous, change_idea=idea,
            objective="Find out whether this helps people feel more in control of their care.",
            who="The team, with a peer support worker", where="One team to start with",
            starts_on=start, ends_on=ends, prediction="At least half of the people involved will say it helped.",
            measures="What people say in a short question at the end of each week.",
        )  # fmt: skip
        last = step == len(ramp) - 1
        abandon = full and number == 2 and step == 1  # not every idea works
        decision = "abandon" if abandon else ("adopt" if last else "adapt")
        if full and last and number == 0 and goal.site.category == Category.PILOT:
            previous = cycle
            break  # the newest test is still running
        services.update_cycle(
            cycle, actor=ACTOR, expected_version=1,
            do_notes="We ran the test as planned, with a few changes in the second week.",
            observations="People were keen; staff needed reminding at first.",
            study_notes="Fewer people than predicted said it helped; the ones who did said it mattered a lot."
            if abandon else "More people than we predicted said it helped.",
            decision=decision, decided_on=ends + dt.timedelta(days=7),
            next_steps="Stop this idea and try another." if abandon else "Build on it in the next cycle.",
        )  # fmt: skip
        previous = cycle
        start = ends + dt.timedelta(days=rng.randint(45, 120))
        if abandon:
            break
    score_index = 0
    for held_on in dates[1:]:
        review_on = held_on + dt.timedelta(days=10)
        score_index = min(score_index + rng.randint(1, 2), len(PROGRESS) - 1)
        last = held_on == dates[-1]
        decision = Review.Decision.CONTINUE
        if last:
            decision = (
                Review.Decision.COMPLETE
                if PROGRESS[score_index] >= Decimal("4.0")
                else Review.Decision.CONTINUE
            )
        elif held_on == dates[1] and rng.random() < 0.5:
            decision = Review.Decision.ADJUST
        services.record_review(
            site, goal=goal, actor=ACTOR, held_on=review_on, progress_score=PROGRESS[score_index], decision=decision,
            notes="The team looked at its PDSA cycles and the new ratings.",
            next_review_on=None if decision == Review.Decision.COMPLETE else review_on + dt.timedelta(days=rng.randint(180, 270)),
        )  # fmt: skip
        if decision == Review.Decision.ADJUST:
            goal.refresh_from_db()
            services.adjust_goal(
                goal, actor=ACTOR, expected_version=goal.version,
                reason="Progress was slower than hoped, so the steering group gave the goal another year.",
                target_date=goal.target_date.replace(year=goal.target_date.year + 1),
            )  # fmt: skip
