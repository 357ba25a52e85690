"""College lists as downloadable tables (CSV / Excel): courses, trainers, learners, a run's places.

Contact details are in a download only for the people who see them on the page.
"""

from __future__ import annotations

from django.utils import timezone

from imroc.core.tables import Table, col


def courses_table(college, courses) -> Table:
    return Table(f"Courses – {college.name}", [
        col("Course", "title"),
        col("Format", "get_format_display"),
        col("Audience", "get_audience_display"),
        col("Length", "length"),
        col("Prospectus", "get_status_display"),
        col("Runs", "run_count"),
        col("Co-reviewed on", "co_reviewed_on"),
        col("Id", "public_id"),
    ], courses, name="courses")  # fmt: skip


def trainers_table(college, trainers) -> Table:
    return Table(f"Trainers – {college.name}", [
        col("Name", "name"),
        col("Trains as", "get_kind_display"),
        col("Lived experience", "lived_experience"),
        col("Trainer training", "get_training_status_display"),
        col("Trained on", "trained_on"),
        col("Active", "active"),
        col("Runs", "run_count"),
    ], trainers, name="trainers")  # fmt: skip


def _name(learner) -> str:
    return "Erased learner" if learner.erased_at else learner.name


def learners_table(college, learners, *, contacts: bool) -> Table:
    columns = [col("Name", _name)]
    if contacts:
        columns.append(col("Contact", "contact"))
    columns += [
        col("Group", "get_group_display"),
        col("Places held", "enrolment_count"),
        col("Last active", "last_active_at"),
        col("Id", "public_id"),
    ]
    return Table(f"Learners – {college.name}", columns, learners, name="learners")


def enrolments_table(run, enrolments, *, contacts: bool) -> Table:
    columns = [col("Name", lambda e: _name(e.learner))]
    if contacts:
        columns.append(col("Contact", lambda e: "" if e.learner.erased_at else e.learner.contact))
    columns += [
        col("Status", "get_status_display"),
        col("Group", "get_group_display"),
        col("Sessions attended", "attended"),
        col("Waiting since", "waiting_since"),
        col("Enrolled by staff", "enrolled_by_staff"),
        col("Place id", "public_id"),
    ]
    title = f"Places – {run.course.title}, {run.term.name}"
    return Table(title, columns, enrolments, name="course-places")


def terms_table(college, terms) -> Table:
    return Table(f"Terms – {college.name}", [
        col("Term", "name"),
        col("Starts", "starts_on"),
        col("Ends", "ends_on"),
        col("Runs", "run_count"),
        col("Id", "public_id"),
    ], terms, name="terms")  # fmt: skip


def register_table(run, sessions, enrolments, marks) -> Table:
    """A run's register: one row a learner, one column a session, the mark in each cell.

    ``marks`` maps (enrolment id, session id) to the attendance status's label.
    """

    def mark(session):
        return lambda e: marks.get((e.pk, session.pk), "")

    columns = [col("Name", lambda e: _name(e.learner))]
    for number, session in enumerate(sessions, start=1):
        when = timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")
        cancelled = " (cancelled)" if session.cancelled else ""
        columns.append(col(f"Session {number}: {when}{cancelled}", mark(session)))
    columns += [col("Sessions attended", "attended"), col("Place id", "public_id")]
    title = f"Register – {run.course.title}, {run.term.name}"
    return Table(title, columns, enrolments, name="course-register")


def fidelity_table(college, checks, rows, totals) -> Table:
    """The fidelity self-checks as on the page: one row a component, one column a check."""

    def score(index):
        def value(row):
            s = row["scores"][index]
            if s is None or row.get("kind") != "typed":
                return s
            return f"Type {s}"

        return value

    data = [{"label": r["label"], "kind": r["component"].kind, "scores": r["scores"]} for r in rows]
    data.append({"label": "Scored total (out of 14)", "kind": "total", "scores": [t["scored"] for t in totals]})  # fmt: skip
    data.append({"label": "Typed components at type 2 (of 5)", "kind": "total", "scores": [t["type2"] for t in totals]})  # fmt: skip
    columns = [col("Component", "label")]
    columns += [col(c.done_on.isoformat(), score(i)) for i, c in enumerate(checks)]
    return Table(f"Fidelity self-checks – {college.name}", columns, data, name="fidelity-self-checks")  # fmt: skip


def feedback_table(run, rows, *, shown: bool, small_number: int) -> Table:
    """The end-of-course feedback averages; blank while fewer people answered than the page's
    small-number rule allows, exactly as the page hides them."""
    data = [{"statement": str(q), "average": avg if shown else None} for q, avg in rows]
    return Table(f"Feedback – {run.course.title}, {run.term.name}", [
        col("Statement", "statement"),
        col(f"Average (1 to 5; blank when fewer than {small_number} answered)", "average"),
    ], data, name="course-feedback")  # fmt: skip
