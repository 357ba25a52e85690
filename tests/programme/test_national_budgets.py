"""The busiest pages keep their SQL query budgets on generated data (the small scale here;
benchmarks/national_bench.py checks the same budgets and the time on the national scale).

The budgets are fixed, whatever the amount of data, so an N+1 query pattern fails here: the
small scale already has 3 sites, 30 teams, 200 measures and 500 learners.
"""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.test import Client

from imroc.accounts import reauth
from imroc.programme import synthetic
from imroc.programme.models import ProgrammeMembership, SiteMembership

BUDGETS = synthetic.PAGE_QUERY_BUDGETS


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    reauth.stamp_login(session, verified=True)
    session.save()
    return client


@pytest.fixture
def small(db):
    built = synthetic.generate("small", seed=7, write=lambda line: None)
    site = built.programme.sites.annotate(n=Count("measures")).order_by("-n", "slug").first()
    admin = ProgrammeMembership.objects.get(programme=built.programme, role="admin").user
    lead = SiteMembership.objects.get(site=site, role="lead").user
    return {"site": site, "admin": _client(admin), "lead": _client(lead), "anonymous": Client()}


def _pages(small):
    slug = small["site"].slug
    return [
        ("healthz", "anonymous", "/healthz"),
        ("programme dashboard", "admin", "/programme/"),
        ("site dashboard", "lead", f"/sites/{slug}/"),
        ("measures summary", "lead", f"/sites/{slug}/measures/"),
        ("benchmarks", "admin", "/programme/benchmarks/"),
        ("prospectus", "anonymous", f"/colleges/{slug}/"),
    ]


@pytest.mark.parametrize("warm", [False, True], ids=["first request", "cached"])
def test_busiest_pages_keep_their_query_budgets(small, warm, django_assert_max_num_queries):
    for name, who, url in _pages(small):
        client = small[who]
        if warm:
            assert client.get(url).status_code == 200
        with django_assert_max_num_queries(BUDGETS[name]):
            response = client.get(url)
        assert response.status_code == 200, name


def test_pages_show_the_generated_data(small, monkeypatch):
    from imroc.measures import presenters

    monkeypatch.setattr(presenters, "BOARD_PAGE_SIZE", 25)
    site = small["site"]
    board = small["lead"].get(f"/sites/{site.slug}/measures/").content.decode()
    total = site.measures.count()
    assert f"{total} measures:" in board
    assert "Next page" in board  # more than one page of measures
    second = small["lead"].get(f"/sites/{site.slug}/measures/?page=2").content.decode()
    assert "Previous page" in second
    dashboard = small["lead"].get(f"/sites/{site.slug}/").content.decode()
    assert f'<span class="figure">{total}</span> measures tracked' in dashboard
    prospectus = small["anonymous"].get(f"/colleges/{site.slug}/").content.decode()
    assert "Course " in prospectus
    programme = small["admin"].get("/programme/").content.decode()
    assert site.name in programme


def _row(client, url, name) -> str:
    page = client.get(url).content.decode()
    start = page.index(f">{name}</a>")
    return page[start : page.index("</tr>", start)]


def test_board_cache_never_shows_stale_data(small):
    """A corrected data point shows on the board at once: the cache follows every write."""
    from imroc.core.audit import SystemActor
    from imroc.core.charts import format_value
    from imroc.measures import services
    from imroc.measures.models import Measure

    site = small["site"]
    measure = (
        Measure.objects.filter(site=site, chart_type="xmr", shared__isnull=True)
        .order_by("name", "id")
        .first()
    )
    url = f"/sites/{site.slug}/measures/"
    before = _row(small["lead"], url, measure.name)  # fills the cache
    assert _row(small["lead"], url, measure.name) == before  # served from it
    last = measure.points.order_by("-period").first()
    result = services.record_point(
        measure, actor=SystemActor("tests"), period=last.period, value=last.value + 1000
    )
    assert result == "corrected"
    after = _row(small["lead"], url, measure.name)
    assert after != before
    assert format_value(last.value + 1000, 0, "") in after


@pytest.mark.parametrize("n", [1, 12, 36, 50])
def test_sparkline_shortcut_matches_the_period_walk(n):
    """Without gaps the board takes the last points as they are; the walk gives the same."""
    import datetime as dt

    from imroc.measures import presenters
    from imroc.measures.models import Measure

    measure = Measure(frequency="monthly")
    periods, day = [], dt.date(2019, 1, 1)
    for _ in range(n):
        periods.append(day.isoformat())
        day = measure.next_period(day)
    pts = [(p, float(k)) for k, p in enumerate(periods)]
    values = [float(k) for k in range(n)]
    types = ["common_cause" if k % 5 else "special_cause_improvement" for k in range(n)]
    fast = presenters._recent_with_gaps(measure, pts, values, types)
    walked = presenters._recent_with_gaps(measure, pts, values, [*types, "x"])
    assert fast == walked
    assert len(fast[0]) == min(n, presenters.SPARK_PERIODS)
