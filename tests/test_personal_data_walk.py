"""Walk every route and prove the personal-data rule (imroc/accounts/personal_data.py).

Every view marked ``personal_data`` must:

- send ``Cache-Control: no-store, private`` on what it answers;
- for a download (a ``download=True`` view, or a marked page asked for ``?format=``): send a
  person whose password check is stale to /accounts/reauth/ (and back), and log a download
  that is handed out in the audit log exactly once;
- still answer 404 to the lead of another site, before asking for any password.

MUST_BE_MARKED lists the views that hold personal data, so removing a marker fails here. Pages
a learner or respondent opens with a private link have no password to ask for: they must not
be marked, and must still send ``no-store``.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from imroc.accounts.personal_data import DOWNLOAD, PAGE
from imroc.accounts.reauth import make_stale, stamp_reauth
from imroc.core.models import AuditEvent
from tests.test_access_walk import (
    RESPOND_ROUTES,
    ROUTES,
    TOKEN_ROUTES,
    _expect,
    _url,
    _walk_check,
)
from tests.test_access_walk import samples as samples  # the fixture, for pytest

# Every view that holds personal data, and how: decided view by view over the URLconf.
MUST_BE_MARKED = {
    # Questionnaires: respondents' codes, answers, the learners to pick from on paper.
    "surveys:responses_fhir": DOWNLOAD,
    "surveys:instrument": PAGE,
    "surveys:results": PAGE,
    "surveys:paper": PAGE,
    "surveys:link": PAGE,
    # The college: learners, their contacts, places, attendance, plans; trainers' lived experience.
    "college:learners": PAGE,
    "college:learner": PAGE,
    "college:learner_export_json": DOWNLOAD,
    "college:learner_export_csv": DOWNLOAD,
    "college:plan_edit": PAGE,
    "college:learner_erase": PAGE,
    "college:run": PAGE,
    "college:register": PAGE,
    "college:enrolment_cancel": PAGE,
    "college:run_feedback": PAGE,
    "college:trainers": PAGE,
    "college:trainer_create": PAGE,  # the same view as trainer_edit
    "college:trainer_edit": PAGE,
    "college:course": PAGE,
    # Who did what: the audit history.
    "sites:history": PAGE,
    "sites:object_history": PAGE,
    # People and their roles.
    "sites:people": PAGE,
    "sites:people_invite": PAGE,
    "sites:people_upload": PAGE,
    "sites:people_leave": PAGE,
    "sites:person_change": PAGE,
    "sites:person_end": PAGE,
    "sites:invitation_resend": PAGE,
    "sites:invitation_withdraw": PAGE,
    "programme:people": PAGE,
    "programme:people_invite": PAGE,
    "programme:site_lead_invite": PAGE,
    "programme:person_change": PAGE,
    "programme:person_end": PAGE,
    "programme:invitation_resend": PAGE,
    "programme:invitation_withdraw": PAGE,
    # The network: an applicant's contact details, who came to a learning set.
    "programme:application": PAGE,
    "programme:learning_set": PAGE,
    "sites:learning_set": PAGE,
    # The library holds any document a site shares, so a file may be about people.
    "programme:resource_file": DOWNLOAD,
    "sites:resource_file": DOWNLOAD,
    # The board report, and the site's exports.
    "reports:board": PAGE,
    "reports:board_pdf": DOWNLOAD,
    "exports:site_zip": DOWNLOAD,
    "exports:fhir_bundle": DOWNLOAD,
    # Named staff with their lived experience: trainers, policy and fidelity reviewers.
    "workforce:event": PAGE,
    "workforce:policy": PAGE,
    "workforce:ips": PAGE,
    # Refused requests: usernames and client addresses.
    "programme:security": PAGE,
    # Goals name their lived-experience co-lead.
    "improvement:goals": PAGE,
    "improvement:goal": PAGE,
}

# Lists on marked pages that download with ?format= (tables.export): each must be a file.
FORMAT_DOWNLOADS = [
    ("college:learners", {"format": "csv"}),
    ("college:run", {"format": "csv"}),
    ("college:run", {"format": "xlsx", "table": "register"}),
    ("college:trainers", {"format": "csv"}),
    ("surveys:instrument", {"format": "csv"}),
    ("surveys:results", {"format": "xlsx"}),
    ("sites:people", {"format": "csv"}),
    ("programme:people", {"format": "xlsx"}),
    ("programme:learning_set", {"format": "csv"}),
    ("improvement:goals", {"format": "csv"}),
]

DOWNLOAD_EVENTS = ("exported.", "exports.")


def _kind(route):
    return getattr(route.callback, "imroc_personal_data", None)


MARKED = [r for r in ROUTES if _kind(r)]
MARKED_PAGES = [r for r in MARKED if _kind(r) == PAGE]
MARKED_DOWNLOADS = [r for r in MARKED if _kind(r) == DOWNLOAD]
BY_NAME = {r.name: r for r in ROUTES}
PRIVATE_LINK_ROUTES = TOKEN_ROUTES + RESPOND_ROUTES


def _no_store(response):
    control = response.get("Cache-Control", "")
    assert "no-store" in control and "private" in control, f"Cache-Control is {control!r}"


def _read(response) -> bytes:
    """The whole body. A streamed one is read to the end, which closes its file."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _events(response):
    return AuditEvent.objects.filter(request_id=response["X-Request-ID"])


def _fresh(client) -> None:
    session = client.session
    stamp_reauth(session)
    session.save()


@pytest.fixture
def clients(lead_client, programme_admin_client):
    """Who opens each route: the site's lead, or the programme's admin."""
    return {"site": lead_client, "programme": programme_admin_client}


def _client(route, clients):
    return clients[route.access[0]]


def _with_query(url: str, query: dict) -> str:
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_walk_found_the_marked_routes():
    # Guards the walk: if nothing is marked, the checks below prove nothing.
    assert len(MARKED_PAGES) >= 20 and len(MARKED_DOWNLOADS) >= 6


def test_every_view_holding_personal_data_is_marked():
    problems = []
    for name, kind in MUST_BE_MARKED.items():
        route = BY_NAME.get(name)
        if route is None:
            problems.append(f"{name}: no such route (renamed? update MUST_BE_MARKED)")
        elif _kind(route) != kind:
            problems.append(f"{name}: marked {_kind(route)!r}, must be {kind!r}")
    unlisted = [r.name for r in MARKED if r.name not in MUST_BE_MARKED]
    problems += [f"{name}: marked but not listed in MUST_BE_MARKED" for name in unlisted]
    assert not problems, "\n".join(problems)


def test_marked_views_keep_their_access_marker_and_are_never_public():
    def check(route):
        assert route.access is not None, "lost its access marker"
        assert route.access[0] in ("site", "programme"), (
            f"{route.access[0]} view: people without a password cannot be asked for one"
        )

    _walk_check(MARKED, check)


@pytest.mark.django_db
def test_marked_pages_are_never_cached_and_opening_them_logs_no_download(clients, samples):
    def check(route):
        response = _expect(_client(route, clients).get(_url(route, samples)), 200, 405)
        _read(response)
        _no_store(response)
        logged = _events(response).values_list("action", flat=True)
        assert not [a for a in logged if a.startswith(DOWNLOAD_EVENTS)], list(logged)

    _walk_check(MARKED_PAGES, check)


def _check_step_up(client, url, *, handed_out: bool | None = True):
    """A stale session is sent to type its password; a fresh one gets the file, logged once.

    ``handed_out=None``: the route may or may not offer a file at that address."""
    make_stale(client)
    response = _expect(client.get(url), 302)
    location = urlsplit(response["Location"])
    assert location.path == reverse("accounts:reauth"), response["Location"]
    assert parse_qs(location.query)["next"] == [url], "does not come back to the download"
    _no_store(response)
    assert not _events(response).exists(), "logged a download that was not handed out"

    _fresh(client)
    response = client.get(url)
    _read(response)
    _no_store(response)
    attachment = response.get("Content-Disposition", "").startswith("attachment")
    if handed_out or attachment:
        assert response.status_code == 200 and attachment, f"got {response.status_code}"
        logged = list(_events(response).values_list("action", "actor_id"))
        assert len(logged) == 1, f"logged {logged}, expected one event for one download"
        assert str(logged[0][1]) == client.session["_auth_user_id"], "does not name who took it"


@pytest.mark.django_db
def test_downloads_need_a_recent_password_and_are_logged_once(clients, samples):
    _walk_check(
        MARKED_DOWNLOADS,
        lambda route: _check_step_up(_client(route, clients), _url(route, samples)),
    )


@pytest.mark.django_db
def test_list_downloads_of_marked_pages_need_a_recent_password(clients, samples):
    listed = {(name, tuple(q.items())) for name, q in FORMAT_DOWNLOADS}

    def check(route):
        queries = [q for name, q in FORMAT_DOWNLOADS if name == route.name] or [{"format": "csv"}]
        for query in queries:
            url = _with_query(_url(route, samples), query)
            expected = True if (route.name, tuple(query.items())) in listed else None
            _check_step_up(_client(route, clients), url, handed_out=expected)

    assert {name for name, _ in FORMAT_DOWNLOADS} <= {r.name for r in MARKED_PAGES}
    _walk_check(MARKED_PAGES, check)


@pytest.mark.django_db
def test_lead_of_another_site_gets_404_before_any_password(outsider_client, samples):
    def check(route):
        url = _url(route, samples)
        for client_state in ("fresh", "stale"):
            if client_state == "stale":
                make_stale(outsider_client)
            if route.access[0] == "site":
                _expect(outsider_client.get(url), 404)
                _expect(outsider_client.get(_with_query(url, {"format": "csv"})), 404)
            else:  # the programme team's pages: a site lead has no role there
                _expect(outsider_client.get(url), 403)
                _expect(outsider_client.get(_with_query(url, {"format": "csv"})), 403)
        _fresh(outsider_client)

    _walk_check(MARKED, check)
    assert not AuditEvent.objects.filter(actor_label="lead-b").exists()


def test_walk_found_the_private_link_routes():
    assert len(PRIVATE_LINK_ROUTES) >= 5


@pytest.mark.django_db
def test_private_link_pages_ask_for_no_password_and_are_never_cached(client, samples):
    def check(route):
        assert _kind(route) is None, "a learner or respondent has no password to type"
        url = _url(route, samples)
        for address in (url, _with_query(url, {"format": "csv"})):
            response = _expect(client.get(address), 200, 405)
            _read(response)
            _no_store(response)

    _walk_check(PRIVATE_LINK_ROUTES, check)
