"""The demo programme: the seed paper's first phase, with fictional organisations.

The programme began on 1 April 2011. Thirty-three organisations applied and 29 were
accepted: 6 demonstration, 6 pilot and 17 network sites. A community recovery team in
Kampala joined later as an international partner, working with a service-user organisation.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from imroc.accounts import services as account_services
from imroc.core import audit
from imroc.core import demo as demo_steps
from imroc.core.audit import SystemActor
from imroc.framework.models import Challenge
from imroc.framework.services import load_bundled_frameworks
from imroc.programme import services
from imroc.programme.models import (
    Category,
    LearningSetEvaluation,
    MemberGroup,
    Organisation,
    Programme,
    ProgrammeRole,
    Site,
    SiteRole,
    StakeholderGroup,
    Team,
)

PROGRAMME_SLUG = "imroc-2011"
START = dt.date(2011, 4, 1)
ACTOR = SystemActor("demo")

# (name, type, region). Every name is made up.
DEMONSTRATION = [
    ("Ashdown Vale NHS Foundation Trust", "nhs_trust", "South East"),
    ("Brackenmoor Partnership NHS Trust", "nhs_trust", "North West"),
    ("Calder Fields Health and Care NHS Trust", "nhs_trust", "Yorkshire and the Humber"),
    ("Dunmere Community Mental Health NHS Trust", "nhs_trust", "London"),
    ("Elmstead Recovery Partnership", "independent", "East of England"),
    ("Foxhollow NHS Foundation Trust", "nhs_trust", "South West"),
]
PILOT = [
    ("Greywater Mental Health NHS Trust", "nhs_trust", "North East"),
    ("Harrowgate Hills NHS Foundation Trust", "nhs_trust", "West Midlands"),
    ("Ivybridge Lane Health NHS Trust", "nhs_trust", "East Midlands"),
    ("Juniper Coast Care Partnership", "independent", "South East"),
    ("Kestrel Moor NHS Foundation Trust", "nhs_trust", "North West"),
    ("Larkspur Valley NHS Trust", "nhs_trust", "London"),
]
NETWORK = [
    ("Marram Downs NHS Foundation Trust", "nhs_trust", "South West"),
    ("Nettlebed Health NHS Trust", "nhs_trust", "South East"),
    ("Oakhurst Mental Health Partnership NHS Trust", "nhs_trust", "West Midlands"),
    ("Pebblebrook NHS Foundation Trust", "nhs_trust", "East of England"),
    ("Quarry Bank Community Health NHS Trust", "nhs_trust", "North West"),
    ("Redwing Estuary NHS Trust", "nhs_trust", "East of England"),
    ("Saltmarsh and Wold NHS Foundation Trust", "nhs_trust", "Yorkshire and the Humber"),
    ("Thornbury Heath NHS Trust", "nhs_trust", "London"),
    ("Upper Wensley Health and Care NHS Trust", "nhs_trust", "Yorkshire and the Humber"),
    ("Verity Lane Independent Care", "independent", "East Midlands"),
    ("Willowmere NHS Foundation Trust", "nhs_trust", "North East"),
    ("Yarrow Ford NHS Trust", "nhs_trust", "South West"),
    ("Zennor Point Mental Health NHS Trust", "nhs_trust", "South West"),
    ("Amberley Cross NHS Foundation Trust", "nhs_trust", "South East"),
    ("Birchwood Gate NHS Trust", "nhs_trust", "West Midlands"),
    ("Coldharbour Recovery Collective", "user_led", "London"),
    ("Deepdale Health NHS Foundation Trust", "nhs_trust", "North West"),
]
DECLINED = [
    ("Eastwick Private Clinics", "independent", "South East",
     "The application focused on a single inpatient unit; the programme works with whole organisations."),
    ("Fairlight Wellbeing Services", "independent", "London",
     "The organisation could not name a board sponsor or a lived-experience partner yet. We encouraged it to apply again."),
    ("Glenholm Health NHS Trust", "nhs_trust", "North East",
     "The trust was in the middle of a merger and asked to wait for the next phase."),
    ("Hawthorn Rise Care Group", "independent", "East Midlands",
     "The programme was full. The organisation was offered the open learning events."),
]  # fmt: skip
KAMPALA_TEAM = "Kampala Community Recovery Team"
KAMPALA_USERS = "Kampala Recovery Voices"

TEAM_NAMES = [
    ("Community Mental Health Team North", Team.Kind.COMMUNITY),
    ("Community Mental Health Team South", Team.Kind.COMMUNITY),
    ("Early Intervention in Psychosis", Team.Kind.EARLY_INTERVENTION),
    ("Crisis Resolution and Home Treatment", Team.Kind.CRISIS),
    ("Willow Ward", Team.Kind.INPATIENT),
    ("Rowan Ward", Team.Kind.INPATIENT),
    ("Rehabilitation and Recovery Service", Team.Kind.REHABILITATION),
    ("Assertive Outreach", Team.Kind.COMMUNITY),
]
CATEGORY_REASONS = {
    Category.DEMONSTRATION: "Already well advanced; will share its practice with the network.",
    Category.PILOT: "Most likely to benefit from intensive support from the programme team.",
    Category.NETWORK: "Joins the learning network and its themed learning sets.",
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    what: str


DEMO_USERS = [
    DemoUser("programme-admin", "Priya Admin", "programme admin: runs the programme"),
    DemoUser("site-lead-1", "Sam Lead", "site lead of the first demonstration site"),
    DemoUser("site-lead-2", "Alex Pilot", "site lead of the first pilot site"),
    DemoUser("partner-1", "Jo Partner", "lived-experience partner at the first demonstration site"),
    DemoUser(
        "viewer-1", "Morgan Board", "site viewer (a board member) at the first demonstration site"
    ),
]


def demo_exists() -> bool:
    return Programme.objects.filter(slug=PROGRAMME_SLUG).exists()


def reset() -> None:
    """Remove the demo programme and its users. Audit events stay, as history."""
    User = get_user_model()
    with transaction.atomic():
        programme = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
        demo_people = set(
            User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list(
                "id", flat=True
            )
        )
        if programme is not None:
            # People made up for the demo's other sites have roles in this programme only.
            demo_people |= set(
                User.objects.filter(site_memberships__site__programme=programme)
                .exclude(site_memberships__site__in=Site.objects.exclude(programme=programme))
                .exclude(
                    programme_memberships__programme__in=Programme.objects.exclude(pk=programme.pk)
                )
                .values_list("id", flat=True)
            )
            org_ids = set(programme.sites.values_list("organisation_id", flat=True))
            org_ids |= set(programme.applications.values_list("organisation_id", flat=True))
            for site in programme.sites.all():
                org_ids |= set(site.partner_organisations.values_list("id", flat=True))
            programme.applications.all().delete()
            programme.sites.all().delete()
            programme.delete()
            Organisation.objects.filter(id__in=org_ids).delete()
        User.objects.filter(id__in=demo_people).delete()
        audit.record(ACTOR, "demo.reset", object_type="demo", object_repr="demo programme removed")


def build(password: str) -> Programme:
    """Create the demo programme. Call only when it does not exist yet."""
    rng = random.Random(2011)  # noqa: S311 - demo data, not security  # nosec
    with transaction.atomic():
        load_bundled_frameworks(ACTOR)
        programme = services.create_programme(
            name="Implementing Recovery through Organisational Change",
            slug=PROGRAMME_SLUG,
            start_date=START,
            description=(
                "A national programme helping mental health services become more supportive "
                "of recovery, working through ten organisational challenges."
            ),
            actor=ACTOR,
        )
        accepted = (
            [(entry, Category.DEMONSTRATION) for entry in DEMONSTRATION]
            + [(entry, Category.PILOT) for entry in PILOT]
            + [(entry, Category.NETWORK) for entry in NETWORK]
        )
        sites = {}
        for index, ((name, org_type, region), category) in enumerate(accepted):
            organisation = services.create_organisation(
                name=name, org_type=org_type, country="GB", region=region, actor=ACTOR
            )
            application = services.create_application(
                programme=programme,
                organisation=organisation,
                submitted_on=dt.date(2011, 1, 10) + dt.timedelta(days=index * 2),
                contact_name=f"Recovery lead, {name}",
                contact_email=f"recovery.lead@{organisation.slug[:40]}.example.org",
                motivation="We want to put recovery at the heart of how we work, with the people who use our services.",
                actor=ACTOR,
            )
            site = services.accept_application(
                application,
                category=category,
                on=START,
                reason=CATEGORY_REASONS[category],
                actor=ACTOR,
            )
            sites.setdefault(category, []).append(site)
            for team_name, kind in rng.sample(TEAM_NAMES, rng.randint(3, 6)):
                services.create_team(
                    site,
                    actor=ACTOR,
                    name=team_name,
                    kind=kind,
                    description="",
                    staff_count=rng.randint(8, 40),
                )
        for index, (name, org_type, region, reason) in enumerate(DECLINED):
            organisation = services.create_organisation(
                name=name, org_type=org_type, country="GB", region=region, actor=ACTOR
            )
            application = services.create_application(
                programme=programme,
                organisation=organisation,
                submitted_on=dt.date(2011, 2, 1) + dt.timedelta(days=index * 5),
                contact_name=f"Chief executive, {name}",
                contact_email=f"office@{organisation.slug[:40]}.example.org",
                motivation="We would like to learn from other organisations about recovery.",
                actor=ACTOR,
            )
            services.decline_application(
                application, on=dt.date(2011, 3, 15), reason=reason, actor=ACTOR
            )

        _kampala(programme)
        users = _users(programme, sites, password)
        _network(programme, sites, rng)
        for step in demo_steps.steps():
            step.build(programme, rng, users)
    return programme


def _kampala(programme: Programme) -> None:
    team_org = services.create_organisation(
        name=KAMPALA_TEAM,
        org_type=Organisation.Type.COMMUNITY_TEAM,
        country="UG",
        region="Central Region",
        time_zone="Africa/Kampala",
        actor=ACTOR,
    )
    users_org = services.create_organisation(
        name=KAMPALA_USERS,
        org_type=Organisation.Type.USER_LED,
        country="UG",
        region="Central Region",
        time_zone="Africa/Kampala",
        member_groups=[
            (MemberGroup.Group.SERVICE_USERS, 55, False),
            (MemberGroup.Group.PROFESSIONALS, 10, False),
            (MemberGroup.Group.WELL_WISHERS, 25, True),
            (MemberGroup.Group.ONLINE, 300, True),
        ],
        actor=ACTOR,
    )
    site = services.create_site(
        programme=programme,
        organisation=team_org,
        category=Category.PARTNER,
        joined_on=dt.date(2011, 10, 1),
        reason="International partner showing the approach works at low cost.",
        actor=ACTOR,
    )
    services.add_partner_organisation(site, users_org, actor=ACTOR)
    services.create_team(
        site,
        actor=ACTOR,
        name="Community Recovery Team",
        kind=Team.Kind.COMMUNITY,
        description="Works with people in their homes and communities, alongside Kampala Recovery Voices.",
        staff_count=6,
    )


def _users(programme: Programme, sites: dict, password: str) -> dict:
    users = {
        u.username: account_services.create_user(
            username=u.username, password=password, display_name=u.name, actor=ACTOR
        )
        for u in DEMO_USERS
    }
    first_demo = sites[Category.DEMONSTRATION][0]
    first_pilot = sites[Category.PILOT][0]
    services.set_programme_role(
        programme, users["programme-admin"], role=ProgrammeRole.ADMIN, actor=ACTOR
    )
    for username, site, role, group in [
        ("site-lead-1", first_demo, SiteRole.LEAD, StakeholderGroup.MANAGER),
        ("site-lead-2", first_pilot, SiteRole.LEAD, StakeholderGroup.MANAGER),
        ("partner-1", first_demo, SiteRole.PARTNER, StakeholderGroup.SERVICE_USER),
        ("viewer-1", first_demo, SiteRole.VIEWER, StakeholderGroup.COMMISSIONER),
    ]:
        services.set_site_role(
            site, users[username], role=role, stakeholder_group=group, actor=ACTOR
        )
    return users


def refresh_passwords(password: str) -> None:
    User = get_user_model()
    for user in User.objects.filter(username__in=[u.username for u in DEMO_USERS]):
        if not user.check_password(password):
            account_services.set_password(user, password, actor=ACTOR)


LEARNING_SETS = [
    (dt.date(2011, 7, 12), "Getting started: what recovery means for our organisations", ["leadership", "interactions"], "Leeds"),
    (dt.date(2011, 10, 18), "Recovery colleges: setting one up", ["recovery-college", "education"], "Birmingham"),
    (dt.date(2012, 2, 14), "Peer support workers: recruitment and supervision", ["workforce"], "Manchester"),
    (dt.date(2012, 6, 19), "Risk: safety planning with people", ["risk", "personalisation"], "London"),
    (dt.date(2012, 11, 6), "Partners in decisions: paying and training service users", ["involvement"], "Bristol"),
    (dt.date(2013, 3, 12), "Supporting staff in their own recovery", ["staff-support"], "Nottingham"),
    (dt.date(2013, 9, 17), "Life beyond illness: employment and housing partners", ["life-beyond-illness"], ""),
]  # fmt: skip
PEOPLE = ["Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Kim", "Lee", "Ash", "Dee", "Max", "Nat"]
SUPPORT = [
    ("visit", "Met the steering group and the board sponsor to agree the first priorities.", "Write a one-page plan for the first six months."),
    ("call", "Talked through the baseline ratings and where service users and staff disagreed.", "Hold a second meeting with the service-user forum."),
    ("workshop", "Ran a half-day workshop on PDSA cycles with two community teams.", "Each team plans one small test of change."),
    ("advice", "Sent examples of job descriptions for peer support workers.", ""),
]  # fmt: skip


def _network(programme: Programme, sites: dict, rng: random.Random) -> None:
    """Learning sets with attendance and evaluations, pilot support logs, and a small library."""
    challenges = {
        c.slug: c
        for c in Challenge.objects.filter(
            framework_version__key=programme.framework_key, framework_version__status="published"
        )
    }
    all_sites = [s for group in sites.values() for s in group]
    for held_on, title, themes, place in LEARNING_SETS:
        starts = dt.datetime.combine(held_on, dt.time(10), tzinfo=dt.UTC)
        learning_set = services.schedule_learning_set(
            programme, actor=ACTOR, allow_past=True, title=title, themes=[challenges[t] for t in themes],
            facilitators=[("Programme team", False), ("Peer trainer from a demonstration site", True)],
            invited_categories=["demonstration", "pilot", "network"], starts_at=starts,
            ends_at=starts + dt.timedelta(hours=6), place=place,
            online_link="" if place else "https://meet.example.org/imroc-learning-set", description="",
        )  # fmt: skip
        for site in all_sites:
            # Pilot sites come most; a few network sites drift away over time.
            chance = {
                "demonstration": 0.8,
                "pilot": 0.9,
                "network": 0.7 - 0.1 * (held_on.year - 2011),
            }[site.category]
            if rng.random() > chance:
                continue
            for person in rng.sample(PEOPLE, rng.randint(1, 3)):
                group = rng.choice(["staff", "manager", "service_user", "carer"])
                services.record_learning_set_attendance(
                    learning_set, site=site, person=f"{person} ({site.organisation.name.split()[0]})",
                    stakeholder_group=group, actor=ACTOR,
                )  # fmt: skip
            if rng.random() < 0.4:
                services.add_learning_set_action(
                    learning_set,
                    site=site,
                    text="Take the ideas back to the steering group and plan one test of change.",
                    actor=ACTOR,
                )
        # Answers from people without demo accounts, so written in bulk with one audit event.
        answers = LearningSetEvaluation.objects.bulk_create(
            LearningSetEvaluation(
                learning_set=learning_set,
                useful=rng.randint(3, 5),
                will_use=rng.randint(3, 5),
                voices_heard=rng.randint(2, 5),
            )
            for _ in range(rng.randint(8, 20))
        )
        audit.record(
            ACTOR, "learning_set.demo_evaluations", learning_set, after={"answers": len(answers)}
        )
    for site in sites[Category.PILOT]:
        for index, (kind, summary, actions) in enumerate(SUPPORT):
            happened = dt.date(2011, 5, 10) + dt.timedelta(days=70 * index + rng.randint(0, 20))
            services.add_support_entry(
                site, actor=ACTOR, kind=kind, happened_on=happened, summary=summary, agreed_actions=actions,
                follow_up_on=happened + dt.timedelta(days=28) if actions else None,
            )  # fmt: skip
    _library(programme, sites, challenges)


def _library(programme: Programme, sites: dict, challenges: dict) -> None:
    first_demo = sites[Category.DEMONSTRATION][0]
    services.share_resource(
        programme, site=None, actor=ACTOR, kind="link", visibility="network", url="https://example.org/recovery-colleges",
        title="Recovery colleges: a short introduction", description="What a recovery college is, and how sites started theirs.",
        challenges=[challenges["recovery-college"]], chime=["hope", "connectedness"],
    )  # fmt: skip
    services.share_resource(
        programme, site=first_demo, actor=ACTOR, kind="practice", visibility="network",
        upload=SimpleUploadedFile(
            "safety-planning-together.txt",
            b"Safety planning together\n\nOn two wards, nurses and a peer worker now write safety plans with each person, "
            b"in the person's own words. We started with one ward and one question: what helps you stay safe?\n",
        ),
        title="Safety planning together: our ward example", description="A demonstration site's practice example.",
        challenges=[challenges["risk"]], chime=["empowerment"],
    )  # fmt: skip
    services.share_resource(
        programme, site=None, actor=ACTOR, kind="document", visibility="programme",
        upload=SimpleUploadedFile("learning-set-plan-2013.txt", b"Draft plan for the 2013 learning sets.\n"),
        title="Draft plan for the 2013 learning sets", description="For the programme team only.",
    )  # fmt: skip
