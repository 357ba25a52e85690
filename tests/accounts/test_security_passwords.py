"""Password rules (NIST SP 800-63B): length, a shipped deny list, no composition rules."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.programme.factories import UserFactory


def _problems(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    [
        "quiet lantern mushroom",  # a passphrase with spaces
        "purplewhaleeatstoast",  # letters only: no composition rules
        "x" * 3 + "ploding-kettles-4ever",
        "Ünïcode lëtters are fine too",
        "a" + "b7c9d2e4f6g8h" * 9,  # long: up to 128 characters
    ],
)
def test_good_passwords_are_accepted(password, site):
    assert _problems(password[:128], UserFactory.build(username="kim")) == []


@pytest.mark.django_db
def test_a_128_character_passphrase_is_allowed_and_129_is_not(site):
    words = "marble cactus violin tractor "
    assert _problems((words * 5)[:128]) == []
    (message,) = _problems((words * 5)[:129])
    assert "too long" in message and "128" in message


@pytest.mark.django_db
def test_short_passwords_are_refused_plainly(site):
    messages = _problems("blue kettle")  # 11 characters
    assert any("too short" in m and "12 characters" in m for m in messages), messages


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "qwertyuiop123",
        "Summer2024!",  # from imroc's own list, with digits and ! added
        "liverpool1234",
        "1q2w3e4r5t6y",
    ],
)
def test_common_and_breached_passwords_are_refused(password, site):
    messages = _problems(password)
    assert any("too common" in m for m in messages), messages


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    [
        "recoveryrecovery",
        "imroc imroc imroc",
        "Imr0cRecovery2024",
        "Recovery College!",
        "Ashdown Vale 2024",  # the site's own name
        "kimberley-kimberley",  # the username, repeated
        "zzzzzzzzzzzzzzzz",
    ],
)
def test_context_specific_passwords_are_refused(password, site):
    user = UserFactory.build(username="kimberley", display_name="Kim Jones")
    messages = _problems(password, user)
    assert messages, password
    assert all("password" in m.lower() for m in messages)


def test_the_refused_list_ships_as_data():
    from imroc.accounts import validators

    words = validators._refused()
    assert len(words) > 19000
    assert "summer2024" in words and "imroc" in words


@pytest.mark.django_db
def test_invitation_page_shows_the_plain_message(client, site):
    from imroc.accounts import services
    from imroc.core.audit import SystemActor

    user = UserFactory(username="newcomer")
    token = services.invite(user, actor=SystemActor("tests"))
    response = client.post(
        f"/accounts/invitation/{token}/", {"password": "recovery2024", "confirm": "recovery2024"}
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode() or "too common" in response.content.decode()
