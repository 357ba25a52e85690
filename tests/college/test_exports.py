"""College downloads added to the run, fidelity, feedback and terms pages (``?format=``)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from imroc.college.models import Attendance, Enrolment, FeedbackResponse, FidelityCheck
from imroc.core import tables
from imroc.core.models import AuditEvent
from tests.college.factories import EnrolmentFactory, LearnerFactory, TermFactory, build_college

pytestmark = pytest.mark.django_db
EVIL = "=SUM(1,2)"


def _url(name, site, **kwargs):
    return reverse(f"college:{name}", kwargs={"site": site.slug, **kwargs})


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return tables.read_csv(b"".join(response.streaming_content))


def _xlsx(response) -> list[list]:
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    return [list(r) for r in load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True)]  # fmt: skip


def _event():
    return AuditEvent.objects.filter(action="exports.list").order_by("-id").first()


@pytest.fixture
def data(site, other_site):
    college, _course, run = build_college(site)
    anna = LearnerFactory(college=college, name="Anna Learner", contact="anna@example.org")
    bert = LearnerFactory(college=college, name=EVIL, contact="bert@example.org")
    waiting = LearnerFactory(college=college, name="Wendy Waiting", contact="w@example.org")
    e_anna = EnrolmentFactory(run=run, learner=anna)
    e_bert = EnrolmentFactory(run=run, learner=bert)
    EnrolmentFactory(run=run, learner=waiting, status=Enrolment.Status.WAITING)
    first, second = list(run.sessions.all())
    Attendance.objects.create(session=first, enrolment=e_anna, status=Attendance.Status.ATTENDED)
    Attendance.objects.create(session=second, enrolment=e_anna, status=Attendance.Status.NO_SHOW)
    Attendance.objects.create(session=first, enrolment=e_bert, status=Attendance.Status.ABSENT)
    TermFactory(college=college, name="Spring term")
    other_college, _, other_run = build_college(other_site)
    scores = {f"component-{i}": (2 if i > 7 else 1) for i in range(1, 13)}
    FidelityCheck.objects.create(college=college, done_on="2024-03-01", scores=scores)
    FidelityCheck.objects.create(college=other_college, done_on="2024-03-02", scores=scores)
    return {"college": college, "run": run, "other_run": other_run}


def test_register_has_a_mark_a_learner_a_session(site, data, member_client):
    run = data["run"]
    rows = _csv(member_client.get(_url("run", site, run=run.public_id), {"format": "csv", "table": "register"}))  # fmt: skip
    assert rows[0][0] == "Name" and rows[0][1].startswith("Session 1: ") and rows[0][3] == "Sessions attended"  # fmt: skip
    assert "Contact" not in rows[0]
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {
        "Anna Learner",
        "'" + EVIL,
    }  # the waiting learner is not on the register
    assert by_name["Anna Learner"][1:4] == ["Came", "Did not come: no word", "1"]
    assert by_name["'" + EVIL][1:4] == ["Absent: let us know", "", "0"]
    assert _event().after == {"list": "course-register", "format": "csv", "profile": "full", "rows": 2}  # fmt: skip
    sheet = _xlsx(member_client.get(_url("run", site, run=run.public_id), {"format": "xlsx", "table": "register"}))  # fmt: skip
    assert sheet[0][0] == "Name" and len(sheet) == 3


def test_register_download_needs_the_register_access(site, data, viewer_client, partner_client, lead_client, outsider_client):  # fmt: skip
    url = _url("run", site, run=data["run"].public_id)
    assert viewer_client.get(url, {"format": "csv", "table": "register"}).status_code == 403
    assert partner_client.get(url, {"format": "csv", "table": "register"}).status_code == 403
    assert "table=register" not in viewer_client.get(url).content.decode()
    assert "table=register" in lead_client.get(url).content.decode()
    assert outsider_client.get(url, {"format": "csv", "table": "register"}).status_code == 404
    other = _url("run", site, run=data["other_run"].public_id)
    assert lead_client.get(other, {"format": "csv", "table": "register"}).status_code == 404
    assert not AuditEvent.objects.filter(action="exports.list").exists()


def test_register_query_count_is_flat(site, data, member_client):
    run = data["run"]
    url = _url("run", site, run=run.public_id)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            b"".join(
                member_client.get(url, {"format": "csv", "table": "register"}).streaming_content
            )
        return len(ctx.captured_queries)

    small = count()
    for i in range(5):
        e = EnrolmentFactory(run=run, learner=LearnerFactory(college=data["college"], name=f"Extra {i}"))  # fmt: skip
        for s in run.sessions.all():
            Attendance.objects.create(session=s, enrolment=e, status=Attendance.Status.ATTENDED)
    assert count() == small


def test_fidelity_download(site, data, viewer_client, outsider_client):
    url = _url("fidelity", site)
    assert "format=csv" in viewer_client.get(url).content.decode()
    rows = _csv(viewer_client.get(url, {"format": "csv"}))
    assert rows[0] == ["Component", "2024-03-01"]
    assert len(rows) == 1 + 12 + 2
    assert rows[1] == ["Component 1", "1"] or rows[1][1] == "1"
    assert rows[-2] == ["Scored total (out of 14)", "7"]
    assert rows[-1] == ["Typed components at type 2 (of 5)", "5"]
    assert any(r[1] == "Type 2" for r in rows[1:13])
    assert _event().after["list"] == "fidelity-self-checks"
    assert _xlsx(viewer_client.get(url, {"format": "xlsx"}))[0] == ["Component", "2024-03-01"]
    assert outsider_client.get(url, {"format": "csv"}).status_code == 404


def test_feedback_download_keeps_the_small_number_rule(site, data, viewer_client, lead_client, outsider_client):  # fmt: skip
    run = data["run"]
    url = _url("run_feedback", site, run=run.public_id)
    for _ in range(2):
        FeedbackResponse.objects.create(run=run, welcome=5, clear=4, useful=4, together=5, hopeful=3, comment="Lovely")  # fmt: skip
    hidden = _csv(viewer_client.get(url, {"format": "csv"}))
    assert hidden[0][0] == "Statement" and len(hidden) == 6
    assert all(r[1] == "" for r in hidden[1:])
    for _ in range(5):
        FeedbackResponse.objects.create(run=run, welcome=5, clear=4, useful=4, together=5, hopeful=3)  # fmt: skip
    assert "format=xlsx" in viewer_client.get(url).content.decode()
    shown = _csv(viewer_client.get(url, {"format": "csv"}))
    assert [r[1] for r in shown[1:]] == ["5.0", "4.0", "4.0", "5.0", "3.0"]
    assert b"Lovely" not in b"".join(lead_client.get(url, {"format": "csv"}).streaming_content)
    assert _xlsx(viewer_client.get(url, {"format": "xlsx"}))[1][1] == 5.0
    assert _event().after["list"] == "course-feedback"
    assert outsider_client.get(url, {"format": "csv"}).status_code == 404
    assert lead_client.get(_url("run_feedback", site, run=data["other_run"].public_id), {"format": "csv"}).status_code == 404  # fmt: skip


def test_terms_download(site, data, viewer_client, outsider_client):
    url = _url("home", site)
    assert "table=terms" in viewer_client.get(url).content.decode()
    rows = _csv(viewer_client.get(url, {"format": "csv", "table": "terms"}))
    assert rows[0] == ["Term", "Starts", "Ends", "Runs", "Id"]
    assert sorted((r[0], r[3]) for r in rows[1:]) == [("Autumn term", "1"), ("Spring term", "0")]
    assert _event().after["list"] == "terms"
    assert _xlsx(viewer_client.get(url, {"format": "xlsx", "table": "terms"}))[0][0] == "Term"
    courses = _csv(viewer_client.get(url, {"format": "csv"}))  # without table=, still the courses
    assert courses[0][0] == "Course"
    assert outsider_client.get(url, {"format": "csv", "table": "terms"}).status_code == 404
    assert viewer_client.get(url, {"format": "pdf", "table": "terms"}).status_code == 400
