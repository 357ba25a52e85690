"""Walk every route in the URLconf and prove deny-by-default and site isolation.

New routes are covered without editing this test: each one must carry an access marker
(site_view, programme_view, signed_in_view or public_view), and each URL keyword must have
a sample value below. A route that lacks either fails here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from imroc.programme.access import ProgrammeAccess, SiteAccess
from tests.assessment.factories import RoundFactory
from tests.improvement.factories import CycleFactory, GoalFactory


@dataclass
class Route:
    name: str
    kwargs: tuple[str, ...]
    callback: object

    @property
    def access(self):
        return getattr(self.callback, "imroc_access", None)


def _walk(patterns, namespace="", inherited=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            prefix = f"{namespace}{ns}:" if ns else namespace
            kwargs = inherited + tuple(getattr(entry.pattern, "converters", {}))
            yield from _walk(entry.url_patterns, prefix, kwargs)
        elif isinstance(entry, URLPattern):
            kwargs = inherited + tuple(getattr(entry.pattern, "converters", {}))
            yield Route(f"{namespace}{entry.name}" if entry.name else "", kwargs, entry.callback)


ROUTES = list(_walk(get_resolver().url_patterns))


def _samples(site, team, framework, site_lead):
    """One real object of the first site for every URL keyword."""
    assessment_round = RoundFactory(site=site, framework_version=framework)
    goal = GoalFactory(site=site, challenge=framework.challenges.first(), owner=site_lead)
    return {
        "site": site.slug,
        "team": team.slug,
        "version": framework.public_id,
        "round": assessment_round.public_id,
        "goal": goal.public_id,
        "cycle": CycleFactory(goal=goal).public_id,
    }


def _url(route, samples):
    missing = [k for k in route.kwargs if k not in samples]
    if missing:
        pytest.fail(
            f"No sample value for URL keyword(s) {missing} of route '{route.name}': add them to _samples"
        )
    return reverse(route.name, kwargs={k: samples[k] for k in route.kwargs})


def test_every_route_is_named_and_marked():
    for route in ROUTES:
        assert route.name, f"a route has no name: {route.callback}"
        assert route.access is not None, f"route '{route.name}' has no access marker"
        kind, _ = route.access
        assert ("site" in route.kwargs) == (kind == "site"), (
            f"route '{route.name}': routes with <site> must use site_view, and only they"
        )


SITE_ROUTES = [r for r in ROUTES if r.access and r.access[0] == "site"]
PROGRAMME_ROUTES = [r for r in ROUTES if r.access and r.access[0] == "programme"]
PRIVATE_ROUTES = [r for r in ROUTES if r.access and r.access[0] != "public"]


def test_walk_found_the_routes():
    # Guards the walk itself: if it finds nothing, the tests below would prove nothing.
    assert len(SITE_ROUTES) >= 4
    assert len(PROGRAMME_ROUTES) >= 4


@pytest.fixture
def samples(site, team, framework, site_lead):
    return _samples(site, team, framework, site_lead)


@pytest.mark.django_db
@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=lambda r: r.name)
def test_anonymous_is_sent_to_sign_in(client, route, samples):
    url = _url(route, samples)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (route.name, method)
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("route", SITE_ROUTES, ids=lambda r: r.name)
def test_outsider_from_another_site_gets_404(outsider_client, route, samples):
    url = _url(route, samples)
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"name": "x"}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("route", SITE_ROUTES, ids=lambda r: r.name)
def test_unknown_site_gets_404_even_for_programme_staff(programme_admin_client, route, samples):
    url = _url(route, {**samples, "site": "no-such-site"})
    assert programme_admin_client.get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in SITE_ROUTES if r.access[1] > SiteAccess.VIEW], ids=lambda r: r.name
)
def test_site_viewer_cannot_use_write_routes(
    viewer_client, programme_viewer_client, route, samples
):
    url = _url(route, samples)
    for client in (viewer_client, programme_viewer_client):
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "x"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in SITE_ROUTES if r.access[1] > SiteAccess.EDIT], ids=lambda r: r.name
)
def test_site_member_cannot_use_lead_routes(member_client, route, samples):
    url = _url(route, samples)
    assert member_client.get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("route", SITE_ROUTES, ids=lambda r: r.name)
def test_site_lead_can_open_every_site_route(lead_client, route, samples):
    response = lead_client.get(_url(route, samples))
    assert response.status_code in (200, 405), route.name


@pytest.mark.django_db
@pytest.mark.parametrize("route", PROGRAMME_ROUTES, ids=lambda r: r.name)
def test_site_people_cannot_use_programme_routes(lead_client, route, samples):
    url = _url(route, samples)
    assert lead_client.get(url).status_code == 403
    assert lead_client.post(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    [r for r in PROGRAMME_ROUTES if r.access[1] > ProgrammeAccess.VIEW],
    ids=lambda r: r.name,
)
def test_programme_viewer_cannot_use_admin_routes(programme_viewer_client, route, samples):
    url = _url(route, samples)
    assert programme_viewer_client.post(url).status_code == 403
