from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imroc.framework.models import FrameworkVersion
from tests.framework.test_loader import SMALL
from tests.programme.factories import OrganisationFactory, SiteFactory, TeamFactory


def _count_queries(client, url):
    cache.clear()  # compare cold requests: the measures summary is cached by a data stamp
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_site_dashboard_query_count_does_not_grow_with_data(lead_client, site, framework):
    TeamFactory(site=site)
    site.partner_organisations.add(OrganisationFactory())
    small = _count_queries(lead_client, f"/sites/{site.slug}/")
    TeamFactory.create_batch(30, site=site)
    site.partner_organisations.add(*OrganisationFactory.create_batch(3))
    large = _count_queries(lead_client, f"/sites/{site.slug}/")
    assert large == small
    assert large <= 30


@pytest.mark.django_db
def test_programme_home_query_count_does_not_grow_with_sites(
    programme_admin_client, site, framework
):
    site.partner_organisations.add(OrganisationFactory())
    small = _count_queries(programme_admin_client, "/programme/")
    for _ in range(20):
        other = SiteFactory(programme=site.programme)
        TeamFactory.create_batch(2, site=other)
        other.partner_organisations.add(OrganisationFactory())
    large = _count_queries(programme_admin_client, "/programme/")
    assert large == small
    assert large <= 26


@pytest.mark.django_db
def test_framework_page_shows_every_descriptor(programme_viewer_client, framework):
    page = programme_viewer_client.get("/programme/framework/").content.decode()
    assert "Changing the way we approach risk assessment and management" in page
    assert page.count("<td>") >= 30
    assert "Add a new version" not in page  # viewers cannot upload


def _upload(text, name="new.yaml"):
    return {"file": SimpleUploadedFile(name, text.encode(), content_type="application/x-yaml")}


@pytest.mark.django_db
def test_admin_uploads_and_publishes_a_new_version(programme_admin_client, framework):
    response = programme_admin_client.post("/programme/framework/", _upload(SMALL))
    draft = FrameworkVersion.objects.get(key="test")
    assert response["Location"] == f"/programme/framework/{draft.public_id}/"
    assert draft.status == "draft"
    page = programme_admin_client.get(response["Location"]).content.decode()
    assert "Publish this version" in page
    programme_admin_client.post(f"/programme/framework/{draft.public_id}/publish/")
    draft.refresh_from_db()
    assert draft.status == "published"
    framework.refresh_from_db()
    assert framework.status == "published"  # another framework key is untouched


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ({}, "Choose a framework file to upload."),
        (_upload("key: x", "notes.txt"), "The framework file must be a .yaml file."),
        (_upload(SMALL.replace("    number: 1\n", "    number: one\n")),
         "new.yaml, line 15: Challenge &#x27;interactions&#x27; number should be a whole number"),
        (_upload("key: [unclosed\n"), "new.yaml, line 2: this is not valid YAML"),
    ],
)  # fmt: skip
def test_bad_framework_upload_is_explained_and_loads_nothing(
    programme_admin_client, framework, upload, message
):
    before = FrameworkVersion.objects.count()
    response = programme_admin_client.post("/programme/framework/", upload)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert FrameworkVersion.objects.count() == before


@pytest.mark.django_db
def test_programme_viewer_cannot_upload_or_publish(programme_viewer_client, framework):
    assert programme_viewer_client.post("/programme/framework/", _upload(SMALL)).status_code == 403
    assert not FrameworkVersion.objects.filter(key="test").exists()


@pytest.mark.django_db
def test_applications_list(programme_admin_client, site):
    response = programme_admin_client.get("/programme/applications/")
    assert response.status_code == 200
    assert b"No applications yet" in response.content


@pytest.mark.django_db
def test_unknown_framework_version_is_404(programme_admin_client, framework):
    url = "/programme/framework/00000000-0000-0000-0000-000000000000/"
    assert programme_admin_client.get(url).status_code == 404
