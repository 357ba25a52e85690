from __future__ import annotations

import pytest
from django.urls import reverse

from tests.programme.factories import SiteMembershipFactory, UserFactory

LOGIN = "/accounts/login/"


def _sign_in(client, username, password="a-long-test-password"):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(site_lead):
    assert site_lead.password.startswith("argon2")


@pytest.mark.django_db
def test_site_person_lands_on_their_site(client, site_lead, site):
    response = _sign_in(client, "lead-a")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"/sites/{site.slug}/"
    assert site.name in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_programme_person_lands_on_programme_home(client, programme_admin):
    _sign_in(client, "prog-admin")
    assert client.get("/")["Location"] == "/programme/"


@pytest.mark.django_db
def test_person_with_two_sites_chooses(client, site_lead, other_site):
    SiteMembershipFactory(user=site_lead, site=other_site, role="viewer")
    _sign_in(client, "lead-a")
    assert client.get("/")["Location"] == "/sites/"
    page = client.get("/sites/").content.decode()
    assert "Ashdown Vale" in page and "Brackenmoor" in page


@pytest.mark.django_db
def test_person_with_no_role_is_told_what_to_do(client):
    UserFactory(username="nobody")
    _sign_in(client, "nobody")
    page = client.get(client.get("/")["Location"]).content.decode()
    assert "You do not have a role at any site yet" in page


@pytest.mark.django_db
def test_anonymous_home_goes_to_sign_in(client):
    assert client.get("/")["Location"] == "/accounts/login/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({"username": "", "password": ""}, ["Enter your username.", "Enter your password."]),
        (
            {"username": "lead-a", "password": "wrong-password"},
            ["The username or password is not right"],
        ),
        ({"username": "x" * 151, "password": "p"}, ["150 characters"]),
        ({"username": ["a", "b"], "password": 5}, ["The username or password is not right"]),
    ],
)
def test_bad_sign_in_gets_a_clear_message(client, site_lead, data, messages):
    response = client.post(LOGIN, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    for message in messages:
        assert message in page
    assert "_auth_user_id" not in client.session
    # What the person typed is kept (but never the password).
    if data["username"] == "lead-a":
        assert 'value="lead-a"' in page
        assert "wrong-password" not in page


@pytest.mark.django_db
def test_sign_in_without_csrf_token_is_refused(csrf_client, site_lead):
    response = csrf_client.post(LOGIN, {"username": "lead-a", "password": "a-long-test-password"})
    assert response.status_code == 403
    assert b"Your form has expired" in response.content
    assert "_auth_user_id" not in csrf_client.session


@pytest.mark.django_db
def test_sign_out_asks_then_signs_out(lead_client):
    response = lead_client.get(reverse("accounts:logout"))
    assert response.status_code == 200
    assert b"Do you want to sign out" in response.content
    response = lead_client.post(reverse("accounts:logout"))
    assert response["Location"] == "/accounts/login/"
    assert lead_client.get("/sites/ashdown/").status_code == 302
