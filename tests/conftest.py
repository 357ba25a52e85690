"""Shared fixtures: two sites, and a person in every role, including an outsider."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from imroc.core.audit import SystemActor
from imroc.framework.services import load_bundled_frameworks
from tests.programme.factories import (
    ProgrammeMembershipFactory,
    SiteFactory,
    SiteMembershipFactory,
    TeamFactory,
    UserFactory,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def framework(db):
    """The framework shipped with imroc, loaded and published."""
    return load_bundled_frameworks(SystemActor("tests"))[0]


@pytest.fixture
def site(db):
    return SiteFactory(slug="ashdown", organisation__name="Ashdown Vale NHS Foundation Trust")


@pytest.fixture
def other_site(db, site):
    return SiteFactory(
        slug="brackenmoor",
        programme=site.programme,
        organisation__name="Brackenmoor Partnership NHS Trust",
        category="pilot",
    )


@pytest.fixture
def team(site):
    return TeamFactory(site=site, name="Willow Ward", slug="willow-ward")


@pytest.fixture
def other_team(other_site):
    return TeamFactory(site=other_site, name="Rowan Ward", slug="rowan-ward")


def _member(site, role, username, group="staff"):
    user = UserFactory(username=username)
    SiteMembershipFactory(user=user, site=site, role=role, stakeholder_group=group)
    return user


@pytest.fixture
def site_lead(site):
    return _member(site, "lead", "lead-a", "manager")


@pytest.fixture
def site_member(site):
    return _member(site, "member", "member-a")


@pytest.fixture
def partner(site):
    return _member(site, "partner", "partner-a", "service_user")


@pytest.fixture
def viewer(site):
    return _member(site, "viewer", "viewer-a", "commissioner")


@pytest.fixture
def outsider(other_site):
    """The lead of another site: must never see the first site's objects."""
    return _member(other_site, "lead", "lead-b", "manager")


@pytest.fixture
def programme_admin(site):
    return ProgrammeMembershipFactory(
        user=UserFactory(username="prog-admin"), programme=site.programme, role="admin"
    ).user


@pytest.fixture
def programme_viewer(site):
    return ProgrammeMembershipFactory(
        user=UserFactory(username="prog-viewer"), programme=site.programme, role="viewer"
    ).user


def _client_for(user) -> Client:
    """A client signed in as ``user``, freshly authenticated and past two-factor checks."""
    from imroc.accounts import reauth

    client = Client()
    client.force_login(user)
    session = client.session
    reauth.stamp_login(session, verified=True)
    session.save()
    return client


@pytest.fixture
def lead_client(site_lead):
    return _client_for(site_lead)


@pytest.fixture
def member_client(site_member):
    return _client_for(site_member)


@pytest.fixture
def partner_client(partner):
    return _client_for(partner)


@pytest.fixture
def viewer_client(viewer):
    return _client_for(viewer)


@pytest.fixture
def outsider_client(outsider):
    return _client_for(outsider)


@pytest.fixture
def programme_admin_client(programme_admin):
    return _client_for(programme_admin)


@pytest.fixture
def programme_viewer_client(programme_viewer):
    return _client_for(programme_viewer)


@pytest.fixture
def csrf_client():
    """A client that, like a real browser session, must send the CSRF token."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def _isolated_data_dir(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    # A session records its last activity at most once a minute. A slow test could cross
    # that minute between two requests and see one more query in the second; query-count
    # tests compare requests, so the suite records activity at most once an hour instead.
    # tests/accounts/test_security_sessions.py sets it back to test the sliding timeout.
    settings.IMROC_SESSION_ACTIVITY_SECONDS = 3600
    # Tests post the public enrolment form at once, faster than any person could; the minimum
    # time to fill it in is tested in tests/college/test_public_privacy.py, which sets it back.
    settings.IMROC_ENROL_MIN_SECONDS = 0
    # Caches live in the process; one test's cached figures must not serve another's.
    cache.clear()


@pytest.fixture(autouse=True)
def _english_unless_asked():
    """Each test starts in English: a Welsh request in one test must not leave the thread
    speaking Welsh for the next (Django keeps the active language per thread)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"imroc database engine: {engine}"
