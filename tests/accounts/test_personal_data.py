"""The personal_data marker on views of its own: the parts the real views cannot show.

Every real download already writes its own audit event, so the marker's own event (for a
download that writes none) is proved here, on a small view served by this module's URLconf.
The walk over the real URLconf is tests/test_personal_data_walk.py.
"""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.urls import include, path, reverse

from imroc.accounts.personal_data import DOWNLOAD, PAGE, personal_data
from imroc.accounts.reauth import make_stale, requires_recent_auth
from imroc.core.models import AuditEvent
from imroc.programme.access import SiteAccess, site_view

ROSTER = "name,phone\r\nAda Lovelace,07700 900123\r\n"


def _roster(request):
    response = HttpResponse(ROSTER, content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="roster.csv"'
    return response


def _page(request):
    if "format" in request.GET:
        return _roster(request)
    return HttpResponse("<p>Ada Lovelace</p>")


roster_download = site_view(SiteAccess.EDIT)(personal_data(download=True)(_roster))
roster_page = site_view(SiteAccess.EDIT)(personal_data()(_page))

urlpatterns = [
    path("t/<slug:site>/roster.csv", roster_download, name="roster_download"),
    path("t/<slug:site>/roster/", roster_page, name="roster_page"),
    path("", include("imroc.urls")),  # sign-in, the password check and the error pages' links
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _url(name, site, **query):
    url = reverse(name, kwargs={"site": site.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _events(response):
    return AuditEvent.objects.filter(request_id=response["X-Request-ID"])


def test_the_marker_keeps_the_access_marker_in_either_order():
    under = site_view(SiteAccess.MANAGE)(personal_data(download=True)(_roster))
    over = personal_data()(site_view(SiteAccess.VIEW)(_page))
    with_reauth = site_view(SiteAccess.MANAGE)(personal_data()(requires_recent_auth()(_page)))
    expected = (("site", SiteAccess.MANAGE), DOWNLOAD)
    assert (under.imroc_access, under.imroc_personal_data) == expected
    assert (over.imroc_access, over.imroc_personal_data) == (("site", SiteAccess.VIEW), PAGE)
    assert with_reauth.imroc_access == ("site", SiteAccess.MANAGE)
    assert with_reauth.imroc_personal_data == PAGE


def test_a_download_that_logs_nothing_itself_is_logged_once_per_download(
    member_client, site_member, site
):
    url = _url("roster_download", site)
    first, second = member_client.get(url), member_client.get(url)
    for response in (first, second):
        assert response.status_code == 200 and response.content.decode() == ROSTER
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        (event,) = _events(response)
        assert event.action == "exported.roster_download"
        assert (event.actor, event.site_public_id) == (site_member, site.public_id)
        assert event.after == {"path": url, "format": ""}
    assert AuditEvent.objects.filter(action="exported.roster_download").count() == 2


def test_a_stale_session_types_its_password_before_the_download(member_client, site):
    make_stale(member_client)
    url = _url("roster_download", site)
    response = member_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:reauth')}?next={url.replace('/', '%2F')}"
    assert "no-store" in response["Cache-Control"]
    assert ROSTER not in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="exported.").exists()


def test_the_page_opens_without_a_password_but_its_download_asks_for_one(member_client, site):
    make_stale(member_client)
    page = member_client.get(_url("roster_page", site))
    assert page.status_code == 200 and "Ada Lovelace" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert not _events(page).exists()
    download = member_client.get(_url("roster_page", site, format="csv"))
    assert download.status_code == 302
    assert download["Location"].startswith(reverse("accounts:reauth"))


def test_anonymous_people_sign_in_and_other_roles_are_refused_first(
    client, viewer_client, outsider_client, site
):
    url = _url("roster_download", site)
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    make_stale(viewer_client)
    make_stale(outsider_client)
    assert viewer_client.get(url).status_code == 403  # the role is checked before the password
    assert outsider_client.get(url).status_code == 404  # another site's lead: not found
    assert not AuditEvent.objects.filter(action__startswith="exported.").exists()
