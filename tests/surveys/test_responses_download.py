"""A questionnaire's responses.json (answers and respondents' codes) is a personal-data download.

Found in testing: the whole-site export asked for the password again, but this file did not,
and it could be kept in a cache. Now it asks, like every personal-data download, and is
never cached.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

import pytest
from django.urls import reverse

from imroc.accounts.reauth import make_stale
from imroc.core.models import AuditEvent
from imroc.surveys import services
from tests.surveys.factories import licensed_version, make_responses

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(site):
    version = licensed_version(site)
    someone = services.respondent_for(site, code="P-ABCD-2345")
    make_responses(site, version, [(dt.date(2013, 1, 1), "3")], respondent=someone)
    return reverse(
        "surveys:responses_fhir",
        kwargs={"site": site.slug, "instrument": version.instrument.public_id},
    )


def test_responses_json_asks_for_the_password_again(member_client, url):
    make_stale(member_client)
    response = member_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:reauth") + "?next=" + quote(url, safe="")
    assert "P-ABCD-2345" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="survey.responses.export").exists()


def test_responses_json_is_never_cached_and_logged_once(member_client, site_member, url):
    response = member_client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    bundle = json.loads(response.content)
    assert "P-ABCD-2345" in json.dumps(bundle)
    (event,) = AuditEvent.objects.filter(request_id=response["X-Request-ID"])
    assert (event.action, event.actor) == ("survey.responses.export", site_member)


def test_another_sites_lead_gets_404_even_with_a_stale_session(outsider_client, url):
    make_stale(outsider_client)
    assert outsider_client.get(url).status_code == 404
