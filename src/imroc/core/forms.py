"""Form helpers shared by every app: dates people can type, and plain messages."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

EARLIEST = dt.date(2000, 1, 1)
DATE_ERRORS = {
    "required": _("Enter the date."),
    "invalid": _("Enter a real date, like 2024-03-31."),
}
TEXT_ERRORS = {"max_length": _("Keep this to %(limit_value)d characters or fewer.")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def check_date(value: dt.date | None, what: str, future_days: int = 366) -> dt.date | None:
    """Refuse dates that are surely typing mistakes: before 2000, or far in the future.

    ``what`` names the date at the start of the message ("The target date"); pass it translated
    (``_("The target date")``) so the whole message is in the person's language.
    """
    if value is None:
        return value
    if value < EARLIEST:
        raise forms.ValidationError(
            gettext("%(what)s must be in the year 2000 or later.") % {"what": what}
        )
    if value > timezone.localdate() + dt.timedelta(days=future_days):
        if future_days == 0:
            raise forms.ValidationError(
                gettext("%(what)s cannot be in the future.") % {"what": what}
            )
        raise forms.ValidationError(
            gettext("%(what)s is too far in the future. Check the year.") % {"what": what}
        )
    return value


def text_field(
    label: str,
    *,
    required: bool = False,
    max_length: int = 4000,
    rows: int = 3,
    help_text: str = "",
    required_message: str = "",
) -> forms.CharField:
    """A multi-line text field with plain-English messages."""
    errors = dict(TEXT_ERRORS)
    if required_message:
        errors["required"] = required_message
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=errors,
    )


BIGGEST_ID = 2**63 - 1


def _beyond_any_id(value) -> bool:
    """A number no database key can hold: SQLite overflows on it and PostgreSQL refuses it."""
    text = str(value).strip()
    return text.lstrip("-").isdigit() and abs(int(text)) > BIGGEST_ID


class ModelChoiceField(forms.ModelChoiceField):
    """A choice of one object; a number too large for any key is just an invalid choice."""

    def to_python(self, value):
        if value not in self.empty_values and _beyond_any_id(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several objects; numbers too large for any key are invalid choices."""

    def _check_values(self, value):
        for item in value if isinstance(value, list | tuple) else [value]:
            if _beyond_any_id(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)
