"""Whole-site export (ZIP of CSV + manifest), the de-identified profile, FHIR bundle, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from imroc.accounts.reauth import make_stale
from imroc.college.models import Enrolment, Learner
from imroc.core.audit import SystemActor
from imroc.core.models import AuditEvent
from imroc.reports.exports import services
from imroc.reports.exports.profiles import MAX_SHIFT_DAYS, Profile
from imroc.surveys import services as survey_services
from imroc.workforce.models import StaffCollegeUse, TrainingCoverage
from tests.college.factories import EnrolmentFactory, LearnerFactory, build_college
from tests.measures.factories import MeasureFactory, add_points
from tests.surveys.factories import licensed_version, make_responses

SECRET_NAME = "Philomena Xanthoudakis"
SECRET_NOTE = "Told us about her brother's illness"


@pytest.fixture
def data(site, other_site, site_lead, team):
    """A site with learners, enrolments, questionnaire answers, measures and small counts."""
    college, _course, run = build_college(site)
    ann = LearnerFactory(college=college, name=SECRET_NAME, access_needs=SECRET_NOTE,
                         group=Learner.Group.SERVICE_USER)  # fmt: skip
    bob = LearnerFactory(college=college, name="Bartholomew Quince", group=Learner.Group.CARER)
    for learner in (ann, bob):
        EnrolmentFactory(run=run, learner=learner, waiting_since=timezone.now())
    other_college, _, other_run = build_college(other_site)
    EnrolmentFactory(run=other_run, learner=LearnerFactory(college=other_college, name="Other Person"))  # fmt: skip
    version = licensed_version(site)
    linked = survey_services.respondent_for(site, learner=ann)
    make_responses(site, version, [(dt.date(2024, 3, d), "2") for d in (1, 2, 3)], respondent=linked)  # fmt: skip
    measure = MeasureFactory(site=site, owner=site_lead)
    add_points(measure, [1.0, 2.0, 3.0, 4.0])
    TrainingCoverage.objects.create(site=site, period=dt.date(2024, 1, 1), team=team, trained=3, in_scope=40)  # fmt: skip
    StaffCollegeUse.objects.create(site=site, period=dt.date(2024, 1, 1), staff_learners=2)
    return {"ann": ann, "bob": bob, "measure": measure, "run": run}


def _unzip(content: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    return {name: archive.read(name) for name in archive.namelist()}


def _rows(files, name) -> list[dict]:
    return list(csv.DictReader(io.StringIO(files[f"{name}.csv"].decode("utf-8"))))


def _export(site, profile="full", salt=None):
    export = services.SiteExport(site, Profile(profile, salt=salt) if salt else Profile(profile))
    return export, _unzip(b"".join(export.stream()))


def _download(client, site, profile="full"):
    url = reverse("exports:site_zip", kwargs={"site": site.slug})
    return client.get(url, {"profile": profile})


# --- access ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "site_zip", "fhir_bundle"])
def test_only_the_sites_lead_may_export(name, site, data, lead_client, member_client,
                                        viewer_client, outsider_client, client):  # fmt: skip
    url = reverse(f"exports:{name}", kwargs={"site": site.slug})
    assert outsider_client.get(url).status_code == 404
    assert member_client.get(url).status_code == 403
    assert viewer_client.get(url).status_code == 403
    assert client.get(url).status_code == 302
    response = lead_client.get(url)
    assert response.status_code == 200
    if response.streaming:
        assert b"".join(response.streaming_content)


def test_export_page(site, data, lead_client):
    response = lead_client.get(reverse("exports:home", kwargs={"site": site.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Export the site's data</h1>" in html
    assert "profile=deidentified" in html and "questionnaire-responses.json" in html


def test_downloads_need_a_recent_password(site, data, lead_client):
    make_stale(lead_client)
    response = _download(lead_client, site)
    assert response.status_code == 302 and "/accounts/reauth/" in response["Location"]
    assert not AuditEvent.objects.filter(action="exports.site").exists()


def test_unknown_profile_is_400(site, data, lead_client):
    response = _download(lead_client, site, "everything")
    assert response.status_code == 400
    assert b"profile=full or profile=deidentified" in response.content


# --- full profile ----------------------------------------------------------------------


def test_full_zip_has_every_table_and_a_true_manifest(site, data, lead_client):
    response = _download(lead_client, site)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    files = _unzip(b"".join(response.streaming_content))
    manifest = json.loads(files.pop("manifest.json"))
    assert manifest["site"]["slug"] == site.slug
    assert manifest["profile"]["name"] == "full"
    assert manifest["imroc_version"]
    assert {f["name"] for f in manifest["files"]} == set(files)
    for entry in manifest["files"]:
        content = files[entry["name"]]
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert len(list(csv.reader(io.StringIO(content.decode())))) - 1 == entry["rows"]
    assert manifest["total_rows"] == sum(f["rows"] for f in manifest["files"])
    # Only this site's rows.
    learners = _rows(files, "college_learner")
    assert {r["name"] for r in learners} == {SECRET_NAME, "Bartholomew Quince"}
    assert len(_rows(files, "college_enrolment")) == 2
    assert len(_rows(files, "measures_datapoint")) == 4
    assert len(_rows(files, "surveys_surveyresponse")) == 3
    assert b"Other Person" not in b"".join(files.values())
    assert "surveys_pseudonymkey.csv" not in files  # secrets never leave
    assert all("token" not in h for f in manifest["files"] for h in f["columns"])
    event = AuditEvent.objects.get(action="exports.site")
    assert event.after["profile"] == "full"
    assert event.after["rows"] == manifest["total_rows"] - sum(
        f["rows"] for f in manifest["files"] if f["name"].startswith("aggregate_")
    )
    assert event.site_public_id == site.public_id


def test_aggregates_in_full_profile(site, data):
    _, files = _export(site)
    (row,) = _rows(files, "aggregate_enrolments_by_run")
    assert row["enrolled"] == "2" and row["total"] == "2"
    (month,) = _rows(files, "aggregate_responses_by_instrument_month")
    assert month["month"] == "2024-03" and month["responses"] == "3"


# --- de-identified profile --------------------------------------------------------------


def test_deidentified_has_no_free_text_and_no_original_ids(site, data, lead_client):
    files = _unzip(b"".join(_download(lead_client, site, "deidentified").streaming_content))
    manifest = json.loads(files.pop("manifest.json"))
    everything = b"".join(files.values())
    for secret in (SECRET_NAME, SECRET_NOTE, "Bartholomew", "Understanding recovery", "lead-a"):
        assert secret.encode() not in everything
    learner_headers = next(f["columns"] for f in manifest["files"] if f["name"] == "college_learner.csv")  # fmt: skip
    assert {"name", "contact", "access_needs", "public_id"}.isdisjoint(learner_headers)
    assert "answers" not in _rows(files, "surveys_surveyresponse")[0]
    original_ids = {str(x) for x in Learner.objects.values_list("id", flat=True)}
    exported_ids = {r["id"] for r in _rows(files, "college_learner")}
    assert len(exported_ids) == 2 and not exported_ids & original_ids
    assert all(len(i) == 20 for i in exported_ids)
    # The foreign keys still join.
    assert {r["learner_id"] for r in _rows(files, "college_enrolment")} == exported_ids
    described = manifest["profile"]
    assert described["name"] == "deidentified"
    assert "not written" in described["salt"]
    assert all(k in described for k in ("identifiers", "free_text", "dates", "small_numbers"))
    event = AuditEvent.objects.get(action="exports.site")
    assert event.after["profile"] == "deidentified"


def test_salt_is_never_written(site, data):
    salt = b"s" * 32
    _, files = _export(site, "deidentified", salt=salt)
    everything = b"".join(files.values())
    assert salt not in everything and salt.hex().encode() not in everything


def test_two_exports_use_different_salts(site, data):
    _, first = _export(site, "deidentified")
    _, second = _export(site, "deidentified")
    ids = [{r["id"] for r in _rows(files, "college_learner")} for files in (first, second)]
    assert ids[0].isdisjoint(ids[1])


def test_dates_shift_by_the_same_offset_for_each_person(site, data):
    profile = Profile("deidentified", salt=b"k" * 32)
    _, files = _export(site, "deidentified", salt=b"k" * 32)
    by_hash = {profile.pseudonym("college.learner", x.pk): x for x in (data["ann"], data["bob"])}
    offsets = {}
    for row in _rows(files, "college_learner"):
        learner = by_hash[row["id"]]
        shifted = dt.datetime.fromisoformat(row["last_active_at"])
        days = (shifted - learner.last_active_at.replace(microsecond=0)).days
        assert days == profile.offset_days(("learner", learner.pk))
        assert days != 0 and abs(days) <= MAX_SHIFT_DAYS
        offsets[learner.pk] = days
    for row in _rows(files, "college_enrolment"):
        learner = by_hash[row["learner_id"]]
        enrolment = Enrolment.objects.get(learner=learner)
        shifted = dt.datetime.fromisoformat(row["waiting_since"])
        assert (shifted - enrolment.waiting_since.replace(microsecond=0)).days == offsets[learner.pk]  # fmt: skip
    # Ann's questionnaire answers are linked to her learner record: her offset too.
    for row in _rows(files, "surveys_surveyresponse"):
        day = dt.date.fromisoformat(row["completed_on"])
        assert (day - dt.date(2024, 3, 1)).days - offsets[data["ann"].pk] in (0, 1, 2)
    # Dates that belong to no person are kept.
    assert sorted(r["period"] for r in _rows(files, "measures_datapoint"))[0] == "2012-01-01"


def test_small_cells_are_suppressed(site, data, settings):
    settings.IMROC_SUPPRESSION_THRESHOLD = 5
    _, files = _export(site, "deidentified")
    (coverage,) = _rows(files, "workforce_trainingcoverage")
    assert coverage["trained"] == "" and coverage["in_scope"] == "40"
    (use,) = _rows(files, "workforce_staffcollegeuse")
    assert use["staff_learners"] == ""
    (runs,) = _rows(files, "aggregate_enrolments_by_run")
    assert runs["enrolled"] == "" and runs["total"] == ""
    (month,) = _rows(files, "aggregate_responses_by_instrument_month")
    assert month["responses"] == ""
    _, full = _export(site)
    assert _rows(full, "workforce_trainingcoverage")[0]["trained"] == "3"


# --- FHIR -------------------------------------------------------------------------------


def test_fhir_bundle_validates_and_is_audited(site, data, lead_client):
    from fhir.resources.R4B.bundle import Bundle

    response = lead_client.get(reverse("exports:fhir_bundle", kwargs={"site": site.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection" and len(bundle["entry"]) == 3
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} == {"QuestionnaireResponse"}
    assert SECRET_NAME not in response.content.decode()
    event = AuditEvent.objects.get(action="exports.fhir")
    assert event.after["rows"] == 3 and event.site_public_id == site.public_id


def test_fhir_bundle_with_no_responses(other_site, outsider_client):
    response = outsider_client.get(reverse("exports:fhir_bundle", kwargs={"site": other_site.slug}))  # fmt: skip
    assert response.status_code == 200
    assert json.loads(response.content)["type"] == "collection"


# --- command line -----------------------------------------------------------------------


def test_command_writes_the_zip(site, data, tmp_path):
    out = tmp_path / "site.zip"
    call_command("export", "site", site.slug, "--out", str(out), "--profile", "deidentified")
    files = _unzip(out.read_bytes())
    assert json.loads(files["manifest.json"])["profile"]["name"] == "deidentified"
    assert SECRET_NAME.encode() not in b"".join(files.values())
    event = AuditEvent.objects.get(action="exports.site")
    assert event.actor_label == str(SystemActor("export-command"))
    call_command("export", "fhir", site.slug, "--out", str(tmp_path / "r.json"))
    assert json.loads((tmp_path / "r.json").read_text())["resourceType"] == "Bundle"


def test_command_refuses_unknown_site(db, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("export", "site", "nowhere", "--out", str(tmp_path / "x.zip"))
    assert error.value.returncode == 2 and "no site called" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_manifest_says_what_was_done_to_each_file(site, data):
    _, files = _export(site, "deidentified")
    manifest = json.loads(files["manifest.json"])
    entries = {f["name"]: f for f in manifest["files"]}
    learner = entries["college_learner.csv"]
    assert {"name", "contact", "access_needs", "public_id"} <= set(learner["dropped"])
    assert learner["hashed"] == ["id", "college_id"]
    assert "last_active_at" in learner["dates_shifted"]
    assert entries["measures_datapoint.csv"]["dates_shifted"] == []
    assert entries["workforce_trainingcoverage.csv"]["suppressed"] == ["trained", "in_scope"]
    assert entries["aggregate_enrolments_by_run.csv"]["suppressed"] == ["enrolled", "waiting", "cancelled", "total"]  # fmt: skip
