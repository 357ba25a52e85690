"""Every write to the college: transactional and audited. Messages go out after the commit.

Audit events about learners carry their public id, never their name or contact, so erasing
a learner leaves no personal data behind in the log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from imroc.college import contacts, fidelity, messaging, tokens
from imroc.college.models import (
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
    MessageLog,
    Session,
    Term,
    Trainer,
)
from imroc.core import audit
from imroc.core.after_response import after_response
from imroc.core.audit import SystemActor
from imroc.core.services import ServiceError, StaleEditError, save_versioned, update_versioned
from imroc.programme.models import Site

LEARNER_ACTOR = SystemActor("learner")  # a learner acting through a private link or public form
COLLEGE_FIELDS = ["name", "about", "how_to_contact", "publish_prospectus"]
COURSE_FIELDS = [
    "title", "description", "learning_outcomes", "chime", "challenge", "format", "length",
    "accessibility", "audience", "who_can_attend", "status", "completion_rule", "completion_value",
    "co_reviewed_on",
]  # fmt: skip
TRAINER_FIELDS = ["name", "kind", "lived_experience", "training_status", "trained_on", "active", "user"]  # fmt: skip
RUN_FIELDS = ["term", "capacity", "peer_trainer", "practitioner_trainer", "enrolment_open", "cancelled"]  # fmt: skip


# --- The college --------------------------------------------------------------------------------


def set_up_college(site: Site, *, actor, **fields) -> College:
    with transaction.atomic():
        if College.objects.filter(site=site).exists():
            raise ServiceError(gettext("This site already has a recovery college."))
        college = College.objects.create(site=site, **fields)
        audit.record(
            actor,
            "college.create",
            college,
            site=site,
            after=audit.snapshot(college, COLLEGE_FIELDS),
        )
    return college


def update_college(college: College, *, actor, expected_version: int, **fields) -> College:
    return update_versioned(
        college,
        actor=actor,
        expected_version=expected_version,
        changes=fields,
        action="college.update",
        site=college.site,
    )


def upload_fidelity_wording(college: College, *, data: bytes, filename: str, actor) -> None:
    """Store the college's own copy of the fidelity wording. Raises WordingFileError."""
    wording = fidelity.parse_wording(data, filename)
    with transaction.atomic():
        College.objects.filter(pk=college.pk).update(
            fidelity_wording=wording, fidelity_wording_source=filename[:200]
        )
        college.fidelity_wording, college.fidelity_wording_source = wording, filename[:200]
        audit.record(
            actor, "college.fidelity_wording", college, site=college.site,
            after={"file": filename, "components": sorted(wording)},
        )  # fmt: skip


def record_fidelity(
    college: College, *, done_on: dt.date, scores: dict[str, int], notes: str, actor
) -> FidelityCheck:
    for component in fidelity.COMPONENTS:
        allowed = [value for value, _ in component.choices]
        if scores.get(component.key) not in allowed:
            raise ServiceError(fidelity.score_error(component), component.key)
    with transaction.atomic():
        check = FidelityCheck.objects.create(
            college=college, done_on=done_on, scores=scores, notes=notes,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )  # fmt: skip
        audit.record(
            actor, "fidelity.record", check, site=college.site,
            after={"done_on": done_on, "scores": scores, "notes": notes},
        )  # fmt: skip
    return check


# --- Trainers, courses, terms, runs, sessions ---------------------------------------------------


def create_trainer(college: College, *, actor, **fields) -> Trainer:
    with transaction.atomic():
        trainer = Trainer.objects.create(college=college, **fields)
        audit.record(
            actor, "trainer.create", trainer, site=college.site,
            after=audit.snapshot(trainer, TRAINER_FIELDS),
        )  # fmt: skip
    return trainer


def update_trainer(trainer: Trainer, *, actor, expected_version: int, **fields) -> Trainer:
    return update_versioned(
        trainer,
        actor=actor,
        expected_version=expected_version,
        changes=fields,
        action="trainer.update",
        site=trainer.college.site,
    )


def create_course(college: College, *, actor, **fields) -> Course:
    with transaction.atomic():
        course = Course.objects.create(college=college, **fields)
        audit.record(
            actor, "course.create", course, site=college.site,
            after=audit.snapshot(course, COURSE_FIELDS),
        )  # fmt: skip
    return course


def update_course(course: Course, *, actor, expected_version: int, **fields) -> Course:
    return update_versioned(
        course,
        actor=actor,
        expected_version=expected_version,
        changes=fields,
        action="course.update",
        site=course.college.site,
    )


def add_coproduction(course: Course, *, actor, **fields) -> CoProduction:
    with transaction.atomic():
        entry = CoProduction.objects.create(course=course, **fields)
        audit.record(
            actor, "course.coproduction", course, site=course.college.site,
            after={k: fields[k] for k in ("stage", "group", "contributor", "on")},
        )  # fmt: skip
    return entry


def create_term(college: College, *, actor, name: str, starts_on, ends_on) -> Term:
    if ends_on < starts_on:
        raise ServiceError(gettext("The term must end on or after the day it starts."), "ends_on")
    if college.terms.filter(name__iexact=name).exists():
        raise ServiceError(
            gettext("There is already a term with this name. Use another name."), "name"
        )
    with transaction.atomic():
        term = Term.objects.create(college=college, name=name, starts_on=starts_on, ends_on=ends_on)
        audit.record(
            actor, "term.create", term, site=college.site,
            after={"name": name, "starts_on": starts_on, "ends_on": ends_on},
        )  # fmt: skip
    return term


def _check_trainers(college: College, fields: dict) -> None:
    peer, practitioner = fields.get("peer_trainer"), fields.get("practitioner_trainer")
    for trainer, kind, name in (
        (peer, Trainer.Kind.PEER, "peer_trainer"),
        (practitioner, Trainer.Kind.PRACTITIONER, "practitioner_trainer"),
    ):
        if trainer is None:
            continue
        if trainer.college_id != college.pk:
            raise ServiceError(gettext("Choose a trainer from this college."), name)
        if trainer.kind != kind:
            message = (
                gettext("Choose a peer trainer here.")
                if kind == Trainer.Kind.PEER
                else gettext("Choose a practitioner trainer here.")
            )
            raise ServiceError(message, name)
    term = fields.get("term")
    if term is not None and term.college_id != college.pk:
        raise ServiceError(gettext("Choose a term of this college."), "term")


def trainer_pair_warnings(run: CourseRun) -> list[str]:
    """Plain warnings about a run's trainer pair. Co-delivery needs a peer and a practitioner."""
    warnings = []
    if run.peer_trainer_id is None:
        warnings.append(
            gettext(
                "This run has no peer trainer. Courses are delivered by a peer trainer and a practitioner together."
            )
        )
    if run.practitioner_trainer_id is None:
        warnings.append(gettext("This run has no practitioner trainer."))
    for trainer in (run.peer_trainer, run.practitioner_trainer):
        if trainer is not None and trainer.training_status not in (
            Trainer.Training.TRAINED,
            Trainer.Training.REFRESHER_DUE,
        ):
            warnings.append(
                gettext("%(name)s has not finished trainer training yet.") % {"name": trainer.name}
            )
        if trainer is not None and not trainer.active:
            warnings.append(
                gettext("%(name)s is no longer an active trainer.") % {"name": trainer.name}
            )
    return warnings


def create_run(course: Course, *, actor, **fields) -> CourseRun:
    _check_trainers(course.college, fields)
    with transaction.atomic():
        run = CourseRun.objects.create(course=course, **fields)
        audit.record(
            actor, "run.create", run, site=course.college.site,
            after=audit.snapshot(run, RUN_FIELDS),
        )  # fmt: skip
    return run


def update_run(
    run: CourseRun, *, actor, expected_version: int, base_url: str = "", **fields
) -> CourseRun:
    """Change a run. More places promote people from the waiting list straight away."""
    college = run.course.college
    _check_trainers(college, fields)
    with transaction.atomic():
        locked = CourseRun.objects.select_for_update().get(pk=run.pk)
        taken = locked.enrolments.filter(status=Enrolment.Status.ENROLLED).count()
        if "capacity" in fields and fields["capacity"] < taken:
            message = ngettext(
                "%(count)d person already has a place. Set the number of places to at least %(count)d, "
                "or cancel places first.",
                "%(count)d people already have a place. Set the number of places to at least %(count)d, "
                "or cancel places first.",
                taken,
            )
            raise ServiceError(message % {"count": taken}, "capacity")
        update_versioned(
            run,
            actor=actor,
            expected_version=expected_version,
            changes=fields,
            action="run.update",
            site=college.site,
        )
        locked.refresh_from_db()
        promoted = _promote(locked, actor)
    _tell_promoted(promoted, base_url)
    return run


def add_session(
    run: CourseRun, *, actor, starts_at, ends_at, place: str, online_link: str
) -> Session:
    if ends_at <= starts_at:
        raise ServiceError(gettext("The session must end after it starts."), "ends_at")
    if not place and not online_link:
        raise ServiceError(gettext("Give a place, an online link, or both."), "place")
    with transaction.atomic():
        session = Session.objects.create(
            run=run, starts_at=starts_at, ends_at=ends_at, place=place, online_link=online_link
        )
        audit.record(
            actor, "session.create", session, site=run.course.college.site,
            after={"starts_at": starts_at, "ends_at": ends_at, "place": place, "online_link": online_link},
        )  # fmt: skip
    return session


# --- Enrolment ----------------------------------------------------------------------------------


@dataclass
class EnrolResult:
    enrolment: Enrolment
    new: bool  # False when the form was sent twice, or the contact already had a live place
    promoted: list[Enrolment] = field(default_factory=list)


def _find_or_add_learner(
    college: College,
    contact_key: str,
    details: dict,
    now,
    *,
    language: str = "",
    by_staff: bool = False,
) -> Learner:
    learner = (
        Learner.objects.select_for_update()
        .filter(college=college, contact_key=contact_key, erased_at__isnull=True)
        .first()
    )
    if learner is None:
        try:
            with transaction.atomic():  # a savepoint: another request may add the same contact
                return Learner.objects.create(
                    college=college, contact_key=contact_key, last_active_at=now, language=language,
                    **details,
                )  # fmt: skip
        except IntegrityError:
            learner = Learner.objects.select_for_update().get(
                college=college, contact_key=contact_key
            )
    # A returning learner. Staff may correct what is held. The public form only fills in what
    # is missing: anyone can type someone else's contact, and must not be able to change that
    # person's name or needs (or the name their messages greet them by).
    for name in ("name", "contact", "group", "access_needs"):
        if details.get(name) and (by_staff or not getattr(learner, name)):
            setattr(learner, name, details[name])
    learner.consent_at = details.get("consent_at") or learner.consent_at
    # Messages go in the language the learner last enrolled in. Staff may work in a language
    # the learner does not use, so a staff enrolment only fills in a language that is missing.
    if language and not (by_staff and learner.language):
        learner.language = language
    learner.last_active_at = now
    learner.save()
    return learner


def enrol(
    run: CourseRun,
    *,
    name: str,
    contact: str,
    group: str = "",
    access_needs: str = "",
    consent: bool,
    idempotency_key: str | None,
    actor,
    by_staff: bool = False,
    base_url: str = "",
) -> EnrolResult:
    """Give the learner a place, or a waiting-list place when the run is full.

    The run's row is locked for the whole check-and-insert, so two people asking for the last
    place at once get one place and one waiting-list entry, never an overbooking.
    """
    try:
        contact_key = contacts.normalise(contact)
    except ValidationError as error:
        raise ServiceError(error.messages[0], "contact") from None
    if not name.strip():
        raise ServiceError(gettext("Enter a name, or the name you like to be called."), "name")
    if not consent:
        raise ServiceError(
            gettext(
                "Tick the box to agree, so the college can keep your details to arrange your place."
            ),
            "consent",
        )
    college = run.course.college
    now = timezone.now()
    with transaction.atomic():
        locked = CourseRun.objects.select_for_update().get(pk=run.pk)
        if idempotency_key:
            # The run is locked, so a second request with this key waits here and finds the first.
            first = (
                locked.enrolments.select_related("learner")
                .filter(idempotency_key=idempotency_key)
                .first()
            )
            if first is not None:
                return EnrolResult(first, new=False)
        if locked.cancelled:
            raise ServiceError(
                gettext("This course run has been cancelled, so it is not taking enrolments.")
            )
        if not by_staff and (
            not locked.enrolment_open or run.course.status != Course.Status.PUBLISHED
        ):
            raise ServiceError(gettext("This course is not taking enrolments at the moment."))
        learner = _find_or_add_learner(
            college, contact_key,
            {"name": name.strip(), "contact": contact.strip(), "group": group,
             "access_needs": access_needs.strip(), "consent_at": now},
            now, language=(translation.get_language() or "")[:10], by_staff=by_staff,
        )  # fmt: skip
        existing = (
            locked.enrolments.filter(learner=learner)
            .exclude(status=Enrolment.Status.CANCELLED)
            .first()
        )
        if existing is not None:
            if not by_staff:
                # Someone used a contact that already has a place. The page must not say so
                # (that would tell anyone who is on a course); the learner is told privately.
                existing.run, existing.learner = run, learner
                context = {
                    "run": run,
                    "enrolment": existing,
                    "place_url": place_url(existing, base_url),
                }
                after_response(messaging.send, college, learner, "already", context)
            return EnrolResult(existing, new=False)
        taken = locked.enrolments.filter(status=Enrolment.Status.ENROLLED).count()
        full = taken >= locked.capacity
        enrolment = Enrolment.objects.create(
            run=locked, learner=learner, group=learner.group,
            status=Enrolment.Status.WAITING if full else Enrolment.Status.ENROLLED,
            waiting_since=now if full else None, idempotency_key=idempotency_key or None,
            enrolled_by_staff=by_staff,
        )  # fmt: skip
        audit.record(
            actor, "enrolment.create", enrolment, site=college.site,
            after={"run": str(locked.public_id), "learner": str(learner.public_id),
                   "status": enrolment.status, "by_staff": by_staff},
        )  # fmt: skip
    enrolment.run = run
    enrolment.learner = learner
    # After the response, like the message to a learner who already had a place, so the two
    # answers take the same time.
    after_response(
        messaging.send, college, learner, "waiting" if full else "enrolled",
        {"run": run, "sessions": list(run.sessions.all()), "place_url": place_url(enrolment, base_url)},
    )  # fmt: skip
    return EnrolResult(enrolment, new=True)


def place_url(enrolment: Enrolment, base_url: str = "") -> str:
    site = enrolment.run.course.college.site
    path = reverse(
        "colleges:place", kwargs={"site": site.slug, "place_token": tokens.make(tokens.PLACE, enrolment.public_id)}
    )  # fmt: skip
    return base_url.rstrip("/") + path


def _promote(locked_run: CourseRun, actor) -> list[Enrolment]:
    """Move people from the waiting list into free places, first come first served."""
    if locked_run.cancelled:
        return []
    taken = locked_run.enrolments.filter(status=Enrolment.Status.ENROLLED).count()
    free = locked_run.capacity - taken
    if free <= 0:
        return []
    promoted = list(
        locked_run.enrolments.filter(status=Enrolment.Status.WAITING)
        .select_related("learner", "run__course__college__site")
        .order_by("waiting_since", "id")[:free]
    )
    for enrolment in promoted:
        enrolment.status = Enrolment.Status.ENROLLED
        enrolment.save(update_fields=["status", "updated_at"])
        audit.record(
            actor, "enrolment.promote", enrolment, site=locked_run.course.college.site,
            after={"run": str(locked_run.public_id), "learner": str(enrolment.learner.public_id)},
        )  # fmt: skip
    return promoted


def _tell_promoted(promoted: list[Enrolment], base_url: str = "") -> None:
    for enrolment in promoted:
        messaging.send(
            enrolment.run.course.college, enrolment.learner, "promoted",
            {"run": enrolment.run, "sessions": list(enrolment.run.sessions.all()),
             "place_url": place_url(enrolment, base_url)},
        )  # fmt: skip


def cancel_enrolment(enrolment: Enrolment, *, actor, base_url: str = "") -> list[Enrolment]:
    """Cancel a place or a waiting-list entry. A freed place goes to the next person waiting."""
    college = enrolment.run.course.college
    with transaction.atomic():
        run = CourseRun.objects.select_for_update().get(pk=enrolment.run_id)
        stored = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if stored.status == Enrolment.Status.CANCELLED:
            return []
        was = stored.status
        stored.status = Enrolment.Status.CANCELLED
        stored.cancelled_at = timezone.now()
        stored.save(update_fields=["status", "cancelled_at", "updated_at"])
        Learner.objects.filter(pk=stored.learner_id).update(last_active_at=timezone.now())
        audit.record(
            actor, "enrolment.cancel", stored, site=college.site,
            before={"status": was}, after={"status": stored.status},
        )  # fmt: skip
        promoted = _promote(run, actor) if was == Enrolment.Status.ENROLLED else []
    enrolment.status, enrolment.cancelled_at = stored.status, stored.cancelled_at
    messaging.send(college, enrolment.learner, "cancelled", {"run": enrolment.run})
    _tell_promoted(promoted, base_url)
    return promoted


# --- Registers ----------------------------------------------------------------------------------


def record_attendance(session: Session, *, marks: dict[int, str], actor) -> int:
    """Save the register for one session: {enrolment id: status}. Returns how many changed."""
    allowed = set(Attendance.Status.values)
    enrolled = set(
        session.run.enrolments.filter(status=Enrolment.Status.ENROLLED).values_list("id", flat=True)
    )
    if any(status not in allowed for status in marks.values()):
        raise ServiceError(
            gettext("Choose came, absent, did not come or not expected for each person.")
        )
    if set(marks) - enrolled:
        raise ServiceError(gettext("The register has changed since you opened it. Open it again."))
    with transaction.atomic():
        current = {
            a.enrolment_id: a
            for a in Attendance.objects.select_for_update().filter(session=session)
        }
        changed = {}
        for enrolment_id, status in marks.items():
            row = current.get(enrolment_id)
            if row is None:
                Attendance.objects.create(
                    session=session, enrolment_id=enrolment_id, status=status,
                    recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                )  # fmt: skip
            elif row.status != status:
                row.status = status
                row.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
                row.save(update_fields=["status", "recorded_by", "updated_at"])
            else:
                continue
            changed[enrolment_id] = (row.status if row else None, status)
        if changed:
            Learner.objects.filter(enrolments__id__in=list(changed)).update(
                last_active_at=timezone.now()
            )
            audit.record(
                actor, "register.save", session, site=session.run.course.college.site,
                after={"changes": len(changed),
                       "counts": {s: sum(1 for _, new in changed.values() if new == s) for s in allowed}},
            )  # fmt: skip
    return len(changed)


# --- Learning plans -----------------------------------------------------------------------------


def save_plan(
    learner: Learner, *, actor, expected_version: int | None, goals: str, courses, wants_tutor: bool,
    tutor: Trainer | None, next_review_on,
) -> LearningPlan:  # fmt: skip
    if tutor is not None and tutor.college_id != learner.college_id:
        raise ServiceError(gettext("Choose a tutor from this college."), "tutor")
    if any(c.college_id != learner.college_id for c in courses):
        raise ServiceError(gettext("Choose courses from this college."), "courses")
    with transaction.atomic():
        plan = LearningPlan.objects.select_for_update().filter(learner=learner).first()
        if plan is None:
            plan = LearningPlan.objects.create(
                learner=learner, goals=goals, wants_tutor=wants_tutor, tutor=tutor,
                next_review_on=next_review_on,
            )  # fmt: skip
            action = "plan.create"
        else:
            if expected_version is not None and plan.version != expected_version:
                raise StaleEditError(plan)
            plan.goals, plan.wants_tutor, plan.tutor = goals, wants_tutor, tutor
            plan.next_review_on = next_review_on
            save_versioned(plan, plan.version, ["goals", "wants_tutor", "tutor", "next_review_on"])
            action = "plan.update"
        plan.courses.set(courses)
        Learner.objects.filter(pk=learner.pk).update(last_active_at=timezone.now())
        # The goals are the learner's own words, so the log records that they changed, not what.
        audit.record(
            actor, action, learner, site=learner.college.site,
            after={"courses": sorted(str(c.public_id) for c in courses), "wants_tutor": wants_tutor,
                   "tutor": tutor.name if tutor else None, "next_review_on": next_review_on},
        )  # fmt: skip
    return plan


# --- Feedback -----------------------------------------------------------------------------------


def feedback_url(invite: FeedbackInvite, site: Site, base_url: str = "") -> str:
    path = reverse(
        "colleges:feedback",
        kwargs={
            "site": site.slug,
            "feedback_token": tokens.make(tokens.FEEDBACK, invite.public_id),
        },
    )
    return base_url.rstrip("/") + path


def send_feedback_invites(run: CourseRun, *, actor, base_url: str = "") -> int:
    """Invite everyone with a place to the questionnaire, once each."""
    college = run.course.college
    with transaction.atomic():
        pending = list(
            run.enrolments.filter(
                status=Enrolment.Status.ENROLLED, invite__isnull=True
            ).select_related("learner")
        )
        invites = [FeedbackInvite(enrolment=e) for e in pending]
        for invite in invites:
            invite.save()
        if invites:
            audit.record(
                actor, "feedback.invite", run, site=college.site, after={"invited": len(invites)}
            )
    for invite in invites:
        messaging.send(
            college, invite.enrolment.learner, "feedback",
            {"run": run, "feedback_url": feedback_url(invite, college.site, base_url)},
            dedupe_key=f"feedback:{invite.pk}",
        )  # fmt: skip
    return len(invites)


def submit_feedback(
    invite: FeedbackInvite, *, answers: dict[str, int], comment: str
) -> FeedbackResponse:
    """Store an anonymous response and use up the link. Refused if the link was used already."""
    with transaction.atomic():
        stored = FeedbackInvite.objects.select_for_update().get(pk=invite.pk)
        if stored.used_at is not None:
            raise ServiceError(gettext("This questionnaire has already been answered. Thank you."))
        run = invite.enrolment.run
        response = FeedbackResponse.objects.create(run=run, comment=comment.strip(), **answers)
        stored.used_at = timezone.now()
        stored.save(update_fields=["used_at", "updated_at"])
        audit.record(
            LEARNER_ACTOR, "feedback.submit", run, site=run.course.college.site,
            object_repr=f"Feedback on {run}",
        )  # fmt: skip
    return response


# --- Reminders ----------------------------------------------------------------------------------


def send_reminders(*, now=None, hours: int = 48, base_url: str = "") -> int:
    """Remind learners with a place about sessions in the next 48 hours. Safe to run again."""
    from imroc.college import queries

    now = now or timezone.now()
    sent = 0
    for session in queries.sessions_due_reminders(now, now + dt.timedelta(hours=hours)):
        run = session.run
        college = run.course.college
        for enrolment in run.enrolments.filter(status=Enrolment.Status.ENROLLED).select_related(
            "learner"
        ):
            enrolment.run = run
            with timezone.override(college.site.organisation.time_zone):
                entry = messaging.send(
                    college, enrolment.learner, "reminder",
                    {"run": run, "session": session, "place_url": place_url(enrolment, base_url)},
                    dedupe_key=f"reminder:{session.pk}:{enrolment.pk}",
                )  # fmt: skip
            sent += entry is not None
    return sent


def send_due_feedback_invites(*, now=None, base_url: str = "") -> int:
    from imroc.college import queries

    actor = SystemActor("college_reminders")
    return sum(
        send_feedback_invites(run, actor=actor, base_url=base_url)
        for run in queries.runs_needing_feedback_invites(now or timezone.now())
    )


# --- Learners' rights ---------------------------------------------------------------------------


def record_learner_view(learner: Learner, *, actor, what: str = "record") -> None:
    """Log that someone saw (``viewed.learner``) or exported (``exported.learner``) a record."""
    audit.record_access(
        actor, "learner", learner, site=learner.college.site,
        exported=what.startswith("export"), details={"what": what},
    )  # fmt: skip


def send_data_link(college: College, *, contact: str, base_url: str = "") -> None:
    """Email a private link to a learner's own data. Says nothing about whether they exist."""
    try:
        key = contacts.normalise(contact)
    except ValidationError as error:
        raise ServiceError(error.messages[0], "contact") from None
    learner = college.learners.filter(contact_key=key, erased_at__isnull=True).first()
    if learner is None:
        return
    path = reverse(
        "colleges:my_data",
        kwargs={
            "site": college.site.slug,
            "data_token": tokens.make(tokens.MY_DATA, learner.public_id),
        },
    )
    messaging.send(
        college, learner, "my_data",
        {"data_url": base_url.rstrip("/") + path, "days": tokens.MY_DATA_DAYS},
    )  # fmt: skip
    audit.record(LEARNER_ACTOR, "learner.data_link", learner, site=college.site)


def _anonymise(learner: Learner, now) -> None:
    LearningPlan.objects.filter(learner=learner).delete()
    MessageLog.objects.filter(learner=learner).update(recipient="", learner=None)
    Learner.objects.filter(pk=learner.pk).update(
        name="", contact="", contact_key=None, group="", access_needs="", language="", erased_at=now,
        last_active_at=now,
    )  # fmt: skip


def erase_learner(learner: Learner, *, actor, reason: str) -> None:
    """Erase a learner on request. Their enrolments and attendance stay, as anonymous counts."""
    if not reason.strip():
        raise ServiceError(
            gettext("Say why, for example 'asked by the learner on 3 May'."), "reason"
        )
    with transaction.atomic():
        _anonymise(learner, timezone.now())
        audit.record(
            actor, "learner.erase", learner, site=learner.college.site, after={"reason": reason}
        )


def apply_retention(*, months: int, now=None) -> int:
    """Anonymise learners with no activity for this many months."""
    from imroc.college import queries

    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=round(months * 30.44))
    actor = SystemActor("college_retention")
    count = 0
    for learner in queries.stale_learners(cutoff).select_related("college__site").iterator():
        with transaction.atomic():
            _anonymise(learner, now)
            audit.record(
                actor, "learner.retention", learner, site=learner.college.site,
                after={"months": months},
            )  # fmt: skip
        count += 1
    return count
