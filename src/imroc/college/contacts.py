"""Contact details: check them and put them in a fixed form, so one person is found again."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

CONTACT_ERROR = _(
    "Enter an email address, like name@example.com, or a phone number, like 07700 900123."
)
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-.]+$")


def normalise(value: str) -> str:
    """The contact's key: a lower-case email address, or a phone number's digits.

    A leading 00 becomes +. Local and international forms of one number (07700…, +447700…)
    stay different: turning one into the other needs the country, which we do not guess.
    """
    value = value.strip()
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(CONTACT_ERROR, code="invalid") from None
        return value.lower()
    if not _PHONE_CHARS.match(value):
        raise ValidationError(CONTACT_ERROR, code="invalid")
    digits = re.sub(r"\D", "", value)
    if not 7 <= len(digits) <= 15:
        raise ValidationError(
            _("A phone number has between 7 and 15 digits. Check the number and try again."),
            code="invalid",
        )
    if value.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    return digits
