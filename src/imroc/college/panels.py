"""The site dashboard's college panel. Every figure comes from the records, in fixed queries."""

from __future__ import annotations

from django.utils.translation import gettext as _

from imroc.college import queries
from imroc.college.models import FEEDBACK_QUESTIONS, Attendance, Enrolment, Learner
from imroc.core import suppression


def share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def figures(site) -> dict:
    college = queries.college_figures(site)
    if college is None:
        return {"college": None}
    completed, finished = queries.completion_counts(college)
    came = college.attendance_attended
    expected = came + college.attendance_absent + college.attendance_no_show
    feedback = None
    if college.feedback_n >= suppression.threshold():
        feedback = [
            (label, round(getattr(college, f"feedback_{key}") or 0, 1))
            for key, label in FEEDBACK_QUESTIONS
        ]
    return {
        "college": college,
        "runs_total": college.runs_total,
        "co_delivered": college.runs_co_delivered,
        "co_delivered_share": share(college.runs_co_delivered, college.runs_total),
        "runs_without_peer": college.runs_without_peer,
        "learners_by_group": [
            (label, getattr(college, f"learners_{value}"))
            for value, label in [*Learner.Group.choices, ("unknown", _("Did not say"))]
        ],
        "enrolments": [
            (label, getattr(college, f"enrol_{value}")) for value, label in Enrolment.Status.choices
        ],
        "attendance_rate": share(came, expected),
        "attendance_counts": [
            (label, getattr(college, f"attendance_{value}"))
            for value, label in Attendance.Status.choices
        ],
        "completion_rate": share(completed, finished),
        "completed": completed,
        "finished": finished,
        "feedback_n": college.feedback_n,
        "feedback": feedback,
        "small_number": suppression.threshold(),
    }


def site_dashboard(request, site) -> dict:
    return figures(site)
