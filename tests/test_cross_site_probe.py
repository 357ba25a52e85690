"""The cross-site probe: a lead of one site tries every route with another site's objects.

tests/test_access_walk.py already proves that an outsider who asks for the first site's
pages (the first site's slug in the URL) gets 404. This probe covers the other way in: the
outsider is the *lead of their own site*, with full rights there, and puts the first site's
object ids into URLs under their own site's slug (/sites/<own site>/goals/<their goal>/...).
A view that looked an object up by its id alone, and not through the site, would show it.

The probe is generic over the URLconf, like the access walk it reuses: every site route with
an object in its URL is tried, including site export and report routes, so new routes are
probed without editing this file. Together with the access walk it makes the "cross-site
probe" of issue 11:

- UI, export and report routes under /sites/<site>/, the first site's slug: the walk's
  test_outsider_from_another_site_gets_404;
- the same routes under the outsider's own slug with the first site's objects: this file;
- programme-wide routes (programme reports, bundles): a site lead gets 403, the walk's
  test_site_people_cannot_use_programme_routes;
- the REST API: tests/api/test_api_isolation.py walks every operation in the OpenAPI schema
  both ways with the outsider's bearer token.
"""

from __future__ import annotations

import pytest

from tests.test_access_walk import (
    SITE_ROUTES,
    _expect,
    _url,
    _walk_check,
)
from tests.test_access_walk import samples as samples  # the fixture, for pytest

# URL keywords that name something shared by the whole programme rather than owned by one
# site, so the same id is rightly found under any site. Everything else must be 404.
SHARED_KWARGS = {
    "site",
    "version",  # a framework version: the framework is the programme's
    "shared",  # a programme-wide measure definition that sites adopt
}

PROBE_ROUTES = [r for r in SITE_ROUTES if set(r.kwargs) - SHARED_KWARGS]


@pytest.fixture
def probe_samples(samples, site):
    """The access walk's samples, with the shared ones swapped for objects the first site owns.

    The walk's library resource is shared with the whole network and its workforce figure is
    one every site has, so both are rightly found under any site. Here they are a resource
    visible to the first site only and a figure built from the first site's own indicator.
    """
    from imroc.programme.models import Resource
    from imroc.workforce.figures import indicator_key
    from imroc.workforce.models import Indicator
    from tests.programme.factories import ResourceFactory

    own = ResourceFactory(programme=site.programme, site=site, visibility=Resource.Visibility.SITE)
    indicator = Indicator.objects.get(site=site, public_id=samples["indicator"])
    return {**samples, "resource": own.public_id, "figure": indicator_key(indicator)}


def test_probe_found_the_routes():
    # Guards the probe: most site routes name an object, and every one of them is probed.
    assert len(PROBE_ROUTES) >= 20


@pytest.mark.django_db
def test_lead_of_another_site_gets_404_for_this_sites_objects_under_their_own_site(
    outsider_client, probe_samples, other_site
):
    """GET and POST every site route with the first site's objects under the outsider's own slug."""

    def check(route):
        url = _url(route, {**probe_samples, "site": other_site.slug})
        # 405: a route that does not take that method says so before looking anything up, so
        # the answer is the same whether the object exists or not.
        _expect(outsider_client.get(url), 404, 405)
        _expect(outsider_client.post(url, {"name": "x", "confirm": "on"}), 404, 405)

    _walk_check(PROBE_ROUTES, check)
