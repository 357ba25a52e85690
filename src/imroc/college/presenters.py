"""Shape college records for pages and exports, so templates stay free of logic."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext, ngettext

from imroc.college import fidelity
from imroc.college.models import CourseRun, Learner


def places_text(run: CourseRun) -> str:
    """What a learner needs to know about places, without showing anyone's details."""
    left = run.capacity - run.taken
    if run.cancelled:
        return gettext("Cancelled")
    if not run.enrolment_open:
        return gettext("Not taking enrolments")
    if left <= 0:
        return gettext("Full: you can join the waiting list")
    if left <= 3:
        message = ngettext("Only %(count)d place left", "Only %(count)d places left", left)
        return message % {"count": left}
    return gettext("Places available")


def fidelity_rows(checks, wording: dict[str, str]) -> list[dict]:
    """One row a component, with its score in each check (newest first)."""
    return [
        {
            "component": c,
            "label": fidelity.label(c, wording),
            "scores": [check.scores.get(c.key) for check in checks],
        }
        for c in fidelity.COMPONENTS
    ]


def _local(value):
    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def learner_export(learner: Learner, enrolments, attendance, plan, messages) -> dict:
    """Everything the college holds about one learner, in plain words, for the learner."""
    return {
        "college": learner.college.name,
        "learner": {
            "reference": str(learner.public_id),
            "name": learner.name,
            "contact": learner.contact,
            "coming_as": learner.get_group_display() if learner.group else "",
            "access_needs": learner.access_needs,
            "language_for_messages": learner.language,
            "agreed_to_keep_details_on": _local(learner.consent_at),
            "first_enrolled_on": _local(learner.created_at),
        },
        "enrolments": [
            {
                "course": e.run.course.title,
                "term": e.run.term.name,
                "status": e.get_status_display(),
                "enrolled_on": _local(e.created_at),
                "cancelled_on": _local(e.cancelled_at),
            }
            for e in enrolments
        ],
        "attendance": [
            {
                "course": a.session.run.course.title,
                "session": _local(a.session.starts_at),
                "register": a.get_status_display(),
            }
            for a in attendance
        ],
        "learning_plan": None
        if plan is None
        else {
            "goals": plan.goals,
            "courses": [c.title for c in plan.courses.all()],
            "wants_a_tutor": plan.wants_tutor,
            "tutor": plan.tutor.name if plan.tutor else None,
            "review_on": plan.next_review_on.isoformat() if plan.next_review_on else None,
        },
        "messages": [
            {"about": m.subject, "when": _local(m.created_at), "status": m.get_status_display()}
            for m in messages
        ],
    }


def export_csv(data: dict) -> str:
    """The same export as rows of section, item, field and value, for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "item", "field", "value"])
    for key, value in data["learner"].items():
        writer.writerow(["learner", 1, key, _safe(value)])
    for section in ("enrolments", "attendance", "messages"):
        for index, row in enumerate(data[section], start=1):
            for key, value in row.items():
                writer.writerow([section, index, key, _safe(value)])
    if data["learning_plan"]:
        for key, value in data["learning_plan"].items():
            writer.writerow(["learning_plan", 1, key, _safe(value)])
    return out.getvalue()


def _safe(value) -> str:
    """Plain text that a spreadsheet will not run as a formula."""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
