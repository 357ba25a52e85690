"""Refused requests are written down with who made them, and programme admins can see them.

A request for another site's pages, a page above the person's role, an API call outside a
token's rights and too many tries each leave one SecurityEvent; any other page not found only
adds to the day's count. The security page shows repeated refusals at the top.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from imroc.core.models import NotFoundDay, SecurityEvent
from tests.api.conftest import Api, make_token
from tests.programme.factories import UserFactory

Kind = SecurityEvent.Kind
SECURITY = "/programme/security/"


def _not_found_today() -> int:
    found = NotFoundDay.objects.filter(day=timezone.localdate()).first()
    return found.count if found else 0


def _queries_on(captured, table: str) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if table in q["sql"]]


@contextlib.contextmanager
def _refuse_inserts(table: str):
    """A real database trigger that makes every insert into ``table`` fail."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_refuse_insert() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'refused by the test'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER test_refuse BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse_insert()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER test_refuse BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER test_refuse ON {table}")
                cursor.execute("DROP FUNCTION test_refuse_insert()")
            else:
                cursor.execute("DROP TRIGGER test_refuse")


# --- What is written down -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_lead_asking_for_another_sites_pages_is_refused_and_logged(
    outsider_client, outsider, site
):
    with CaptureQueriesContext(connection) as captured:
        response = outsider_client.get(
            f"/sites/{site.slug}/goals/?page=2", REMOTE_ADDR="203.0.113.7"
        )
    assert response.status_code == 404
    event = SecurityEvent.objects.get()
    assert event.kind == Kind.CROSS_SITE
    assert event.user == outsider and event.username == "lead-b"
    assert event.route == "improvement:goals"
    assert event.path == f"/sites/{site.slug}/goals/"  # no query string
    assert (event.method, event.status, event.address) == ("GET", 404, "203.0.113.7")
    assert event.request_id == response["X-Request-ID"]
    assert event.token == ""
    # One insert, and it is not also counted as an ordinary page not found.
    inserts = [q for q in _queries_on(captured, "core_securityevent") if "INSERT" in q]
    assert len(inserts) == 1
    assert not _queries_on(captured, "core_notfoundday")
    assert _not_found_today() == 0


@pytest.mark.django_db
def test_a_site_that_does_not_exist_is_only_counted(outsider_client):
    assert outsider_client.get("/sites/no-such-site/goals/").status_code == 404
    assert outsider_client.get("/sites/no-such-site/").status_code == 404
    assert SecurityEvent.objects.count() == 0
    assert _not_found_today() == 2


@pytest.mark.django_db
def test_an_address_that_leads_nowhere_is_only_counted(client):
    assert client.get("/no/such/page/").status_code == 404
    assert SecurityEvent.objects.count() == 0
    assert _not_found_today() == 1


@pytest.mark.django_db
def test_an_address_missing_its_slash_is_redirected_not_counted(programme_admin_client):
    response = programme_admin_client.get(SECURITY.rstrip("/"))
    assert response.status_code == 301
    assert _not_found_today() == 0


@pytest.mark.django_db
def test_a_viewer_on_an_edit_page_is_refused_and_logged(viewer_client, viewer, site):
    response = viewer_client.post(f"/sites/{site.slug}/goals/new/", {"title": "x"})
    assert response.status_code == 403
    event = SecurityEvent.objects.get()
    assert (event.kind, event.user, event.route) == (
        Kind.FORBIDDEN,
        viewer,
        "improvement:goal_create",
    )
    assert (event.method, event.status, event.address) == ("POST", 403, "127.0.0.1")


@pytest.mark.django_db
def test_an_api_call_outside_the_tokens_scope_is_logged_with_its_prefix(site_lead, site):
    from imroc.api.models import ApiToken

    api = Api(make_token(site_lead, "read"))
    response = api.post(
        f"sites/{site.slug}/assessments", {"title": "Spring", "held_on": "2025-03-01"}
    )
    assert response.status_code == 403
    token = ApiToken.objects.get(user=site_lead)
    event = SecurityEvent.objects.get()
    assert event.kind == Kind.API_REFUSED
    assert (event.user, event.token, event.status) == (site_lead, token.prefix, 403)
    # ninja names an address after its first operation; the method says which one was called.
    assert (event.route, event.method) == ("api:list_rounds", "POST")
    assert token.prefix not in ("", api.token)  # the prefix, never the secret
    assert api.token not in json.dumps(list(SecurityEvent.objects.values()), default=str)


@pytest.mark.django_db
def test_an_api_call_without_a_valid_token_is_logged_by_address(site):
    response = Api("not-a-real-token").client.get(
        f"/api/v1/sites/{site.slug}", HTTP_AUTHORIZATION="Bearer nope", REMOTE_ADDR="198.51.100.4"
    )
    assert response.status_code == 401
    event = SecurityEvent.objects.get()
    assert (event.kind, event.user, event.username, event.token) == (Kind.API_REFUSED, None, "", "")
    assert (event.address, event.status) == ("198.51.100.4", 401)


@pytest.mark.django_db
def test_an_api_call_for_another_sites_slug_is_logged_like_the_pages(outsider, site, other_site):
    """The API answers 404 for another site's slug, and logs it as the pages do."""
    response = Api(make_token(outsider, "read")).get(f"sites/{site.slug}")
    assert response.status_code == 404
    event = SecurityEvent.objects.get()
    assert (event.kind, event.user, event.status) == (Kind.CROSS_SITE, outsider, 404)
    # A slug that is no site at all is an ordinary not-found, only counted.
    assert Api(make_token(outsider, "read")).get("sites/no-such-site").status_code == 404
    assert SecurityEvent.objects.count() == 1
    assert _not_found_today() == 1


@pytest.mark.django_db
def test_a_locked_out_sign_in_is_logged_as_too_many_tries(client, site_lead):
    for _ in range(5):
        response = client.post(
            "/accounts/login/",
            {"username": "lead-a", "password": "wrong-password-here"},
            REMOTE_ADDR="10.0.0.1",
        )
    assert response.status_code == 429
    event = SecurityEvent.objects.get()
    assert (event.kind, event.address, event.user, event.route) == (
        Kind.RATE_LIMITED,
        "10.0.0.1",
        None,
        "accounts:login",
    )


@pytest.mark.django_db
def test_pages_that_are_allowed_cost_no_security_query(lead_client, site):
    with CaptureQueriesContext(connection) as captured:
        assert lead_client.get(f"/sites/{site.slug}/goals/").status_code == 200
        assert lead_client.get("/").status_code in (200, 302)
    assert not _queries_on(captured, "core_securityevent")
    assert not _queries_on(captured, "core_notfoundday")


# --- Failures never change the answer -------------------------------------------------------


@pytest.mark.django_db
def test_a_failure_to_record_a_refusal_does_not_turn_404_into_500(outsider_client, site, caplog):
    with _refuse_inserts("core_securityevent"):
        response = outsider_client.get(f"/sites/{site.slug}/")
    assert response.status_code == 404
    assert "Could not record a refused request" in caplog.text
    # The failed insert left the connection usable: nothing half-written, later writes work.
    assert SecurityEvent.objects.count() == 0
    assert outsider_client.get(f"/sites/{site.slug}/").status_code == 404
    assert SecurityEvent.objects.count() == 1


@pytest.mark.django_db
def test_a_failure_to_count_a_page_not_found_does_not_turn_404_into_500(client, caplog):
    with _refuse_inserts("core_notfoundday"):
        assert client.get("/no/such/page/").status_code == 404
    assert "Could not count a page not found" in caplog.text
    assert client.get("/no/such/page/").status_code == 404
    assert _not_found_today() == 1


@pytest.mark.django_db
def test_odd_request_values_are_stored_safely(client):
    long_path = f"/api/v1/sites/{'x' * 700}"
    assert client.get(long_path, REMOTE_ADDR="not an address").status_code == 401
    event = SecurityEvent.objects.get()
    assert event.path == long_path[:500] and event.address is None


# --- The security page ------------------------------------------------------------------------


def _cross_site_probe(client, site, times: int):
    for n in range(times):
        assert client.get(f"/sites/{site.slug}/goals/?try={n}").status_code == 404


@pytest.mark.django_db
def test_ten_quick_refusals_show_as_repeated_at_the_top(
    outsider_client, programme_admin_client, site
):
    _cross_site_probe(outsider_client, site, 10)
    page = programme_admin_client.get(SECURITY).content.decode()
    sentence = (
        "Someone signed in as lead-b asked for another site's pages 10 times in under a minute."
    )
    assert escape(sentence) in page
    assert page.index(escape(sentence)) < page.index("Latest refusals")
    assert "improvement:goals" in page
    assert '<th scope="col">' in page and '<th scope="row">lead-b' in page


@pytest.mark.django_db
def test_nine_refusals_are_listed_but_not_flagged(outsider_client, programme_admin_client, site):
    _cross_site_probe(outsider_client, site, 9)
    page = programme_admin_client.get(SECURITY).content.decode()
    assert "Nobody was refused that often." in page
    assert page.count(f"/sites/{site.slug}/goals/</code>") == 9


def _events(moments, **fields):
    defaults = {
        "kind": Kind.CROSS_SITE,
        "method": "GET",
        "route": "improvement:goals",
        "path": "/sites/ashdown/goals/",
        "status": 404,
        "address": "203.0.113.9",
    }
    SecurityEvent.objects.bulk_create(
        SecurityEvent(occurred_at=when, **{**defaults, **fields}) for when in moments
    )


@pytest.mark.django_db
def test_a_burst_needs_the_refusals_close_together(programme_admin_client, outsider):
    from imroc.core import security

    now = timezone.now()
    # Ten refusals spread over 45 minutes: no burst. Then fourteen in six minutes: one.
    _events(
        [now - dt.timedelta(hours=3, minutes=5 * n) for n in range(10)],
        user=outsider,
        username="lead-b",
    )
    _events(
        [now - dt.timedelta(seconds=27 * n) for n in range(14)],
        user=outsider,
        username="lead-b",
    )
    # Twelve from an address not signed in, two kinds, in two minutes; and old ones, ignored.
    _events(
        [now - dt.timedelta(hours=1, seconds=10 * n) for n in range(8)],
        kind=Kind.API_REFUSED,
        status=401,
        address="198.51.100.20",
    )
    _events(
        [now - dt.timedelta(hours=1, seconds=10 * n + 5) for n in range(4)],
        kind=Kind.RATE_LIMITED,
        status=429,
        address="198.51.100.20",
    )
    _events([now - dt.timedelta(days=8, seconds=n) for n in range(20)], address="192.0.2.1")
    report = security.repeated_refusals()
    assert [(b.who, b.count) for b in report.bursts] == [("lead-b", 14), ("198.51.100.20", 12)]
    assert report.bursts[0].summary == (
        "Someone signed in as lead-b asked for another site's pages 14 times in 6 minutes."
    )
    assert report.bursts[1].summary == (
        "Someone not signed in, at the address 198.51.100.20 was refused 12 times in 2 minutes:"
        " API call refused 8, Too many tries 4."
    )
    page = programme_admin_client.get(SECURITY).content.decode()
    assert "192.0.2.1" not in page.split("Latest refusals")[0]


@pytest.mark.django_db
def test_the_page_filters_by_kind_and_pages_fifty_at_a_time(programme_admin_client):
    now = timezone.now()
    _events([now - dt.timedelta(days=1, minutes=n) for n in range(60)], path="/sites/x/cross/")
    _events(
        [now - dt.timedelta(days=2, minutes=n) for n in range(3)],
        kind=Kind.FORBIDDEN,
        path="/sites/x/above/",
        status=403,
    )
    page = programme_admin_client.get(SECURITY).content.decode()
    assert page.count("/sites/x/cross/</code>") == 50 and "Next page" in page
    second = programme_admin_client.get(SECURITY, {"page": 2}).content.decode()
    assert second.count("/sites/x/cross/</code>") == 10
    assert second.count("/sites/x/above/</code>") == 3
    only = programme_admin_client.get(SECURITY, {"kind": "forbidden"}).content.decode()
    assert only.count("/sites/x/above/</code>") == 3 and "/sites/x/cross/" not in only
    bad = programme_admin_client.get(SECURITY, {"kind": "nonsense"})
    assert bad.status_code == 200
    assert "Choose one of the kinds in the list. Showing every kind." in bad.content.decode()


@pytest.mark.django_db
def test_the_refusals_download_as_csv_and_excel(programme_admin_client, outsider_client, site):
    from imroc.core import tables

    _cross_site_probe(outsider_client, site, 2)
    response = programme_admin_client.get(SECURITY, {"format": "csv", "kind": "cross_site"})
    assert response.status_code == 200
    rows = tables.read_csv(b"".join(response.streaming_content))
    assert rows[0][:3] == ["When", "Kind", "Username"]
    assert [r[2] for r in rows[1:]] == ["lead-b", "lead-b"]
    xlsx = programme_admin_client.get(SECURITY, {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")


@pytest.mark.django_db
def test_the_page_shows_the_daily_count_of_pages_not_found(programme_admin_client, client):
    for _ in range(3):
        client.get("/no/such/page/")
    NotFoundDay.objects.create(day=timezone.localdate() - dt.timedelta(days=20), count=999)
    page = programme_admin_client.get(SECURITY).content.decode()
    assert "Pages not found (normal noise)" in page
    assert "(3 in all)" in page and "999" not in page


@pytest.mark.django_db
def test_the_menu_shows_security_to_programme_admins_only(
    programme_admin_client, programme_viewer_client
):
    assert f'href="{SECURITY}"' in programme_admin_client.get("/programme/").content.decode()
    assert f'href="{SECURITY}"' not in programme_viewer_client.get("/programme/").content.decode()


@pytest.mark.django_db
def test_only_programme_admins_may_open_the_security_page(
    lead_client, programme_viewer_client, outsider_client, client, programme_viewer, site_lead
):
    for someone in (lead_client, programme_viewer_client, outsider_client):
        assert someone.get(SECURITY).status_code == 403
        assert someone.get(SECURITY, {"format": "csv"}).status_code == 403
    assert client.get(SECURITY).status_code == 302
    # Trying is itself written down.
    refused = SecurityEvent.objects.filter(route="programme:security", kind=Kind.FORBIDDEN)
    assert refused.count() == 6
    assert {programme_viewer, site_lead} <= {e.user for e in refused}


@pytest.mark.django_db
def test_the_page_reads_a_fixed_number_of_queries(
    programme_admin_client, django_assert_max_num_queries
):
    now = timezone.now()
    for n in range(40):  # forty people, each refused fifteen times in a few minutes
        person = UserFactory(username=f"prober-{n}")
        _events(
            [now - dt.timedelta(hours=n, seconds=20 * k) for k in range(15)],
            user=person,
            username=person.username,
            address=f"203.0.113.{n}",
        )
    _events([now - dt.timedelta(minutes=30 * n) for n in range(300)], address="192.0.2.50")
    with django_assert_max_num_queries(12):
        response = programme_admin_client.get(SECURITY)
    assert response.content.decode().count("notice notice-error") == 40


@pytest.mark.django_db
def test_retention_deletes_old_refusals_only():
    now = timezone.now()
    _events([now - dt.timedelta(days=181)], path="/old/")
    _events([now - dt.timedelta(days=179)], path="/recent/")
    NotFoundDay.objects.create(day=timezone.localdate() - dt.timedelta(days=200), count=5)
    NotFoundDay.objects.create(day=timezone.localdate(), count=1)
    call_command("security_retention")
    assert list(SecurityEvent.objects.values_list("path", flat=True)) == ["/recent/"]
    assert NotFoundDay.objects.count() == 1
