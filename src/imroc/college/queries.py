"""Site-scoped reads of college data. Every read starts from a site or a college."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from imroc.college.models import (
    FEEDBACK_QUESTIONS,
    Attendance,
    College,
    CoProduction,
    Course,
    CourseRun,
    Enrolment,
    FeedbackResponse,
    Learner,
    LearningPlan,
    MessageLog,
    Session,
    Term,
    Trainer,
)
from imroc.programme.models import Site

LIVE = ~Q(status=Enrolment.Status.CANCELLED)


# --- Colleges ---------------------------------------------------------------------------------


def site_college(site: Site) -> College | None:
    return College.objects.filter(site=site).first()


def published_college(site_slug: str) -> College | None:
    """The college of a site that has chosen to publish its prospectus, for public pages."""
    return (
        College.objects.select_related("site__organisation")
        .filter(site__slug=site_slug, publish_prospectus=True)
        .first()
    )


def college_for_private_links(site_slug: str) -> College | None:
    return College.objects.select_related("site__organisation").filter(site__slug=site_slug).first()


# --- Courses, terms, runs, sessions -------------------------------------------------------------


def courses(college: College) -> QuerySet[Course]:
    # Meta.ordering is dropped from GROUP BY queries, so order explicitly.
    return (
        college.courses.select_related("challenge")
        .annotate(run_count=Count("runs"))
        .order_by("title", "id")
    )


def course(college: College, public_id) -> Course | None:
    return (
        college.courses.select_related("challenge", "college").filter(public_id=public_id).first()
    )


def published_course(college: College, public_id) -> Course | None:
    return (
        college.courses.select_related("challenge")
        .filter(public_id=public_id, status=Course.Status.PUBLISHED)
        .first()
    )


def course_coproduction(course: Course):
    return list(course.coproduction.all())


def terms(college: College) -> QuerySet[Term]:
    return college.terms.annotate(run_count=Count("runs")).order_by("-starts_on", "id")


def _with_places(runs: QuerySet[CourseRun]) -> QuerySet[CourseRun]:
    return runs.select_related("course", "term", "peer_trainer", "practitioner_trainer").annotate(
        taken=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED)),
        waiting=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITING)),
    )


def course_runs(course: Course) -> list[CourseRun]:
    return list(
        _with_places(course.runs.all())
        .prefetch_related("sessions")
        .order_by("-term__starts_on", "id")
    )


def run(college: College, public_id) -> CourseRun | None:
    return (
        _with_places(CourseRun.objects.filter(course__college=college, public_id=public_id))
        .select_related("course__college__site")
        .first()
    )


def public_run(college: College, public_id) -> CourseRun | None:
    """A run people may enrol on: its course is published and the run is not cancelled."""
    return (
        _with_places(
            CourseRun.objects.filter(
                course__college=college,
                course__status=Course.Status.PUBLISHED,
                public_id=public_id,
                cancelled=False,
            )
        )
        .prefetch_related("sessions")
        .first()
    )


def run_sessions(run: CourseRun) -> list[Session]:
    return list(run.sessions.all())


def run_session(run: CourseRun, public_id) -> Session | None:
    return run.sessions.filter(public_id=public_id).first()


def run_enrolments(run: CourseRun) -> list[Enrolment]:
    return list(
        run.enrolments.select_related("learner")
        .annotate(
            attended=Count("attendance", filter=Q(attendance__status=Attendance.Status.ATTENDED))
        )
        .order_by("status", "waiting_since", "created_at", "id")
    )


def run_enrolment(run: CourseRun, public_id) -> Enrolment | None:
    return run.enrolments.select_related("learner").filter(public_id=public_id).first()


def session_register(session: Session) -> tuple[list[Enrolment], dict[int, str]]:
    """The learners with a place on the session's run, and what the register says so far."""
    enrolments = list(
        session.run.enrolments.filter(status=Enrolment.Status.ENROLLED)
        .select_related("learner")
        .order_by("learner__name", "id")
    )
    marks = dict(session.attendance.values_list("enrolment_id", "status"))
    return enrolments, marks


def run_marks(run: CourseRun) -> list[tuple[int, int, str]]:
    """Every register mark of the run: (enrolment id, session id, status)."""
    return list(
        Attendance.objects.filter(session__run=run).values_list(
            "enrolment_id", "session_id", "status"
        )
    )


@dataclass
class TermGroup:
    term: Term
    runs: list[CourseRun]


def open_terms(college: College, today: dt.date | None = None) -> list[Term]:
    """The current term and those to come."""
    today = today or timezone.localdate()
    return list(college.terms.filter(ends_on__gte=today).order_by("starts_on"))


def prospectus(
    college: College,
    open_terms: list[Term],
    *,
    term: str = "",
    chime: str = "",
    format: str = "",
    audience: str = "",
    text: str = "",
) -> list[TermGroup]:
    """Runs of published courses in the open terms, grouped by term, filtered."""
    runs = CourseRun.objects.filter(
        course__college=college,
        course__status=Course.Status.PUBLISHED,
        cancelled=False,
        term__in=open_terms,
    )
    if term:
        runs = runs.filter(term__public_id=term)
    if format:
        runs = runs.filter(course__format=format)
    if audience:
        runs = runs.filter(course__audience=audience)
    if text:
        runs = runs.filter(
            Q(course__title__icontains=text) | Q(course__description__icontains=text)
        )
    rows = list(
        _with_places(runs)
        .prefetch_related("sessions")
        .order_by("term__starts_on", "course__title", "id")
    )
    if chime:
        rows = [r for r in rows if chime in r.course.chime]  # JSON containment differs by DB
    groups: dict[int, TermGroup] = {}
    for r in rows:
        groups.setdefault(r.term_id, TermGroup(r.term, [])).runs.append(r)
    return list(groups.values())


def courses_without_open_runs(college: College, open_terms: list[Term]) -> list[Course]:
    """Published courses with no run in the open terms, so the prospectus can still list them."""
    return list(
        college.courses.filter(status=Course.Status.PUBLISHED)
        .exclude(runs__term__in=open_terms, runs__cancelled=False)
        .order_by("title")
    )


def public_course_runs(course: Course, today: dt.date | None = None) -> list[CourseRun]:
    today = today or timezone.localdate()
    return list(
        _with_places(course.runs.filter(cancelled=False, term__ends_on__gte=today))
        .prefetch_related("sessions")
        .order_by("term__starts_on", "id")
    )


# --- Trainers ---------------------------------------------------------------------------------


def trainers(college: College) -> QuerySet[Trainer]:
    return (
        college.trainers.select_related("user")
        .annotate(
            run_count=Count("peer_runs", distinct=True) + Count("practitioner_runs", distinct=True)
        )
        .order_by("name", "id")
    )


def trainer(college: College, public_id) -> Trainer | None:
    return college.trainers.filter(public_id=public_id).first()


def active_trainers(college: College, kind: str | None = None) -> QuerySet[Trainer]:
    qs = college.trainers.filter(active=True)
    return qs.filter(kind=kind) if kind else qs


def trainer_runs_for_user(college: College, user) -> set[int]:
    """The runs on which this signed-in person is a named trainer."""
    return set(
        CourseRun.objects.filter(course__college=college)
        .filter(Q(peer_trainer__user=user) | Q(practitioner_trainer__user=user))
        .values_list("id", flat=True)
    )


# --- Learners ---------------------------------------------------------------------------------


def learners(college: College, text: str = "") -> QuerySet[Learner]:
    qs = college.learners.filter(erased_at__isnull=True)
    if text:
        qs = qs.filter(name__icontains=text)
    return qs.annotate(
        enrolment_count=Count("enrolments", filter=Q(enrolments__status="enrolled"))
    ).order_by("name", "id")


def learner(college: College, public_id) -> Learner | None:
    return college.learners.filter(public_id=public_id, erased_at__isnull=True).first()


def learner_by_id(college: College, public_id) -> Learner | None:
    return college.learners.filter(public_id=public_id).first()


def learner_by_contact(college: College, contact_key: str) -> Learner | None:
    return college.learners.filter(contact_key=contact_key, erased_at__isnull=True).first()


def learner_enrolments(learner: Learner) -> list[Enrolment]:
    return list(
        learner.enrolments.select_related("run__course", "run__term")
        .annotate(
            attended=Count("attendance", filter=Q(attendance__status=Attendance.Status.ATTENDED)),
            held=Subquery(
                Session.objects.filter(run=OuterRef("run"), cancelled=False)
                .order_by()
                .values("run")
                .annotate(n=Count("id"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
        )
        .order_by("-run__term__starts_on", "id")
    )


def learner_attendance(learner: Learner) -> list[Attendance]:
    return list(
        Attendance.objects.filter(enrolment__learner=learner)
        .select_related("session__run__course")
        .order_by("session__starts_at")
    )


def learner_messages(learner: Learner) -> list[MessageLog]:
    return list(learner.messages.all())


def learner_plan(learner: Learner) -> LearningPlan | None:
    return (
        LearningPlan.objects.filter(learner=learner)
        .select_related("tutor")
        .prefetch_related("courses")
        .first()
    )


# --- Feedback ---------------------------------------------------------------------------------

FEEDBACK_ITEMS = [key for key, _ in FEEDBACK_QUESTIONS]


def feedback_summary(responses: QuerySet[FeedbackResponse]) -> dict:
    return responses.aggregate(n=Count("id"), **{k: Avg(k) for k in FEEDBACK_ITEMS})


def run_feedback(run: CourseRun) -> tuple[dict, list[str]]:
    summary = feedback_summary(run.feedback.all())
    comments = list(run.feedback.exclude(comment="").values_list("comment", flat=True))
    return summary, comments


def invite_by_id(public_id):
    from imroc.college.models import FeedbackInvite

    return (
        FeedbackInvite.objects.select_related("enrolment__run__course__college__site")
        .filter(public_id=public_id)
        .first()
    )


def enrolment_by_id(public_id) -> Enrolment | None:
    return (
        Enrolment.objects.select_related(
            "learner", "run__course__college__site__organisation", "run__term"
        )
        .filter(public_id=public_id)
        .first()
    )


# --- Fidelity ---------------------------------------------------------------------------------


def fidelity_checks(college: College):
    return list(college.fidelity_checks.select_related("recorded_by"))


# --- Figures for the dashboard ----------------------------------------------------------------


def _count(qs: QuerySet, key: str, field: str = "id", distinct: bool = False):
    """A scalar subquery counting rows of one college, for a one-query summary."""
    return Coalesce(
        Subquery(
            qs.filter(**{key: OuterRef("pk")})
            .order_by()
            .values(key)
            .annotate(n=Count(field, distinct=distinct))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _avg(qs: QuerySet, key: str, field: str):
    return Subquery(
        qs.filter(**{key: OuterRef("pk")})
        .order_by()
        .values(key)
        .annotate(a=Avg(field))
        .values("a")[:1]
    )


def college_figures(site: Site) -> College | None:
    """The site's college with its headline counts, in three queries whatever the data.

    Runs and feedback are counted in scalar subqueries of the college row; enrolments (by
    status, and learners by group) and attendance (by status) in one pass over each table,
    with conditional counts, rather than one subquery per figure: at national scale every such
    subquery walked the college's thousands of enrolments again.
    """
    runs = CourseRun.objects.filter(cancelled=False)
    feedback = FeedbackResponse.objects.all()
    rc, fc = "course__college", "run__course__college"
    annotations = {
        "runs_total": _count(runs, rc),
        "runs_co_delivered": _count(
            runs.filter(peer_trainer__isnull=False, practitioner_trainer__isnull=False), rc
        ),
        "runs_without_peer": _count(runs.filter(peer_trainer__isnull=True), rc),
        "feedback_n": _count(feedback, fc),
    }
    for item in FEEDBACK_ITEMS:
        annotations[f"feedback_{item}"] = _avg(feedback, fc, item)
    college = College.objects.filter(site=site).annotate(**annotations).first()
    if college is None:
        return None
    counts = {f"enrol_{s}": Count("id", filter=Q(status=s)) for s in Enrolment.Status.values}
    for group in [*Learner.Group.values, ""]:
        counts[f"learners_{group or 'unknown'}"] = Count(
            "learner", distinct=True, filter=LIVE & Q(group=group)
        )
    figures = Enrolment.objects.filter(run__course__college=college).aggregate(**counts)
    figures |= Attendance.objects.filter(enrolment__run__course__college=college).aggregate(
        # Counting the status column (never null) lets the (enrolment, status) index answer.
        **{f"attendance_{s}": Count("status", filter=Q(status=s)) for s in Attendance.Status.values}
    )
    for name, value in figures.items():
        setattr(college, name, value or 0)
    return college


def completion_counts(college: College, now=None) -> tuple[int, int]:
    """(completed, finished): places on runs whose sessions are all over, and how many completed.

    Two queries whatever the data: the college's runs with their last session and sessions
    held, then the places on the finished runs with the sessions each learner came to.
    """
    now = now or timezone.now()
    runs = {
        pk: (rule, value, held)
        for pk, rule, value, held, last_end in CourseRun.objects.filter(
            course__college=college, cancelled=False
        )
        .order_by()
        .values("pk", "course__completion_rule", "course__completion_value")
        .annotate(
            last_end=Max("sessions__ends_at"),
            held=Count("sessions", filter=Q(sessions__cancelled=False)),
        )
        .values_list(
            "pk", "course__completion_rule", "course__completion_value", "held", "last_end"
        )
        if last_end is not None and last_end < now
    }
    if not runs:
        return 0, 0
    places = (
        Enrolment.objects.filter(run_id__in=list(runs), status=Enrolment.Status.ENROLLED)
        .order_by()
        .values("pk", "run_id")
        .annotate(
            came=Count(
                "attendance__status", filter=Q(attendance__status=Attendance.Status.ATTENDED)
            )
        )
        .values_list("run_id", "came")
    )
    done = total = 0
    for run_id, came in places:
        rule, value, held = runs[run_id]
        total += 1
        if rule == Course.Completion.SESSIONS:
            done += came >= value
        else:
            done += held > 0 and came * 100 >= value * held
    return done, total


def sessions_due_reminders(start, end) -> QuerySet[Session]:
    return Session.objects.filter(
        starts_at__gte=start, starts_at__lt=end, cancelled=False, run__cancelled=False
    ).select_related("run__course__college__site__organisation", "run__term")


def runs_needing_feedback_invites(now) -> QuerySet[CourseRun]:
    """Runs whose last session has ended, with learners who have not been invited yet."""
    last_end = Subquery(
        Session.objects.filter(run=OuterRef("pk")).order_by("-ends_at").values("ends_at")[:1]
    )
    return (
        CourseRun.objects.filter(cancelled=False)
        .annotate(last_end=last_end)
        .filter(last_end__lt=now, last_end__gte=now - dt.timedelta(days=30))
        .filter(enrolments__status=Enrolment.Status.ENROLLED, enrolments__invite__isnull=True)
        .distinct()
        .select_related("course__college__site__organisation")
    )


def stale_learners(before) -> QuerySet[Learner]:
    return Learner.objects.filter(erased_at__isnull=True, last_active_at__lt=before)


def coproduction_group_counts(site: Site) -> dict[tuple[str, str], int]:
    """(stage, stakeholder group) -> how many of the site's courses it co-produced: one query."""
    rows = (
        CoProduction.objects.filter(course__college__site=site)
        .order_by()
        .values_list("stage", "group")
        .annotate(n=Count("course", distinct=True))
    )
    return {(stage, group): n for stage, group, n in rows}
