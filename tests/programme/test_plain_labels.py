"""Labels that say what they mean: a category's own start date, and the sites that came."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from imroc.core.audit import SystemActor
from imroc.programme import services
from imroc.programme.models import LearningSetInvitation
from tests.programme.factories import LearningSetFactory, SiteFactory

ACTOR = SystemActor("tests")


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.django_db
def test_the_category_badge_gives_the_date_of_the_current_category(
    lead_client, programme_admin_client, outsider_client, site
):
    # The site joined as a demonstration site on 1 April 2011 (the factory's history entry).
    services.change_category(
        site, category="pilot", effective_from=dt.date(2013, 6, 1), reason="Review", actor=ACTOR
    )
    site.refresh_from_db()
    dashboard = _text(lead_client.get(f"/sites/{site.slug}/"))
    assert f"Pilot site since 1 June 2013, in {site.programme.name} since 1 April 2011" in dashboard
    admin = _text(programme_admin_client.get(f"/programme/sites/{site.slug}/"))
    assert "Pilot site since 1 June 2013" in admin
    assert "since 1 April 2011." not in admin
    assert outsider_client.get(f"/sites/{site.slug}/").status_code == 404


@pytest.mark.django_db
def test_attendance_counts_the_sites_that_came(programme_admin_client, site, other_site):
    third = SiteFactory(programme=site.programme, slug="third-site")
    learning_set = LearningSetFactory(programme=site.programme)
    for invited in (site, other_site, third):
        LearningSetInvitation.objects.create(learning_set=learning_set, site=invited)
    for person, where in (("Ann", site), ("Bo", site), ("Cy", other_site)):
        services.record_learning_set_attendance(
            learning_set, site=where, person=person, stakeholder_group="staff", actor=ACTOR
        )
    page = _text(programme_admin_client.get(f"/programme/learning-sets/{learning_set.public_id}/"))
    assert "3 people from 2 sites. 3 sites were invited." in page
