"""Demo recovery colleges: terms from 2012, co-produced courses, learners, registers and feedback.

Called by the programme demo as ``build_demo(programme, rng)`` after the sites and demo users
exist. Rows are bulk-created for speed; each college gets one summary audit event. Every
name is made up; contacts use example.org and reserved drama phone numbers.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from imroc.college import fidelity
from imroc.college.models import (
    FEEDBACK_QUESTIONS,
    Attendance,
    College,
    CoProduction,
    Course,
    CourseRun,
    Enrolment,
    FeedbackInvite,
    FeedbackResponse,
    FidelityCheck,
    Learner,
    LearningPlan,
    Session,
    Term,
    Trainer,
)
from imroc.core import audit
from imroc.core.audit import SystemActor
from imroc.framework import queries as framework_queries
from imroc.programme.models import Category, Programme, Site

ACTOR = SystemActor("demo")
KAMPALA_TEAM = "Kampala Community Recovery Team"
FIRST_YEAR = 2012

# (title, description, outcomes, chime, challenge slug, format, length)
CATALOGUE = [
    ("Understanding recovery", "What recovery can mean: living a life that matters to you, with or without symptoms. We share stories and ideas, and you choose what fits.", "Know what personal recovery means\nHear how others found their way\nThink about your own next step", ["hope", "meaning"], "recovery-college", "in_person", "4 sessions of 2 hours"),
    ("Hearing voices: making sense of experiences", "A safe space to talk about hearing voices and other unusual experiences, and ways people live well with them.", "Understand different ways of making sense of voices\nLearn coping ideas from people who hear voices\nKnow where to find a hearing voices group", ["identity", "empowerment"], "education", "in_person", "6 sessions of 2 hours"),
    ("Managing money", "Practical help with budgets, benefits and debt, and how money worries and mental health affect each other.", "Make a simple budget\nKnow where to get free advice\nFeel more in control of money", ["empowerment"], "life-beyond-illness", "blended", "3 sessions of 2 hours"),
    ("Getting back to work", "Thinking about work, volunteering or study? Explore what you want, your rights at work, and the support on offer.", "Know your rights at work\nKnow how employment support works\nPlan a first step towards work", ["meaning", "empowerment"], "life-beyond-illness", "in_person", "5 sessions of 2 hours"),
    ("Peer support: an introduction", "What peer support is, how it differs from other help, and how to offer and receive it well.", "Describe the values of peer support\nListen without fixing\nLook after yourself while supporting others", ["connectedness"], "workforce", "in_person", "4 sessions of 3 hours"),
    ("Wellbeing and sleep", "Why sleep matters, what gets in the way, and small changes that help.", "Understand how sleep works\nTry a sleep diary\nChoose one change to test", ["empowerment"], "education", "online", "3 sessions of 90 minutes"),
    ("Living with anxiety", "Understanding anxiety and trying out ways of living well with it, at your own pace.", "Recognise how anxiety shows up for you\nTry three calming techniques\nMake a personal plan", ["hope", "empowerment"], "education", "blended", "5 sessions of 2 hours"),
    ("Planning my recovery", "Make your own recovery plan: what keeps you well, early signs, and what helps in a crisis.", "Write your own wellbeing plan\nName your early warning signs\nShare your plan with people you trust", ["empowerment", "hope"], "personalisation", "in_person", "4 sessions of 2 hours"),
    ("Caring for someone: looking after yourself too", "For carers, family and friends: understanding services, your rights as a carer, and your own wellbeing.", "Know your rights as a carer\nFind support for yourself\nTalk with services with confidence", ["connectedness"], "involvement", "in_person", "4 sessions of 2 hours"),
    ("Telling my story safely", "Deciding what to share about your experiences, when and with whom, and doing it in a way that feels safe.", "Choose what to share and what to keep private\nTell your story with a purpose\nLook after yourself afterwards", ["identity", "meaning"], "involvement", "in_person", "3 sessions of 2 hours"),
    ("Mindfulness for beginners", "Gentle, practical mindfulness. No experience needed, and you can sit, stand or move as you like.", "Try short mindfulness practices\nNotice thoughts without judging them\nBuild a habit that fits your day", ["hope"], "education", "online", "6 sessions of 1 hour"),
    ("Understanding medication", "Questions to ask about medication, side effects, and making shared decisions with your prescriber.", "Know what to ask your prescriber\nUnderstand common side effects\nTake part in shared decisions", ["empowerment"], "personalisation", "in_person", "2 sessions of 2 hours"),
    ("Creative writing for wellbeing", "Write for yourself, in a friendly group. No experience needed; spelling does not matter.", "Try different kinds of writing\nShare work if you want to\nUse writing to reflect", ["identity", "meaning"], "recovery-college", "in_person", "6 sessions of 2 hours"),
    ("Building confidence", "What confidence is, what knocks it, and small steps to build it up again.", "Notice your strengths\nSet small achievable goals\nHandle setbacks kindly", ["identity", "hope"], "education", "in_person", "5 sessions of 2 hours"),
    ("Staying safe: understanding risk together", "Talking openly about risk and safety, and planning together rather than having plans made for you.", "Understand positive risk-taking\nMake a safety plan with others\nKnow your say in decisions", ["empowerment"], "risk", "in_person", "3 sessions of 2 hours"),
    ("Recovery for staff: supporting people's own recovery", "For staff: what recovery-focused practice looks like day to day, taught with people who use services.", "Describe recovery-focused practice\nHave hope-inspiring conversations\nSupport people's own goals", ["hope", "connectedness"], "interactions", "in_person", "2 sessions of 3 hours"),
    ("Looking after yourself at work", "For staff and volunteers: stress, burnout and recovery for people who support others.", "Recognise signs of stress in yourself\nFind support at work\nPlan time to recharge", ["connectedness"], "staff-support", "blended", "3 sessions of 2 hours"),
    ("Food and mood", "How eating well on a budget can support your mood and energy.", "Plan cheap healthy meals\nUnderstand food and mood links\nCook one new dish", ["empowerment"], "life-beyond-illness", "in_person", "4 sessions of 2 hours"),
    ("Getting online", "For people new to computers or phones: email, video calls and staying safe online.", "Send an email\nJoin a video call\nSpot scams and stay safe", ["connectedness"], "life-beyond-illness", "in_person", "4 sessions of 90 minutes"),
    ("Understanding depression", "What depression is, what can help, and living alongside low mood.", "Understand depression from different views\nTry ideas that others found helpful\nKnow where to get support", ["hope"], "education", "in_person", "4 sessions of 2 hours"),
    ("Walking together", "Gentle walks in local green spaces, talking about wellbeing along the way.", "Enjoy regular gentle exercise\nMeet people in a relaxed way\nFind local green spaces", ["connectedness"], "life-beyond-illness", "in_person", "6 sessions of 90 minutes"),
    ("Becoming a peer trainer", "For people with lived experience who want to co-deliver college courses: planning, teaching and co-facilitating.", "Plan a session with a co-trainer\nUse your experience with purpose\nHandle group conversations", ["identity", "meaning"], "workforce", "blended", "8 sessions of 3 hours"),
    ("Housing: knowing your options", "Finding and keeping a home: tenancies, rights and who can help.", "Know your housing rights\nFind local housing help\nPlan for a move", ["empowerment"], "life-beyond-illness", "in_person", "2 sessions of 2 hours"),
    ("Recovery and spirituality", "Exploring meaning, faith and spirituality in recovery, for people of any faith or none.", "Reflect on what gives you meaning\nHear different perspectives\nRespect others' beliefs", ["meaning"], "recovery-college", "in_person", "3 sessions of 2 hours"),
    ("Co-production in practice", "For staff, service users and carers: working as equal partners to design and improve services.", "Explain what co-production is\nPlan a co-produced project\nShare power fairly", ["connectedness", "empowerment"], "involvement", "in_person", "3 sessions of 3 hours"),
]  # fmt: skip
KAMPALA_COURSES = [
    ("Understanding recovery", None),
    ("Hearing voices: making sense of experiences", None),
    ("Managing money", None),
    ("Getting back to work", None),
    ("Peer support: an introduction", None),
    ("Caring for someone: looking after yourself too", None),
    (
        "Talking about mental health in families",
        (
            "Talking with family members about mental health, recovery and how to support each other at home.",
            "Talk openly about mental health at home\nUnderstand recovery as a family\nKnow where to find community support",
            ["connectedness"],
            "involvement",
            "in_person",
            "4 sessions of 2 hours",
        ),
    ),
    (
        "Starting a small business",
        (
            "Ideas, savings groups and practical steps for earning a living through a small business.",
            "Plan a simple business idea\nUnderstand savings groups\nKeep simple records",
            ["meaning", "empowerment"],
            "life-beyond-illness",
            "in_person",
            "6 sessions of 2 hours",
        ),
    ),
    (
        "Living well in the community",
        (
            "Finding your place in the community after a hard time: friends, faith groups, work and belonging.",
            "Reconnect with community groups\nHandle stigma with confidence\nBuild support around you",
            ["connectedness", "identity"],
            "life-beyond-illness",
            "in_person",
            "4 sessions of 2 hours",
        ),
    ),
    ("Planning my recovery", None),
    ("Understanding medication", None),
    ("Telling my story safely", None),
]

UK_PEERS = ["Jordan Ellis", "Maya Okafor", "Chris Tanner", "Sian Howell", "Priya Nair", "Lee Brennan", "Aisha Rahman", "Tom Whitby"]  # fmt: skip
UK_PRACTITIONERS = ["Dr Helen Marsh", "Gareth Price", "Nadia Kowalski", "Ben Achterberg", "Ruth Osei", "Mark Fenwick", "Claire Dunmore", "Femi Adeyemi"]  # fmt: skip
KLA_PEERS = ["Nakato Grace", "Ssemwogerere Paul", "Auma Joyce", "Mugisha Brian", "Nansubuga Ruth"]  # fmt: skip
KLA_PRACTITIONERS = ["Dr Okello Samuel", "Namukasa Esther", "Byaruhanga Isaac", "Atim Lilian"]
UK_FIRST = ["Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Jamie", "Kim", "Lee", "Charlie", "Morgan", "Taylor", "Ash", "Dani", "Frankie", "Jess", "Mo", "Nat", "Ola", "Ravi", "Sunita", "Tariq", "Yusuf", "Zoe", "Bea", "Cal", "Dev", "Elle", "Finn", "Gus"]  # fmt: skip
KLA_FIRST = ["Amina", "Brian", "Collins", "Doreen", "Esther", "Faith", "Godfrey", "Harriet", "Ivan", "Joan", "Kato", "Lydia", "Moses", "Nakato", "Opio", "Patience", "Rashid", "Sarah", "Tom", "Winnie"]  # fmt: skip
UK_PLACES = ["The Recovery Hub, Station Road", "Central Library, Room 2", "Community Centre, Market Street", "Arts Centre studio, Mill Lane"]  # fmt: skip
KLA_PLACES = ["Community hall, Kawempe", "Kampala Recovery Voices office, Nakulabye", "Church hall, Ntinda"]  # fmt: skip
COMMENTS = [
    "The trainers made everyone feel welcome. I want to do another course.",
    "Hearing from someone who has been through it gave me hope.",
    "Some sessions felt rushed. More breaks would help.",
    "I liked learning next to staff. It felt equal.",
    "The room was hard to find the first time.",
    "I have started using the plan we made. Thank you.",
    "Would like an evening version for people who work.",
]
TERMS = [("Spring", (1, 9), (4, 3)), ("Summer", (4, 23), (7, 17)), ("Autumn", (9, 10), (12, 11))]


def _sites(programme: Programme) -> list[Site]:
    sites = programme.sites.select_related("organisation")
    chosen = list(sites.filter(category=Category.DEMONSTRATION).order_by("id")[:3])
    chosen += list(sites.filter(category=Category.PILOT).order_by("id")[:1])
    chosen += list(sites.filter(organisation__name=KAMPALA_TEAM))
    return chosen


def build_demo(programme: Programme, rng: random.Random) -> list[College]:
    """Build a demo recovery college at several demo sites, including the Kampala partner.

    Returns the colleges it created; sites that already have a college are left alone.
    """
    challenges = {c.slug: c for c in framework_queries.current_challenges(programme.framework_key)}
    partner = get_user_model().objects.filter(username="partner-1").first()
    colleges = []
    for index, site in enumerate(_sites(programme)):
        if College.objects.filter(site=site).exists():
            continue  # already built: running the demo twice adds nothing
        colleges.append(_college(site, rng, challenges, partner if index == 0 else None))
    return colleges


def _college(site: Site, rng: random.Random, challenges: dict, partner_user) -> College:
    kampala = site.organisation.name == KAMPALA_TEAM
    tz = zoneinfo.ZoneInfo(site.organisation.time_zone)
    now = timezone.now()
    college = College.objects.create(
        site=site,
        name=f"{site.organisation.name} Recovery College"
        if not kampala
        else "Kampala Recovery College",
        about=(
            "Free courses about recovery and wellbeing, run jointly by Kampala Community Recovery "
            "Team and Kampala Recovery Voices."
            if kampala
            else "Free courses about mental health, recovery and wellbeing, for anyone who uses our "
            "services, their family and friends, and our staff."
        ),
        how_to_contact="Visit us on weekday mornings, or ask any team member."
        if kampala
        else "Call the college office on 01632 960 123 (weekdays 9am to 4pm).",
        publish_prospectus=True,
    )
    trainers = _trainers(college, rng, kampala, partner_user)
    peers = [t for t in trainers if t.kind == Trainer.Kind.PEER]
    practitioners = [t for t in trainers if t.kind == Trainer.Kind.PRACTITIONER]
    courses = _courses(college, rng, kampala, challenges)
    published = [c for c in courses if c.status == Course.Status.PUBLISHED]
    terms = _terms(college, site.joined_on)
    learners = _learners(college, rng, kampala, 120 + 12 * len(terms) if not kampala else 180)

    runs, sessions_by_run = [], {}
    places = KLA_PLACES if kampala else UK_PLACES
    for term in terms:
        for course in rng.sample(published, min(len(published), rng.randint(3, 7))):
            peer = rng.choice(peers) if rng.random() > 0.08 else None
            if partner_user and term.ends_on >= now.date():
                peer = next((p for p in peers if p.user_id), peer)
            runs.append(
                CourseRun(
                    course=course, term=term, capacity=rng.choice([10, 12, 14, 16, 20]),
                    peer_trainer=peer, practitioner_trainer=rng.choice(practitioners),
                )
            )  # fmt: skip
    CourseRun.objects.bulk_create(runs, batch_size=500)
    sessions = []
    for run in runs:
        count = int(run.course.length.split()[0])
        first = run.term.starts_on + dt.timedelta(days=rng.randint(0, 30))
        hour = rng.choice([10, 14, 18])
        place = rng.choice(places)
        online = run.course.format != Course.Format.IN_PERSON
        for n in range(count):
            starts = dt.datetime.combine(first + dt.timedelta(weeks=n), dt.time(hour), tzinfo=tz)
            session = Session(
                run=run, starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
                place="" if run.course.format == Course.Format.ONLINE else place,
                online_link="https://meet.example.org/college-room" if online else "",
            )  # fmt: skip
            sessions.append(session)
            sessions_by_run.setdefault(run.pk, []).append(session)
    Session.objects.bulk_create(sessions, batch_size=1000)

    enrolments, attendance, invites, responses = [], [], [], []
    last_seen: dict[int, dt.datetime] = {}
    for run in runs:
        run_sessions = sessions_by_run[run.pk]
        finished = run_sessions[-1].ends_at < now
        started = run_sessions[0].starts_at < now
        fill = rng.uniform(0.6, 1.0) if finished or started else rng.uniform(0.25, 1.0)
        taken = min(run.capacity, round(run.capacity * fill))
        waiting = rng.randint(1, 4) if taken == run.capacity and rng.random() < 0.5 else 0
        people = rng.sample(learners, min(len(learners), taken + waiting + 2))
        for i, learner in enumerate(people):
            status = Enrolment.Status.ENROLLED if i < taken else Enrolment.Status.WAITING
            if i >= taken + waiting:
                status = Enrolment.Status.CANCELLED
            if status == Enrolment.Status.WAITING and finished:
                status = Enrolment.Status.CANCELLED  # nobody stays waiting for a course that ended
            enrolled_at = dt.datetime.combine(
                run.term.starts_on - dt.timedelta(days=rng.randint(3, 40)), dt.time(12), tzinfo=tz
            )
            enrolment = Enrolment(
                run=run, learner=learner, status=status, group=learner.group,
                waiting_since=enrolled_at if status == Enrolment.Status.WAITING else None,
                cancelled_at=enrolled_at + dt.timedelta(days=2) if status == Enrolment.Status.CANCELLED else None,
            )  # fmt: skip
            enrolments.append(enrolment)
            last_seen[learner.pk] = max(last_seen.get(learner.pk, enrolled_at), enrolled_at)
            if status != Enrolment.Status.ENROLLED:
                continue
            came = 0
            keen = rng.random()
            for session in run_sessions:
                if session.starts_at > now:
                    break
                roll = rng.random()
                mark = (
                    Attendance.Status.ATTENDED if roll < 0.55 + 0.4 * keen
                    else Attendance.Status.ABSENT if roll < 0.8 + 0.1 * keen
                    else Attendance.Status.NO_SHOW if roll < 0.98
                    else Attendance.Status.CANCELLED
                )  # fmt: skip
                came += mark == Attendance.Status.ATTENDED
                attendance.append(Attendance(session=session, enrolment=enrolment, status=mark))
                last_seen[learner.pk] = max(last_seen[learner.pk], session.starts_at)
            if finished:
                answered = came >= 2 and rng.random() < 0.55
                invites.append(
                    FeedbackInvite(
                        enrolment=enrolment,
                        used_at=run_sessions[-1].ends_at + dt.timedelta(days=2)
                        if answered
                        else None,
                    )
                )
                if answered:
                    lean = rng.choice([0, 1, 1, 1])
                    responses.append(
                        FeedbackResponse(
                            run=run,
                            comment=rng.choice(COMMENTS) if rng.random() < 0.3 else "",
                            **{k: _answer(rng, lean, k) for k, _ in FEEDBACK_QUESTIONS},
                        )
                    )
    Enrolment.objects.bulk_create(enrolments, batch_size=1000)
    Attendance.objects.bulk_create(attendance, batch_size=2000)
    FeedbackInvite.objects.bulk_create(invites, batch_size=1000)
    FeedbackResponse.objects.bulk_create(responses, batch_size=1000)
    for learner in learners:
        learner.last_active_at = last_seen.get(learner.pk, learner.last_active_at)
    Learner.objects.bulk_update(learners, ["last_active_at"], batch_size=1000)

    _plans(learners, rng, published, trainers)
    checks = _fidelity(college, rng, site.joined_on)
    audit.record(
        ACTOR, "college.demo", college, site=site,
        after={"trainers": len(trainers), "courses": len(courses), "terms": len(terms),
               "runs": len(runs), "sessions": len(sessions), "learners": len(learners),
               "enrolments": len(enrolments), "attendance": len(attendance),
               "feedback": len(responses), "fidelity_checks": checks},
    )  # fmt: skip
    return college


def _answer(rng: random.Random, lean: int, key: str) -> int:
    return max(1, min(5, rng.randint(3, 5) + lean - (key == "clear")))


def _trainers(college, rng, kampala, partner_user) -> list[Trainer]:
    peers, practitioners = (KLA_PEERS, KLA_PRACTITIONERS) if kampala else (UK_PEERS, UK_PRACTITIONERS)  # fmt: skip
    trainers = []
    for names, kind in ((peers, Trainer.Kind.PEER), (practitioners, Trainer.Kind.PRACTITIONER)):
        for name in rng.sample(names, min(len(names), rng.randint(4, 6))):
            trainers.append(
                Trainer(
                    college=college, name=name, kind=kind,
                    lived_experience=kind == Trainer.Kind.PEER or rng.random() < 0.25,
                    training_status=rng.choice([Trainer.Training.TRAINED] * 4 + [Trainer.Training.REFRESHER_DUE]),
                    trained_on=dt.date(FIRST_YEAR - 1 + rng.randint(0, 4), rng.randint(1, 12), 1),
                )
            )  # fmt: skip
    if partner_user is not None:
        trainers.append(
            Trainer(
                college=college, user=partner_user, name=str(partner_user), kind=Trainer.Kind.PEER,
                lived_experience=True, training_status=Trainer.Training.TRAINED,
                trained_on=dt.date(2012, 3, 1),
            )
        )  # fmt: skip
    trainers.append(
        Trainer(
            college=college, name="New peer trainer (in training)" if not kampala else "Namutebi Irene",
            kind=Trainer.Kind.PEER, lived_experience=True, training_status=Trainer.Training.IN_TRAINING,
        )
    )  # fmt: skip
    return Trainer.objects.bulk_create(trainers)


def _courses(college, rng, kampala, challenges) -> list[Course]:
    by_title = {entry[0]: entry for entry in CATALOGUE}
    if kampala:
        entries = [(title, *(extra or by_title[title][1:])) for title, extra in KAMPALA_COURSES]
    else:
        entries = rng.sample(CATALOGUE, rng.randint(14, 25))
    courses = []
    for title, description, outcomes, chime, challenge, fmt, length in entries:
        status = Course.Status.PUBLISHED
        if not kampala and rng.random() < 0.08:
            status = rng.choice([Course.Status.DRAFT, Course.Status.HIDDEN])
        courses.append(
            Course(
                college=college, title=title, description=description, learning_outcomes=outcomes,
                chime=chime, challenge=challenges.get(challenge), format=fmt, length=length,
                audience=Course.Audience.STAFF if "staff" in title.lower() or "For staff" in description else Course.Audience.EVERYONE,
                accessibility="Step-free access. Hearing loop. Breaks every 45 minutes. Tea and coffee.",
                status=status, completion_rule=rng.choice(list(Course.Completion.values)),
                co_reviewed_on=dt.date(rng.randint(2014, 2025), rng.randint(1, 12), 1),
            )
        )  # fmt: skip
    for c in courses:
        sessions = int(c.length.split()[0])
        c.completion_value = (
            max(1, sessions - 1) if c.completion_rule == Course.Completion.SESSIONS else 75
        )
    courses = Course.objects.bulk_create(courses)
    rows = []
    for course in courses:
        rows += [
            CoProduction(course=course, stage=CoProduction.Stage.DESIGN, group="service_user",
                         contributor=rng.choice(["Peer trainers' group", "Service user reference group", "Hearing Voices group", "Kampala Recovery Voices" if kampala else "Lived Experience Advisory Panel"]),
                         on=dt.date(FIRST_YEAR - 1, rng.randint(6, 12), 1)),
            CoProduction(course=course, stage=CoProduction.Stage.DESIGN, group="staff",
                         contributor=rng.choice(["Psychology team", "Occupational therapy", "Community team"]),
                         on=dt.date(FIRST_YEAR - 1, rng.randint(6, 12), 1)),
        ]  # fmt: skip
        if rng.random() < 0.4:
            rows.append(CoProduction(course=course, stage=CoProduction.Stage.DESIGN, group="carer", contributor="Carers' forum"))  # fmt: skip
        rows.append(CoProduction(course=course, stage=CoProduction.Stage.REVIEW, group="service_user", contributor="Learners' feedback group", on=course.co_reviewed_on))  # fmt: skip
    CoProduction.objects.bulk_create(rows)
    return courses


def _terms(college, joined_on) -> list[Term]:
    today = timezone.localdate()
    terms = []
    for year in range(FIRST_YEAR, today.year + 2):
        for name, start, end in TERMS:
            starts = dt.date(year, *start)
            if starts > today + dt.timedelta(days=150):
                break
            terms.append(Term(college=college, name=f"{name} {year}", starts_on=starts, ends_on=dt.date(year, *end)))  # fmt: skip
    return Term.objects.bulk_create(terms)


def _learners(college, rng, kampala, count) -> list[Learner]:
    first = KLA_FIRST if kampala else UK_FIRST
    groups = ["service_user"] * 11 + ["carer"] * 4 + ["staff"] * 4 + ["other", ""]
    rows = []
    for n in range(count):
        name = f"{rng.choice(first)} {chr(65 + rng.randint(0, 25))}."
        if rng.random() < 0.15:
            contact = f"07700 9{n % 100000:05d}" if not kampala else f"+256 700 {n:06d}"
        else:
            contact = f"learner{n}.{college.site.slug[:20]}@example.org"
        rows.append(
            Learner(
                college=college, name=name, contact=contact,
                contact_key=contact.lower() if "@" in contact else "".join(ch for ch in contact if ch.isdigit() or ch == "+"),
                group=rng.choice(groups), consent_at=timezone.now(), last_active_at=timezone.now(),
                access_needs=rng.choice(["", "", "", "Step-free access, please.", "I find groups hard at first; I may sit near the door.", "Large print handouts."]),
            )
        )  # fmt: skip
    return Learner.objects.bulk_create(rows, batch_size=1000)


def _plans(learners, rng, courses, trainers) -> None:
    chosen = rng.sample(learners, min(len(learners), 15))
    plans = LearningPlan.objects.bulk_create(
        [
            LearningPlan(
                learner=learner,
                goals=rng.choice([
                    "Feel confident enough to go to a group on my own.",
                    "Find voluntary work one day a week.",
                    "Understand my voices better and feel less frightened by them.",
                    "Get back into a routine and sleep better.",
                ]),
                wants_tutor=rng.random() < 0.6,
            )
            for learner in chosen
        ]
    )  # fmt: skip
    through = LearningPlan.courses.through
    links = []
    for plan in plans:
        if plan.wants_tutor:
            plan.tutor = rng.choice(trainers)
        links += [through(learningplan_id=plan.pk, course_id=c.pk) for c in rng.sample(courses, 2)]
    LearningPlan.objects.bulk_update(plans, ["tutor"])
    through.objects.bulk_create(links)


def _fidelity(college, rng, joined_on) -> int:
    checks = []
    level = 0.3
    for year in range(2014, timezone.localdate().year + 1):
        level = min(1.0, level + rng.uniform(0.02, 0.12))
        scores = {}
        for c in fidelity.COMPONENTS:
            if c.kind == fidelity.SCORED:
                scores[c.key] = min(2, int(rng.random() + level * 2))
            else:
                scores[c.key] = 2 if rng.random() < level else 1
        notes = "Agreed at the college's annual review day with learners, peer trainers and staff."
        checks.append(
            FidelityCheck(college=college, done_on=dt.date(year, 6, 30), scores=scores, notes=notes)
        )
    FidelityCheck.objects.bulk_create(checks)
    return len(checks)
