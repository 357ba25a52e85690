"""The college's staff side: registers, trainers, figures, learners' rights, fidelity, commands."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imroc.college import fidelity, tokens
from imroc.college.models import (
    Attendance,
    College,
    Enrolment,
    FeedbackResponse,
    FidelityCheck,
    Learner,
    MessageLog,
    Trainer,
)
from imroc.core.models import AuditEvent
from tests.college.factories import (
    CourseFactory,
    EnrolmentFactory,
    FeedbackInviteFactory,
    LearnerFactory,
    RunFactory,
    SessionFactory,
    TrainerFactory,
    build_college,
)


def _c(site, rest=""):
    return f"/sites/{site.slug}/college/{rest}"


@pytest.mark.django_db
def test_lead_sets_up_a_college(lead_client, site, site_lead):
    assert "Set up the recovery college" in lead_client.get(_c(site)).content.decode()
    response = lead_client.post(_c(site, "settings/"), {"name": "Ashdown Recovery College", "about": "", "publish_prospectus": "on"})  # fmt: skip
    assert response.status_code == 302
    college = College.objects.get(site=site)
    assert college.publish_prospectus
    assert AuditEvent.objects.get(action="college.create").actor == site_lead


@pytest.mark.django_db
def test_member_cannot_change_college_settings(member_client, site, college):
    assert member_client.get(_c(site, "settings/")).status_code == 403


@pytest.mark.django_db
def test_outsider_gets_404_for_every_college_object(outsider_client, site, run):
    learner = LearnerFactory(college=run.course.college)
    for rest in ("", f"runs/{run.public_id}/", f"learners/{learner.public_id}/", "trainers/"):
        assert outsider_client.get(_c(site, rest)).status_code == 404


@pytest.mark.django_db
def test_another_sites_objects_are_404_inside_my_own_site(lead_client, site, other_site, college):
    _, other_course, other_run = build_college(other_site)
    other_learner = LearnerFactory(college=other_run.course.college)
    for rest in (f"runs/{other_run.public_id}/", f"courses/{other_course.public_id}/", f"learners/{other_learner.public_id}/"):  # fmt: skip
        assert lead_client.get(_c(site, rest)).status_code == 404


@pytest.mark.django_db
def test_run_without_a_peer_trainer_is_flagged(lead_client, site):
    _, _, run = build_college(site, peer=False)
    page = lead_client.get(_c(site, f"runs/{run.public_id}/")).content.decode()
    assert "This run has no peer trainer" in page


@pytest.mark.django_db
def test_trainer_form_says_lived_experience_is_not_a_diagnosis(member_client, site, college):
    page = member_client.get(_c(site, "trainers/new/")).content.decode()
    assert "never means sharing a diagnosis" in page
    response = member_client.post(_c(site, "trainers/new/"), {"name": "Kit", "kind": "peer", "training_status": "trained"})  # fmt: skip
    assert "A peer trainer brings lived experience" in response.content.decode()
    assert not Trainer.objects.filter(name="Kit").exists()


@pytest.mark.django_db
def test_run_form_refuses_a_practitioner_as_peer_trainer(member_client, site, college, run):
    practitioner = run.practitioner_trainer
    response = member_client.post(
        _c(site, f"courses/{run.course.public_id}/runs/new/"),
        {"term": run.term.pk, "capacity": "10", "peer_trainer": practitioner.pk, "enrolment_open": "on"},
    )  # fmt: skip
    assert "Choose a peer trainer from the list." in response.content.decode()


def _register_url(site, run, session):
    return _c(site, f"runs/{run.public_id}/sessions/{session.public_id}/register/")


@pytest.mark.django_db
def test_named_partner_trainer_takes_the_register_on_a_phone_without_js(
    partner_client, partner, site, run
):
    run.peer_trainer.user = partner
    run.peer_trainer.save()
    people = [EnrolmentFactory(run=run, learner=LearnerFactory(college=run.course.college)) for _ in range(3)]  # fmt: skip
    session = run.sessions.first()
    page = partner_client.get(_register_url(site, run, session)).content.decode()
    assert 'type="radio"' in page and "<script" not in page
    data = {f"a-{people[0].public_id}": "attended", f"a-{people[1].public_id}": "no_show"}
    response = partner_client.post(_register_url(site, run, session), data)
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {
        people[0].pk: "attended", people[1].pk: "no_show",
    }  # fmt: skip
    # Saving again with a change updates the row, never duplicates it.
    partner_client.post(_register_url(site, run, session), {**data, f"a-{people[1].public_id}": "absent"})  # fmt: skip
    assert Attendance.objects.count() == 2
    assert Attendance.objects.get(enrolment=people[1]).status == "absent"


@pytest.mark.django_db
def test_partner_who_is_not_a_named_trainer_cannot_take_the_register(partner_client, site, run):
    assert partner_client.get(_register_url(site, run, run.sessions.first())).status_code == 403


@pytest.mark.django_db
def test_register_refuses_a_made_up_status(member_client, site, run):
    e = EnrolmentFactory(run=run, learner=LearnerFactory(college=run.course.college))
    response = member_client.post(_register_url(site, run, run.sessions.first()), {f"a-{e.public_id}": "partied"})  # fmt: skip
    assert "Choose one of the options." in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_partners_never_see_contact_details_and_views_are_logged(
    partner_client, lead_client, partner, site, run
):
    learner = LearnerFactory(college=run.course.college, contact="hidden.contact@example.org")
    EnrolmentFactory(run=run, learner=learner)
    for url in (_c(site, f"runs/{run.public_id}/"), _c(site, f"learners/{learner.public_id}/")):
        page = partner_client.get(url).content.decode()
        assert learner.name in page and "hidden.contact" not in page
    learner_url = _c(site, f"learners/{learner.public_id}/")
    assert "hidden.contact" in lead_client.get(learner_url).content.decode()
    views = AuditEvent.objects.filter(action="viewed.learner", object_id=str(learner.public_id))
    assert views.count() == 2 and views.filter(actor=partner).exists()


@pytest.mark.django_db
def test_board_viewers_see_the_colleges_figures_never_a_learner(
    viewer_client, programme_admin_client, site, run
):
    learner = LearnerFactory(college=run.course.college, name="Quentin Private-Learner")
    EnrolmentFactory(run=run, learner=learner)

    for client in (viewer_client, programme_admin_client):
        home = client.get(_c(site, "")).content.decode()
        run_page = client.get(_c(site, f"runs/{run.public_id}/"))
        assert "Quentin" not in home and "/learners/" not in home
        assert run_page.status_code == 200
        assert "Quentin" not in run_page.content.decode()
        assert "1 of" in run_page.content.decode()  # the places taken still show
        assert client.get(_c(site, "learners/")).status_code == 403
        assert client.get(_c(site, f"learners/{learner.public_id}/")).status_code == 403
        assert client.get(_c(site, f"runs/{run.public_id}/?format=csv")).status_code == 403


@pytest.mark.django_db
def test_staff_export_a_learners_data_as_json_and_csv(lead_client, site, run):
    learner = LearnerFactory(college=run.course.college, name="Robin Exported")
    EnrolmentFactory(run=run, learner=learner)
    data = json.loads(lead_client.get(_c(site, f"learners/{learner.public_id}/export.json")).content)  # fmt: skip
    assert data["learner"]["name"] == "Robin Exported"
    assert data["enrolments"][0]["course"] == "Understanding recovery"
    csv_text = lead_client.get(_c(site, f"learners/{learner.public_id}/export.csv")).content.decode()  # fmt: skip
    assert "learner,1,name,Robin Exported" in csv_text


@pytest.mark.django_db
def test_learner_asks_for_their_data_by_private_link(client, site, run):
    learner = LearnerFactory(college=run.course.college, contact="me@example.org", name="Mo")
    EnrolmentFactory(run=run, learner=learner)
    url = f"/colleges/{site.slug}/my-data/"
    assert "Enter the email address" in client.post(url, {"contact": ""}).content.decode()
    # Unknown contacts get the same answer, so the page never reveals who is a learner.
    unknown = client.post(url, {"contact": "nobody@example.org"}).content.decode()
    known = client.post(url, {"contact": "ME@example.org"}).content.decode()
    assert "Check your email" in unknown and "Check your email" in known
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/my-data/" in line).strip()
    page = client.get(link).content.decode()
    assert "Mo" in page and "me@example.org" in page
    assert client.get(link + "export.json").json()["learner"]["name"] == "Mo"


@pytest.mark.django_db
def test_erasing_a_learner_keeps_anonymous_counts(lead_client, member_client, site, run):
    learner = LearnerFactory(college=run.course.college, name="Erase Me", contact="erase@example.org")  # fmt: skip
    enrolment = EnrolmentFactory(run=run, learner=learner)
    Attendance.objects.create(session=run.sessions.first(), enrolment=enrolment, status="attended")
    MessageLog.objects.create(college=run.course.college, learner=learner, recipient=learner.contact, template="enrolled", subject="x", status="sent")  # fmt: skip
    url = _c(site, f"learners/{learner.public_id}/erase/")
    assert member_client.get(url).status_code == 403
    assert "Say why" in lead_client.post(url, {"confirm": "on"}).content.decode()
    assert lead_client.post(url, {"reason": "Asked by phone", "confirm": "on"}).status_code == 302
    learner.refresh_from_db()
    assert (learner.name, learner.contact, learner.contact_key) == ("", "", None)
    assert learner.erased_at is not None
    assert Enrolment.objects.filter(pk=enrolment.pk).exists() and Attendance.objects.count() == 1
    assert MessageLog.objects.get().recipient == ""
    assert "erase@example.org" not in str(list(AuditEvent.objects.values()))
    assert lead_client.get(_c(site, f"learners/{learner.public_id}/")).status_code == 404


@pytest.mark.django_db
def test_retention_command_anonymises_stale_learners_only(run, settings):
    old = LearnerFactory(college=run.course.college, last_active_at=timezone.now() - dt.timedelta(days=40 * 30))  # fmt: skip
    recent = LearnerFactory(college=run.course.college)
    call_command("college_retention")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.erased_at is not None and old.contact == ""
    assert recent.erased_at is None
    assert AuditEvent.objects.filter(action="learner.retention").count() == 1


@pytest.mark.django_db
def test_reminders_are_sent_once_for_sessions_in_the_next_48_hours(run):
    soon = SessionFactory(run=run, starts_at=timezone.now() + dt.timedelta(hours=20))
    learner = LearnerFactory(college=run.course.college)
    EnrolmentFactory(run=run, learner=learner)
    EnrolmentFactory(run=run, learner=LearnerFactory(college=run.course.college), status="waiting")
    call_command("college_reminders")
    call_command("college_reminders")
    reminders = MessageLog.objects.filter(template="reminder")
    assert reminders.count() == 1 and reminders.get().learner == learner
    assert [m.subject for m in mail.outbox] == [f"Reminder: Understanding recovery on {timezone.localtime(soon.starts_at):%A %-d %B}"]  # fmt: skip


@pytest.mark.django_db
def test_feedback_link_works_once_and_results_are_suppressed_below_five(client, lead_client, site, run):  # fmt: skip
    invites = [FeedbackInviteFactory(enrolment=EnrolmentFactory(run=run, learner=LearnerFactory(college=run.course.college))) for _ in range(5)]  # fmt: skip
    answers = {
        "welcome": 5,
        "clear": 4,
        "useful": 5,
        "together": 5,
        "hopeful": 4,
        "comment": "Lovely",
    }
    for invite in invites[:4]:
        url = f"/colleges/{site.slug}/feedback/{tokens.make(tokens.FEEDBACK, invite.public_id)}/"
        assert "Thank you" in client.post(url, answers).content.decode()
    again = client.post(url, answers).content.decode()
    assert "already been answered" in again
    assert FeedbackResponse.objects.count() == 4
    results = _c(site, f"runs/{run.public_id}/feedback/")
    page = lead_client.get(results).content.decode()
    assert "Results are shown once 5" in page and "Lovely" not in page
    url = f"/colleges/{site.slug}/feedback/{tokens.make(tokens.FEEDBACK, invites[4].public_id)}/"
    assert "Choose an answer" in client.post(url, {"welcome": 9}).content.decode()
    client.post(url, answers)
    page = lead_client.get(results).content.decode()
    assert "5 people answered" in page and "Lovely" in page


@pytest.mark.django_db
def test_fidelity_wording_upload_is_validated_and_never_shipped(lead_client, site, college):
    url = _c(site, "fidelity/wording/")
    bad = SimpleUploadedFile("w.yaml", b"component-1: Hello\ncomponent-99: No\n")
    page = lead_client.post(url, {"file": bad}).content.decode()
    assert "is not a component key" in page and "Wording is missing" in page
    good = "\n".join(f"component-{n}: Our wording {n}" for n in range(1, 13)).encode()
    response = lead_client.post(url, {"file": SimpleUploadedFile("w.yaml", good)})
    assert response.status_code == 302
    college.refresh_from_db()
    assert college.fidelity_wording["component-3"] == "Our wording 3"
    csv_file = "key,wording\n" + "\n".join(f'component-{n},"Text, {n}"' for n in range(1, 13))
    assert fidelity.parse_wording(csv_file.encode(), "w.csv")["component-1"] == "Text, 1"


@pytest.mark.django_db
def test_fidelity_check_is_stored_with_neutral_labels(member_client, site, college):
    page = member_client.get(_c(site, "fidelity/new/")).content.decode()
    assert "Component 1 (scored 0–2)" in page and "Component 12 (type 1 or type 2)" in page
    data = {"done_on": "2024-06-30", "notes": ""} | {f"component-{n}": "2" for n in range(1, 13)}
    assert (
        member_client.post(_c(site, "fidelity/new/"), data | {"component-8": "0"}).status_code
        == 200
    )
    assert member_client.post(_c(site, "fidelity/new/"), data).status_code == 302
    assert FidelityCheck.objects.get().scores["component-12"] == 2


@pytest.mark.django_db
def test_raising_capacity_promotes_the_waiting_list(member_client, site, run):
    run.capacity = 1
    run.save()
    EnrolmentFactory(run=run, learner=LearnerFactory(college=run.course.college))
    waiting = EnrolmentFactory(run=run, learner=LearnerFactory(college=run.course.college), status="waiting", waiting_since=timezone.now())  # fmt: skip
    data = {"term": run.term.pk, "capacity": "2", "peer_trainer": run.peer_trainer.pk, "practitioner_trainer": run.practitioner_trainer.pk, "enrolment_open": "on", "version": run.version}  # fmt: skip
    assert member_client.post(_c(site, f"runs/{run.public_id}/edit/"), data).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "enrolled"
    stale = member_client.post(_c(site, f"runs/{run.public_id}/edit/"), data | {"capacity": "3"})
    assert "Someone else saved changes" in stale.content.decode()


@pytest.mark.django_db
def test_dashboard_panel_shows_co_delivery_in_a_fixed_number_of_queries(lead_client, site, run):
    def count():
        with CaptureQueriesContext(connection) as queries:
            page = lead_client.get(f"/sites/{site.slug}/").content.decode()
        return len(queries), page

    small, page = count()
    assert "co-delivered by a peer trainer and a practitioner" in page
    college = run.course.college
    lone = TrainerFactory(college=college, kind="practitioner")
    for _ in range(5):
        extra = RunFactory(course=CourseFactory(college=college), term=run.term, practitioner_trainer=lone)  # fmt: skip
        session = SessionFactory(run=extra, starts_at=timezone.now() - dt.timedelta(days=3))
        for _ in range(3):
            e = EnrolmentFactory(run=extra, learner=LearnerFactory(college=college), group="carer")
            Attendance.objects.create(session=session, enrolment=e, status="attended")
        FeedbackResponse.objects.create(run=extra, welcome=5, clear=5, useful=5, together=5, hopeful=5)  # fmt: skip
    large, page = count()
    assert large == small
    assert "17%" in page  # 1 of 6 runs co-delivered
    assert "100%" in page  # every finished place completed
    assert "A carer, family member or friend" in page


@pytest.mark.django_db
def test_staff_enrol_a_learner_by_phone(member_client, site, run):
    url = _c(site, f"runs/{run.public_id}/enrol/")
    data = {"name": "Lee", "contact": "07700 900456", "consent": "on", "idempotency_key": "q" * 32}
    assert member_client.post(url, data).status_code == 302
    e = Enrolment.objects.get()
    assert e.enrolled_by_staff and e.learner.contact_key == "07700900456"
    assert Learner.objects.count() == 1
