"""One client address for the sign-in lockout, the rate limits and the security log.

Behind a proxy it is the last address in X-Forwarded-For (the one the proxy saw); anything
a client writes before it is ignored, and without IMROC_BEHIND_PROXY the header is ignored.
"""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from imroc.core.models import SecurityEvent
from imroc.core.ratelimit import client_address, client_ip


def _request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.IMROC_BEHIND_PROXY = False
    request = _request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "10.0.0.2"


def test_behind_a_proxy_only_the_address_the_proxy_saw_counts(settings):
    settings.IMROC_BEHIND_PROXY = True
    forged = _request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9")
    assert client_ip(forged) == "203.0.113.9"
    assert client_ip(_request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="2001:db8::1")) == (
        "2001:db8::1"
    )
    assert client_ip(_request(REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    garbage = _request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")
    assert client_ip(garbage) is None and client_address(garbage) == "unknown"


@pytest.mark.django_db
def test_the_lockout_and_the_security_log_see_the_same_address(client, site_lead, settings):
    settings.IMROC_BEHIND_PROXY = True
    for n in range(5):
        response = client.post(
            "/accounts/login/",
            {"username": site_lead.username, "password": "wrong-password-here"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9",  # the first part changes
        )
    assert response.status_code == 429  # locked, although the client changed what it wrote
    assert SecurityEvent.objects.get().address == "203.0.113.9"
