"""The programme's network report: the /programme/ network view as HTML and PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from imroc.assessment.models import AssessmentRound
from imroc.core.models import AuditEvent
from tests.assessment.factories import ConsensusFactory, RoundFactory

HTML, PDF = "/programme/reports/network.html", "/programme/reports/network.pdf"


@pytest.fixture
def network(site, other_site, framework):
    for s, level in ((site, 1), (other_site, 2)):
        r = RoundFactory(
            site=s, framework_version=framework, held_on=dt.date(2012, 5, 1),
            status=AssessmentRound.Status.CLOSED,
        )  # fmt: skip
        for c in framework.challenges.all():
            ConsensusFactory(round=r, challenge=c, level=level)
    return site.programme


def test_network_html_shows_the_programme_panels_and_every_site(
    programme_viewer_client, network, site, other_site
):
    response = programme_viewer_client.get(HTML)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Network report: {network.name}" in html
    assert "Where sites are on the ten challenges" in html  # the improvement panel
    assert "From the agreed stages of 2 sites" in html
    assert site.name in html and other_site.name in html
    assert 'href="/programme/reports/network.pdf"' in html


def test_programme_home_links_to_the_report(programme_viewer_client, network):
    html = programme_viewer_client.get("/programme/").content.decode()
    assert f'href="{HTML}"' in html and f'href="{PDF}"' in html


def test_network_pdf_is_real_and_audited(programme_admin_client, programme_admin, network, site):
    response = programme_admin_client.get(PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert network.name.split()[0] in text
    assert site.name in text
    assert "Page 1 of" in text
    event = AuditEvent.objects.get(action="reports.programme_downloaded")
    assert event.actor == programme_admin


@pytest.mark.parametrize("path", [HTML, PDF])
def test_site_people_are_refused_and_anonymous_sent_to_sign_in(
    lead_client, viewer_client, client, site, path
):
    assert lead_client.get(path).status_code == 403
    assert viewer_client.get(path).status_code == 403
    response = client.get(path)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
