"""College lists as downloadable tables (CSV / Excel): courses, trainers, learners, a run's places.

Contact details are in a download only for the people who see them on the page.
"""

from __future__ import annotations

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
