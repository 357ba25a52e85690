"""A full measures board stays within the page-weight budget for old phones (issue 12)."""

from __future__ import annotations

import random
import re

import pytest
from django.urls import reverse

from imroc.measures import presenters
from tests.measures.factories import MeasureFactory, add_points
from tests.test_demo_crawl import PAGE_BUDGET_BYTES, page_weight


@pytest.mark.django_db
def test_a_full_page_of_measures_with_long_histories_stays_within_the_budget(
    lead_client, site, other_site
):
    rng = random.Random(12)
    # One page more than fits, each measure with five years of monthly points (the national
    # dataset averages 60 points a measure), so every row draws icons and a full sparkline.
    for n in range(presenters.BOARD_PAGE_SIZE + 1):
        measure = MeasureFactory(site=site, name=f"Measure {n:03d} of people seen within a week")
        add_points(measure, [rng.gauss(50, 8) for _ in range(60)])
    # Another site's measures are not on the page.
    MeasureFactory(site=other_site, name="Outsider's measure")
    response = lead_client.get(reverse("measures:board", kwargs={"site": site.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    shown = set(re.findall(r"Measure (\d{3}) of people", html))
    assert len(shown) == presenters.BOARD_PAGE_SIZE
    assert "Outsider" not in html
    weight = page_weight(html)
    assert weight <= PAGE_BUDGET_BYTES, f"{weight} bytes"
