"""Applications, categories, support logs, learning sets, the library and the programme dashboard."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imroc.core.models import AuditEvent
from imroc.programme.models import (
    Application,
    CategoryChange,
    LearningSet,
    LearningSetAttendance,
    LearningSetEvaluation,
    LearningSetInvitation,
    Resource,
    Site,
    SiteMembership,
    SupportEntry,
)
from tests.programme.factories import (
    ApplicationFactory,
    LearningSetFactory,
    ResourceFactory,
    SiteFactory,
)

APPLY = {
    "name": "Heronsgate Health NHS Trust", "org_type": "nhs_trust", "country": "GB", "region": "North West",
    "contact_name": "Pat Contact", "contact_email": "pat@heronsgate.example.org", "submitted_on": "2011-02-01",
    "motivation": "We want people to lead their own recovery.", "challenges": ["risk", "workforce"],
}  # fmt: skip


@pytest.mark.django_db
def test_record_an_application_and_refuse_a_duplicate(programme_admin_client, site, framework):
    response = programme_admin_client.post("/programme/applications/new/", APPLY)
    application = Application.objects.get(organisation__name="Heronsgate Health NHS Trust")
    assert response["Location"] == f"/programme/applications/{application.public_id}/"
    assert application.challenges == ["risk", "workforce"]
    page = programme_admin_client.post(
        "/programme/applications/new/", {**APPLY, "name": "heronsgate  health NHS trust"}
    ).content.decode()
    assert "already applied on 01 February 2011" in page
    assert Application.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Enter the organisation&#x27;s name."),
        ({"contact_email": "not-an-email"}, "Enter an email address like name@example.org."),
        ({"country": "XX"}, "Choose a country from the list."),
        ({"submitted_on": "2099-01-01"}, "cannot be in the future"),
        ({"challenges": ["flying"]}, "Choose challenges from the list."),
        ({"motivation": ""}, "Say why the organisation wants to join."),
    ],
)
def test_bad_application_input(programme_admin_client, site, framework, change, message):
    page = programme_admin_client.post(
        "/programme/applications/new/", {**APPLY, **change}
    ).content.decode()
    assert message in page
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_accept_creates_the_site_and_invites_its_lead(
    programme_admin_client, client, site, framework, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(
        programme=site.programme, organisation__name="Heronsgate Health NHS Trust"
    )
    url = f"/programme/applications/{application.public_id}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = programme_admin_client.post(url, {
        "decision": "accept", "accept-category": "pilot", "accept-reason": "Will benefit from intensive support",
        "accept-joined_on": "2011-04-01", "accept-lead_name": "Robin Lead", "accept-lead_email": "robin@heronsgate.example.org",
    })  # fmt: skip
    assert response.status_code == 302
    new_site = Site.objects.get(organisation__name="Heronsgate Health NHS Trust")
    assert new_site.category == "pilot"
    assert CategoryChange.objects.get(site=new_site).reason == "Will benefit from intensive support"
    assert not SiteMembership.objects.filter(site=new_site).exists()  # theirs once accepted
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["robin@heronsgate.example.org"]
    link = re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.outbox[0].body).group(1)
    # The invited lead sets up an account and lands on their site.
    account = {"display_name": "Robin Lead", "username": "robin"}
    page = client.post(link, {**account, "password": "short", "confirm": "short"})
    assert "Your password is too short" in page.content.decode()
    password = "heron-lake-morning-walk"
    response = client.post(link, {**account, "password": password, "confirm": password})
    assert response["Location"] == f"/sites/{new_site.slug}/"
    lead = SiteMembership.objects.get(site=new_site)
    assert (lead.user.username, lead.role, lead.added_by.username) == (
        "robin",
        "lead",
        "prog-admin",
    )
    assert client.get(link).status_code == 410  # the link works once
    # Deciding twice is refused.
    page = programme_admin_client.post(
        url, {"decision": "decline", "decline-reason": "Changed our minds"}, follow=True
    ).content.decode()
    assert "already been decided" in page
    assert AuditEvent.objects.filter(action="application.accepted").count() == 1


@pytest.mark.django_db
def test_bad_acceptance_writes_nothing(programme_admin_client, site, framework):
    application = ApplicationFactory(programme=site.programme)
    url = f"/programme/applications/{application.public_id}/"
    page = programme_admin_client.post(url, {"decision": "accept", "accept-category": "royal", "accept-reason": "",
                                             "accept-joined_on": "soon", "accept-lead_email": "x"}).content.decode()  # fmt: skip
    for message in ("Choose a category from the list.", "Say why you chose this category.",
                    "Enter a real date", "Enter an email address like name@example.org."):  # fmt: skip
        assert message in page
    application.refresh_from_db()
    assert application.status == "submitted"
    assert Site.objects.count() == 1


@pytest.mark.django_db
def test_decline_and_the_outsiders(
    programme_admin_client, programme_viewer_client, lead_client, site
):
    application = ApplicationFactory(programme=site.programme)
    url = f"/programme/applications/{application.public_id}/"
    assert (
        programme_viewer_client.post(
            url, {"decision": "decline", "decline-reason": "No"}
        ).status_code
        == 403
    )
    assert lead_client.get(url).status_code == 403
    page = programme_admin_client.post(
        url, {"decision": "decline", "decline-reason": ""}
    ).content.decode()
    assert "Say why the application is declined." in page
    programme_admin_client.post(
        url, {"decision": "decline", "decline-reason": "The programme is full"}
    )
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == (
        "declined",
        "The programme is full",
    )


@pytest.mark.django_db
def test_category_history_is_dated(programme_admin_client, site):
    url = f"/programme/sites/{site.slug}/"
    page = programme_admin_client.post(url, {"form": "category", "category-category": "network",
                                             "category-effective_from": "2010-01-01", "category-reason": "Moved"}).content.decode()  # fmt: skip
    assert "must start on or after 01 April 2011" in page
    programme_admin_client.post(url, {"form": "category", "category-category": "network",
                                      "category-effective_from": "2012-04-01", "category-reason": "Ready to share less intensively"})  # fmt: skip
    site.refresh_from_db()
    assert site.category == "network"
    assert list(site.category_history.values_list("category", flat=True)) == [
        "demonstration",
        "network",
    ]


@pytest.mark.django_db
def test_support_log(programme_admin_client, site):
    url = f"/programme/sites/{site.slug}/"
    page = programme_admin_client.post(url, {"form": "support", "support-kind": "visit", "support-happened_on": "2011-07-01",
                                             "support-summary": "", "support-follow_up_on": "2011-06-01"}).content.decode()  # fmt: skip
    assert "Say what happened." in page
    programme_admin_client.post(url, {"form": "support", "support-kind": "visit", "support-happened_on": "2011-07-01",
                                      "support-summary": "Met the steering group", "support-agreed_actions": "Draft a plan",
                                      "support-follow_up_on": "2011-08-01"})  # fmt: skip
    entry = SupportEntry.objects.get()
    programme_admin_client.post(f"{url}support/{entry.public_id}/followed-up/")
    entry.refresh_from_db()
    assert entry.followed_up


def _schedule(client, **change):
    start = timezone.localtime() + dt.timedelta(days=30)
    data = {
        "title": "Risk and safety planning together", "themes": [], "starts_at": start.strftime("%Y-%m-%dT10:00"),
        "ends_at": start.strftime("%Y-%m-%dT16:00"), "place": "Leeds", "facilitators": "Sam Host\nJo Peer (lived experience)",
        "invited_categories": ["pilot", "network"], **change,
    }  # fmt: skip
    return client.post("/programme/learning-sets/new/", data)


@pytest.mark.django_db
def test_schedule_a_learning_set_and_invite_by_category(
    programme_admin_client, site, other_site, framework
):
    risk = framework.challenges.get(slug="risk")
    response = _schedule(programme_admin_client, themes=[risk.pk])
    learning_set = LearningSet.objects.get()
    assert response["Location"] == f"/programme/learning-sets/{learning_set.public_id}/"
    assert list(LearningSetInvitation.objects.values_list("site__slug", flat=True)) == [
        other_site.slug
    ]  # pilot only
    assert [(f.name, f.lived_experience) for f in learning_set.facilitators.all()] == [
        ("Sam Host", False),
        ("Jo Peer", True),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"starts_at": "2011-01-01T10:00", "ends_at": "2011-01-01T16:00"},
            "must start in the future",
        ),
        ({"themes": []}, "Choose at least one challenge as the theme."),
        ({"place": "", "online_link": ""}, "Give a place, an online link, or both."),
        ({"online_link": "not a link"}, "Enter a full web address"),
        ({"invited_categories": []}, "Choose which sites to invite."),
        ({"facilitators": "  \n "}, "Name at least one facilitator."),
    ],
)
def test_bad_learning_sets_are_refused(programme_admin_client, site, framework, change, message):
    risk = framework.challenges.get(slug="risk")
    page = _schedule(programme_admin_client, **{"themes": [risk.pk], **change}).content.decode()
    assert message in page
    assert not LearningSet.objects.exists()


@pytest.mark.django_db
def test_attendance_actions_drift_and_evaluation(
    programme_admin_client, lead_client, site, other_site, outsider_client, site_lead
):
    past = LearningSetFactory(programme=site.programme)
    LearningSetInvitation.objects.create(learning_set=past, site=site)
    LearningSetInvitation.objects.create(learning_set=past, site=other_site)
    url = f"/programme/learning-sets/{past.public_id}/"
    programme_admin_client.post(url, {"form": "attend", "attend-site": site.slug, "attend-person": "Sam Lead",
                                      "attend-stakeholder_group": "manager"})  # fmt: skip
    page = programme_admin_client.post(url, {"form": "attend", "attend-site": site.slug, "attend-person": "sam lead",
                                             "attend-stakeholder_group": "manager"}).content.decode()  # fmt: skip
    assert "is already on the list" in page
    stranger = SiteFactory(programme=site.programme, slug="not-invited")
    page = programme_admin_client.post(url, {"form": "attend", "attend-site": stranger.slug, "attend-person": "X",
                                             "attend-stakeholder_group": "staff"}).content.decode()  # fmt: skip
    assert "Choose one of the invited sites." in page
    assert LearningSetAttendance.objects.count() == 1
    programme_admin_client.post(
        url,
        {"form": "action", "action-site": site.slug, "action-text": "Try safety plans on one ward"},
    )
    page = programme_admin_client.get("/programme/learning-sets/").content.decode()
    assert "Drifting away" in page  # the other site did not come
    # The site evaluates, once, anonymously; results stay hidden below five answers.
    site_url = f"/sites/{site.slug}/learning-sets/{past.public_id}/"
    assert "Try safety plans on one ward" in lead_client.get(site_url).content.decode()
    lead_client.post(
        site_url, {"useful": "5", "will_use": "4", "voices_heard": "5", "comments": "Great"}
    )
    page = lead_client.post(
        site_url, {"useful": "1", "will_use": "1", "voices_heard": "1"}, follow=True
    ).content.decode()
    assert "you have already answered" in page
    assert LearningSetEvaluation.objects.count() == 1
    assert not AuditEvent.objects.filter(
        action="learning_set.evaluate", after__useful__isnull=False
    ).exists()
    assert (
        "Results show once 5 people have answered"
        in programme_admin_client.get(url).content.decode()
    )
    assert (
        outsider_client.get(f"/sites/{site.slug}/learning-sets/{past.public_id}/").status_code
        == 404
    )


@pytest.mark.django_db
def test_evaluation_of_a_set_the_site_was_not_invited_to_is_404(lead_client, site):
    other = LearningSetFactory(programme=site.programme)
    assert (
        lead_client.get(f"/sites/{site.slug}/learning-sets/{other.public_id}/").status_code == 404
    )


def _share(client, url, **change):
    data = {"title": "Safety planning guide", "kind": "document", "visibility": "network",
            "file": SimpleUploadedFile("Safety plan (v2).pdf", b"%PDF-1.4\n1 0 obj\n"), **change}  # fmt: skip
    return client.post(url, data)


@pytest.mark.django_db
def test_library_upload_visibility_and_download(
    member_client,
    lead_client,
    outsider_client,
    programme_admin_client,
    site,
    other_site,
    site_member,
):
    _share(member_client, f"/sites/{site.slug}/library/new/")
    resource = Resource.objects.get()
    assert resource.file_name == "Safety plan (v2).pdf"
    assert "/" not in resource.file.name.split("resources/", 1)[1]  # stored under a random name
    download = lead_client.get(f"/sites/{site.slug}/library/{resource.public_id}/file/")
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Network resources are visible to other sites through their own site.
    assert (
        "Safety planning guide"
        in outsider_client.get(f"/sites/{other_site.slug}/library/").content.decode()
    )
    # A site-only resource is not.
    _share(
        member_client, f"/sites/{site.slug}/library/new/", title="Our own notes", visibility="site"
    )
    own = Resource.objects.get(title="Our own notes")
    assert (
        "Our own notes"
        not in outsider_client.get(f"/sites/{other_site.slug}/library/").content.decode()
    )
    assert (
        outsider_client.get(f"/sites/{other_site.slug}/library/{own.public_id}/file/").status_code
        == 404
    )
    assert (
        programme_admin_client.get(f"/programme/library/{own.public_id}/file/").status_code == 404
    )
    assert AuditEvent.objects.filter(action="resource.download").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("guide.pdf", b"#!/bin/sh\nrm -rf /\n"),
            "This type of file cannot be shared",
        ),
        (
            SimpleUploadedFile("guide.pdf", b"<html><script>alert(1)</script></html>"),
            "This type of file cannot be shared",
        ),
        (SimpleUploadedFile("notes.txt", b"%PDF-1.4 pretending"), "but it is a PDF document"),
        (
            SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1)),
            "larger than 10 MB",
        ),
    ],
)
def test_unsafe_uploads_are_refused(member_client, site, upload, message):
    page = _share(member_client, f"/sites/{site.slug}/library/new/", file=upload).content.decode()
    assert message in page
    assert not Resource.objects.exists()


@pytest.mark.django_db
def test_programme_only_resources_stay_with_the_programme(
    programme_admin_client, lead_client, site
):
    resource = ResourceFactory(
        programme=site.programme, visibility="programme", title="Board briefing draft"
    )
    assert (
        "Board briefing draft" in programme_admin_client.get("/programme/library/").content.decode()
    )
    assert (
        "Board briefing draft"
        not in lead_client.get(f"/sites/{site.slug}/library/").content.decode()
    )
    assert (
        lead_client.get(f"/sites/{site.slug}/library/{resource.public_id}/file/").status_code == 404
    )
    page = lead_client.get(f"/sites/{site.slug}/library/new/").content.decode()
    assert "The programme team only" not in page


@pytest.mark.django_db
def test_library_search(lead_client, site, framework):
    risk = framework.challenges.get(slug="risk")
    first = ResourceFactory(
        programme=site.programme, title="Safety plans together", description="co-produced"
    )
    first.challenges.add(risk)
    ResourceFactory(programme=site.programme, title="Recruiting peer workers")
    page = lead_client.get(f"/sites/{site.slug}/library/", {"q": "safety"}).content.decode()
    assert "Safety plans together" in page and "Recruiting peer workers" not in page
    page = lead_client.get(f"/sites/{site.slug}/library/", {"challenge": "risk"}).content.decode()
    assert "Safety plans together" in page and "Recruiting peer workers" not in page


def _home_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/programme/", params)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.django_db
def test_programme_dashboard_filters_and_query_budget(
    programme_admin_client, site, other_site, framework
):
    small, _ = _home_queries(programme_admin_client)
    for n in range(15):
        SiteFactory(
            programme=site.programme,
            category="network",
            organisation__region="London" if n % 2 else "Wales",
        )
    large, page = _home_queries(programme_admin_client)
    assert large == small
    assert large <= 30
    _, page = _home_queries(programme_admin_client, category="pilot")
    assert '<span class="figure">1</span> site shown' in page
    assert other_site.name in page and site.name not in page
    _, page = _home_queries(programme_admin_client, region="Wales")
    assert '<span class="figure">8</span> sites shown' in page
