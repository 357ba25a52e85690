"""The in-app help and the accessibility statement: open to everyone, in English and Welsh."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imroc.core import help

pytestmark = pytest.mark.django_db


def test_help_index_lists_every_guide_without_signing_in(client):
    response = client.get(reverse("help"))
    assert response.status_code == 200
    page = response.content.decode()
    for guide in help.GUIDES:
        assert reverse("help_guide", kwargs={"guide": guide.slug}) in page
        assert guide.title("en") in page


@pytest.mark.parametrize("guide", [g.slug for g in help.GUIDES])
def test_every_guide_has_a_page_in_english_and_welsh(client, guide):
    english = client.get(reverse("help_guide", kwargs={"guide": guide}))
    assert english.status_code == 200
    welsh = client.get(reverse("help_guide", kwargs={"guide": guide}), HTTP_ACCEPT_LANGUAGE="cy")
    assert welsh.status_code == 200
    # Each language has its own written guide, not a copy of the English one.
    assert help.BY_SLUG[guide].title("cy") in welsh.content.decode()
    assert english.content != welsh.content
    for language in help.GUIDE_LANGUAGES:
        template = help.guide_template(help.BY_SLUG[guide], language)
        assert template.template.name == f"core/help/{language}/{guide}.html"


def test_an_unknown_guide_is_not_found(client):
    assert client.get("/help/no-such-guide/").status_code == 404


def test_every_page_header_links_to_help(client, lead_client, site):
    for response in (
        client.get(reverse("accounts:login")),
        lead_client.get(f"/sites/{site.slug}/"),
    ):
        assert f'href="{reverse("help")}"' in response.content.decode()


def test_accessibility_statement_is_public(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "WCAG" in response.content.decode()
