"""Password rules that follow NIST SP 800-63B.

- At least 12 characters, and up to 128 so that long passphrases fit.
- No composition rules (no "must contain a digit").
- Refuse passwords that are common or known from breaches: Django's list of 20,000 common
  passwords plus our own list shipped in ``accounts/data/refused-passwords.txt``.
- Refuse passwords built from words that belong to this service or this person: "imroc",
  "recovery", site and organisation names, the username, repeated or with digits added.

Every message is in plain English and says what to do instead.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

DATA = Path(__file__).resolve().parent / "data"

# Words anyone guessing a password for this service would try first.
SERVICE_WORDS = (
    "imroc",
    "recovery",
    "recover",
    "implementing",
    "password",
    "passphrase",
    "letmein",
    "welcome",
    "mentalhealth",
    "wellbeing",
    "college",
    "qwerty",
    "admin",
    "nhs",
    "trust",
)


def _letters(value: str) -> str:
    """Lower case, letters only, with common digit-for-letter swaps undone."""
    swaps = str.maketrans(
        {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
    )
    return re.sub(r"[^a-z]", "", value.lower().translate(swaps))


class LengthValidator:
    def __init__(self, min_length: int = 12, max_length: int = 128):
        self.min_length = min_length
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                gettext(
                    "Your password is too short. Use at least %(min_length)d characters: "
                    "three or four unrelated words make a strong password you can remember."
                )
                % {"min_length": self.min_length},
                code="password_too_short",
            )
        if len(password) > self.max_length:
            raise ValidationError(
                gettext("Your password is too long. Use %(max_length)d characters or fewer.")
                % {"max_length": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self):
        return gettext(
            "Use at least %(min_length)d characters. You can use spaces, and any "
            "mixture of letters, numbers and symbols."
        ) % {"min_length": self.min_length}


@lru_cache(maxsize=1)
def _refused() -> frozenset[str]:
    words: set[str] = set()
    django_list = Path(password_validation.__file__).resolve().parent / "common-passwords.txt.gz"
    with gzip.open(django_list, "rt", encoding="utf-8") as handle:
        words.update(line.strip().lower() for line in handle if line.strip())
    ours = DATA / "refused-passwords.txt"
    for line in ours.read_text(encoding="utf-8").splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#"):
            words.add(line)
    return frozenset(words)


class CommonPasswordValidator:
    """Refuse passwords on a list of common and breached passwords shipped with imroc."""

    def validate(self, password, user=None):
        lowered = password.lower().strip()
        without_digits = re.sub(r"[\d!?.]+$", "", lowered)
        if lowered in _refused() or (without_digits and without_digits in _refused()):
            raise ValidationError(
                gettext(
                    "That password is too common: people guessing passwords try it early. "
                    "Choose something less predictable, such as three or four unrelated words."
                ),
                code="password_too_common",
            )

    def get_help_text(self):
        return gettext("Do not use a common password.")


def _site_names() -> list[str]:
    try:
        from django.apps import apps

        Site = apps.get_model("programme", "Site")
        return list(Site.objects.values_list("organisation__name", flat=True)[:500])
    except LookupError:  # pragma: no cover - the programme app is always installed
        return []


class ContextValidator:
    """Refuse passwords made only from words about this service, its sites or the person.

    "recoveryrecovery", "imroc2024!", "Ashdown Vale 123" and the like are the first things a
    person guessing would try, however long they are.
    """

    def validate(self, password, user=None):
        # Digits and symbols at either end ("2024!") add little: look at what is inside.
        core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password)
        letters = _letters(core)
        plain = re.sub(r"[^a-z]", "", password.lower())
        if not letters:
            if len(set(password)) <= 2:
                raise self._error()
            return
        words = set(SERVICE_WORDS)
        if user is not None:
            for attribute in ("username", "first_name", "last_name", "display_name", "email"):
                value = str(getattr(user, attribute, "") or "")
                if attribute == "email":
                    value = value.split("@")[0]
                words.update(w for w in re.split(r"[^a-z]+", value.lower()) if len(w) >= 3)
                if len(_letters(value)) >= 3:
                    words.add(_letters(value))
        for name in _site_names():
            for part in re.split(r"[^a-z]+", name.lower()):
                if len(part) >= 4:
                    words.add(part)
            words.add(_letters(name))
        words = {w for w in words if w}
        if self._only_made_of(letters, words) or self._only_made_of(plain, words):
            raise self._error()
        if len(set(letters)) <= 2:  # "aaaaaaaaaaaa", "abababababab"
            raise self._error()

    @staticmethod
    def _only_made_of(letters: str, words: set[str]) -> bool:
        """True if ``letters`` is nothing but the given words, run together, in any order."""
        reachable = [False] * (len(letters) + 1)
        reachable[0] = True
        for start in range(len(letters)):
            if not reachable[start]:
                continue
            for word in words:
                if letters.startswith(word, start):
                    reachable[start + len(word)] = True
        return reachable[len(letters)]

    @staticmethod
    def _error():
        return ValidationError(
            gettext(
                "That password is too easy to guess: it is made from your name, the name of "
                "this service or a site, or repeated characters. Choose words that have nothing "
                "to do with you or your work."
            ),
            code="password_in_context",
        )

    def get_help_text(self):
        return gettext("Do not build your password from your name, your organisation or 'imroc'.")


class UserAttributeValidator(password_validation.UserAttributeSimilarityValidator):
    """Django's similarity check, with a plain-English message."""

    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                gettext(
                    "That password is too like your username, name or email address. "
                    "Choose something that has nothing to do with your account."
                ),
                code="password_too_similar",
            ) from None
