"""Peer support cohorts: phases with checklists, anonymous posts, FTE rules, access and queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imroc.core.models import AuditEvent
from imroc.workforce import reference
from imroc.workforce.models import PeerCohort, PeerPost, PhaseChange
from tests.programme.factories import TeamFactory
from tests.workforce.factories import CohortFactory, PostFactory

pytestmark = pytest.mark.django_db


def _url(name, site, **kw):
    return reverse(f"workforce:{name}", kwargs={"site": site.slug, **kw})


def _tick_all(client, site, cohort):
    keys = [i.key for i in reference.CHECKLISTS[cohort.phase]]
    return client.post(_url("cohort_checklist", site, cohort=cohort.public_id), {"done": keys})


def test_lead_moves_a_cohort_from_preparation_to_employment(lead_client, site, team):
    response = lead_client.post(_url("cohort_create", site), {
        "name": "First cohort", "started_on": "2012-01-10", "training_hours": "40", "training_course": "Peer support",
    })  # fmt: skip
    cohort = PeerCohort.objects.get(site=site)
    assert response.status_code == 302 and cohort.phase == "preparation"

    # An incomplete checklist needs a reason.
    url = _url("cohort_advance", site, cohort=cohort.public_id)
    response = lead_client.post(url, {"on": "2012-04-01", "version": cohort.version, "reason": ""})
    assert response.status_code == 200
    assert "checklist items are not ticked" in response.content.decode().replace("&#x27;", "'")
    cohort.refresh_from_db()
    assert cohort.phase == "preparation"

    assert _tick_all(lead_client, site, cohort).status_code == 302
    assert lead_client.post(url, {"on": "2012-04-01", "version": cohort.version}).status_code == 302
    cohort.refresh_from_db()
    assert cohort.phase == "recruitment"

    # Move on anyway, with a reason, without the recruitment checklist.
    response = lead_client.post(
        url,
        {"on": "2012-07-01", "version": cohort.version, "reason": "The posts were ready early."},
    )
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.phase == "employment"
    history = list(cohort.phase_history.order_by("entered_on"))
    assert [h.phase for h in history] == ["preparation", "recruitment", "employment"]
    assert history[-1].move_on_reason == "The posts were ready early."
    assert history[-1].checklist_done < history[-1].checklist_total
    assert AuditEvent.objects.filter(action="peer_cohort.advance").count() == 2

    response = lead_client.post(_url("post_create", site, cohort=cohort.public_id), {
        "label": "Peer support worker 1", "team": team.slug, "fte": "0.6", "appointed_on": "2012-07-15",
    })  # fmt: skip
    assert response.status_code == 302
    page = lead_client.get(_url("home", site)).content.decode().replace("&#x27;", "'")
    assert "Peer support worker" in page and "0.6" in page


def test_advance_date_cannot_go_back(lead_client, site):
    cohort = CohortFactory(site=site, started_on=dt.date(2012, 5, 1))
    PhaseChange.objects.create(cohort=cohort, phase="preparation", entered_on=dt.date(2012, 5, 1))
    _tick_all(lead_client, site, cohort)
    response = lead_client.post(
        _url("cohort_advance", site, cohort=cohort.public_id),
        {"on": "2012-01-01", "version": cohort.version},
    )
    assert "Enter that date or a later one" in response.content.decode().replace("&#x27;", "'")


def test_stale_advance_is_refused(lead_client, site):
    cohort = CohortFactory(site=site)
    _tick_all(lead_client, site, cohort)
    response = lead_client.post(
        _url("cohort_advance", site, cohort=cohort.public_id),
        {"on": "2012-04-01", "version": cohort.version - 1 if cohort.version > 1 else 99},
    )
    assert "Someone else saved changes" in response.content.decode().replace("&#x27;", "'")
    cohort.refresh_from_db()
    assert cohort.phase == "preparation"


@pytest.mark.parametrize(("fte", "message"), [
    ("0", "must be more than 0"), ("-0.5", "must be more than 0"), ("1.5", "cannot be more than 1"),
    ("abc", "Enter a number"),
])  # fmt: skip
def test_impossible_fte_is_refused(lead_client, site, team, fte, message):
    cohort = CohortFactory(site=site)
    response = lead_client.post(_url("post_create", site, cohort=cohort.public_id),
                                {"label": "Peer support worker 1", "team": team.slug, "fte": fte})  # fmt: skip
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert 'value="Peer support worker 1"' in response.content.decode().replace(
        "&#x27;", "'"
    )  # what they typed is kept
    assert not PeerPost.objects.exists()


def test_team_fte_cannot_exceed_its_staff(lead_client, site):
    small = TeamFactory(site=site, name="Tiny team", slug="tiny", staff_count=1)
    cohort = CohortFactory(site=site)
    PostFactory(cohort=cohort, team=small, fte=Decimal("0.8"), appointed_on=dt.date(2012, 1, 1))
    response = lead_client.post(_url("post_create", site, cohort=cohort.public_id), {
        "label": "Peer support worker 9", "team": small.slug, "fte": "0.5", "appointed_on": "2012-02-01",
    })  # fmt: skip
    assert "Tiny team has 1 staff" in response.content.decode().replace("&#x27;", "'")
    assert PeerPost.objects.count() == 1


def test_leaving_needs_a_reason_and_a_later_date(lead_client, site, team):
    cohort = CohortFactory(site=site)
    post = PostFactory(cohort=cohort, team=team, appointed_on=dt.date(2012, 3, 1))
    url = _url("post_edit", site, cohort=cohort.public_id, post=post.public_id)
    base = {
        "label": post.label,
        "team": team.slug,
        "fte": "1",
        "appointed_on": "2012-03-01",
        "version": post.version,
    }
    assert "Choose why the worker left" in lead_client.post(
        url, {**base, "left_on": "2013-01-01"}
    ).content.decode().replace("&#x27;", "'")
    response = lead_client.post(url, {**base, "left_on": "2012-01-01", "leaving_reason": "new_job"})
    assert "on or after the date the worker started" in response.content.decode().replace(
        "&#x27;", "'"
    )
    assert (
        lead_client.post(
            url, {**base, "left_on": "2013-01-01", "leaving_reason": "new_job"}
        ).status_code
        == 302
    )
    post.refresh_from_db()
    assert post.leaving_reason == "new_job" and post.status == "Left"


def test_another_sites_team_is_refused(lead_client, site, other_team):
    cohort = CohortFactory(site=site)
    response = lead_client.post(_url("post_create", site, cohort=cohort.public_id),
                                {"label": "Peer support worker 1", "team": other_team.slug, "fte": "1"})  # fmt: skip
    assert "Choose one of this site's teams" in response.content.decode().replace("&#x27;", "'")


def test_recruitment_counts_must_add_up(lead_client, site):
    cohort = CohortFactory(site=site)
    url = _url("cohort_recruitment", site, cohort=cohort.public_id)
    response = lead_client.post(
        url,
        {"applicants": "5", "interviewed": "9", "training_hours": "40", "version": cohort.version},
    )
    assert "More people interviewed (9) than applied (5)" in response.content.decode().replace(
        "&#x27;", "'"
    )
    assert (
        lead_client.post(
            url,
            {
                "applicants": "30",
                "interviewed": "9",
                "training_hours": "40",
                "version": cohort.version,
            },
        ).status_code
        == 302
    )


def test_outsider_gets_404_and_viewer_and_partner_read_only(
    outsider_client, viewer_client, partner_client, site
):
    cohort = CohortFactory(site=site)
    for url in (_url("cohort", site, cohort=cohort.public_id), _url("home", site)):
        assert outsider_client.get(url).status_code == 404
        assert viewer_client.get(url).status_code == 200
        assert partner_client.get(url).status_code == 200
    advance = _url("cohort_advance", site, cohort=cohort.public_id)
    for client in (viewer_client, partner_client):
        assert client.post(advance, {"on": "2012-04-01", "reason": "x"}).status_code == 403
    assert "Move on to" not in viewer_client.get(
        _url("cohort", site, cohort=cohort.public_id)
    ).content.decode().replace("&#x27;", "'")


def test_home_page_queries_do_not_grow_with_data(lead_client, site, team):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert lead_client.get(_url("home", site)).status_code == 200
        return len(ctx.captured_queries)

    cohort = CohortFactory(site=site)
    PostFactory(cohort=cohort, team=team, appointed_on=dt.date(2012, 1, 1))
    before = count()
    for _ in range(4):
        c = CohortFactory(site=site)
        for _ in range(3):
            PostFactory(cohort=c, team=team, fte=Decimal("0.5"), appointed_on=dt.date(2012, 1, 1))
    assert count() == before
