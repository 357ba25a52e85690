"""The hub's bundle pages: programme admins only; uploads are checked in full before saving."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imroc.core.audit import SystemActor
from imroc.improvement.models import Goal
from imroc.reports.bundles import format as fmt
from imroc.reports.models import BundleImport, SiteKey
from tests.programme.factories import ProgrammeFactory, SiteFactory
from tests.reports.test_bundles import all_rows, signed_site_bundle

INDEX = "/programme/bundles/"
UPLOAD = "/programme/bundles/import/"
REGISTER = "/programme/bundles/keys/new/"
ACTOR = SystemActor("tests")


@pytest.fixture
def bundle(site, team, framework, site_lead):
    """A signed bundle of the site's records, with its key registered; the records removed."""
    return signed_site_bundle(site, team, framework, site_lead)[1]


def upload(client, site, raw, name="site.imrocbundle"):
    return client.post(UPLOAD, {"site": site.slug, "file": SimpleUploadedFile(name, raw)})


def test_admin_uploads_a_bundle_and_sees_what_it_did(programme_admin_client, site, bundle):
    response = programme_admin_client.get(INDEX)
    assert response.status_code == 200
    assert b"No bundles have been imported yet" in response.content

    response = upload(programme_admin_client, site, bundle)
    assert response.status_code == 302
    record = BundleImport.objects.get()
    assert response["Location"] == reverse(
        "bundles:detail", kwargs={"bundle_import": record.public_id}
    )
    assert record.imported_by.username == "prog-admin"
    assert Goal.objects.filter(site=site).count() == 1

    page = programme_admin_client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "<h1>Bundle 1 from Ashdown Vale NHS Foundation Trust</h1>" in text
    assert "There were no conflicts." in text

    # The same file again: nothing changes, and the person is told so.
    rows = all_rows()
    again = upload(programme_admin_client, site, bundle)
    assert again.status_code == 302
    assert all_rows() == rows
    follow = programme_admin_client.get(again["Location"])
    assert "already imported" in follow.content.decode()

    listing = programme_admin_client.get(INDEX).content.decode()
    assert "Number 1" in listing and "In use" in listing


def test_a_damaged_upload_shows_an_error_and_saves_nothing(programme_admin_client, site, bundle):
    damaged = bytearray(bundle)
    damaged[len(damaged) // 3] ^= 0x04
    rows = all_rows()
    response = upload(programme_admin_client, site, bytes(damaged))
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "The bundle was refused and nothing was imported." in text
    assert "<title>Error: Import a site bundle" in text
    assert all_rows() == rows


def test_a_bundle_from_another_site_than_chosen_is_refused(
    programme_admin_client, site, other_site, bundle
):
    rows = all_rows()
    response = upload(programme_admin_client, other_site, bundle)
    assert response.status_code == 200
    assert "comes from the site" in response.content.decode()
    assert all_rows() == rows


def test_missing_file_and_site_are_reported_next_to_the_fields(programme_admin_client):
    response = programme_admin_client.post(UPLOAD, {})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Choose a bundle file to upload." in text
    assert "Choose the site." in text


def test_admin_registers_and_revokes_a_key(programme_admin_client, site):
    key = fmt.new_private_key()
    public = fmt.public_key_text(key.public_key())
    response = programme_admin_client.post(
        REGISTER, {"site": site.slug, "public_key": "not a key!"}
    )
    assert response.status_code == 200
    assert "not valid base64" in response.content.decode()
    assert not SiteKey.objects.exists()

    response = programme_admin_client.post(REGISTER, {"site": site.slug, "public_key": public})
    assert response.status_code == 302
    registered = SiteKey.objects.get()
    assert registered.site == site and registered.registered_by_label == "prog-admin"

    response = programme_admin_client.post(
        reverse("bundles:revoke_key", kwargs={"bundle_key": registered.public_id})
    )
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.revoked_at is not None
    assert "Revoked on" in programme_admin_client.get(INDEX).content.decode()


@pytest.mark.parametrize(
    "who", ["programme_viewer_client", "lead_client", "outsider_client", "viewer_client"]
)
def test_only_programme_admins_may_use_the_pages(request, who, site, bundle):
    client = request.getfixturevalue(who)
    rows = all_rows()
    assert client.get(INDEX).status_code == 403
    assert upload(client, site, bundle).status_code == 403
    assert client.post(REGISTER, {"site": site.slug, "public_key": "x"}).status_code == 403
    # Nothing changed, except that each refusal is written down as a security event.
    after = all_rows()
    assert after.pop("core.SecurityEvent") == rows.pop("core.SecurityEvent") + 3
    assert after == rows


def test_another_programmes_imports_and_keys_are_not_found(programme_admin_client, bundle):
    elsewhere = SiteFactory(
        slug="far-away", programme=ProgrammeFactory(slug="another-programme", name="Another")
    )
    key = SiteKey.objects.create(site=elsewhere, public_key="B" * 43 + "=", fingerprint="1" * 64)
    record = BundleImport.objects.create(
        site=elsewhere,
        key=key,
        bundle_id=uuid.uuid4(),
        sequence=1,
        sha256="0" * 64,
        exported_at="2020-01-01T00:00:00Z",
        imported_by_label="tests",
    )
    detail = reverse("bundles:detail", kwargs={"bundle_import": record.public_id})
    revoke = reverse("bundles:revoke_key", kwargs={"bundle_key": key.public_id})
    assert programme_admin_client.get(detail).status_code == 404
    assert programme_admin_client.post(revoke).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None
    # Nor can a bundle be imported for a site outside the programme.
    response = programme_admin_client.post(
        UPLOAD, {"site": "far-away", "file": SimpleUploadedFile("b.imrocbundle", bundle)}
    )
    assert "Choose one of the programme&#x27;s sites." in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
