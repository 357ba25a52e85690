"""Each API token has its own rate limit; a call over it gets a 429 problem document."""

from __future__ import annotations

import pytest

from imroc.core.models import RateCounter
from tests.api.conftest import Api, assert_problem, make_token


@pytest.mark.django_db
def test_a_token_over_its_limit_gets_429_with_retry_after(site_lead, outsider, site, settings):
    settings.RATE_LIMITS = {"api-token": (3, 60)}
    lead = Api(make_token(site_lead, "read"))
    assert [lead.get("me").status_code for _ in range(3)] == [200, 200, 200]
    refused = lead.get(f"sites/{site.slug}")
    body = assert_problem(refused, 429)
    assert "more than 3 calls in 60 seconds" in body["detail"]
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another token, even the same person's, has its own count.
    assert Api(make_token(site_lead, "read")).get("me").status_code == 200
    # An outsider's token is counted on its own too, and still cannot see the site.
    assert_problem(Api(make_token(outsider, "read")).get(f"sites/{site.slug}"), 404)


@pytest.mark.django_db
def test_a_bad_token_is_refused_before_anything_is_counted(settings):
    settings.RATE_LIMITS = {"api-token": (1, 60)}
    for _ in range(3):
        assert_problem(Api("not-a-token").get("me"), 401)
    assert not RateCounter.objects.exists()
