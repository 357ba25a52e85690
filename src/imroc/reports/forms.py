"""The period a report covers, from ``?from=YYYY-MM-DD&to=YYYY-MM-DD``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext as _

from imroc.core.forms import DATE_ERRORS, DateInput, check_date
from imroc.reports.board import Period

LONGEST_YEARS = 30


class PeriodForm(forms.Form):
    """Both dates are optional: a missing one takes its value from the last 12 months."""

    def __init__(self, data=None, today: dt.date | None = None, **kwargs):
        # "from" is a Python keyword, so the fields are added here rather than declared.
        super().__init__(data, **kwargs)
        self.default = Period.last_twelve_months(today)
        self.fields["from"] = forms.DateField(
            label=_("From"),
            required=False,
            widget=DateInput(),
            error_messages=DATE_ERRORS,
            help_text=_("The first day the report covers, like 2024-04-01."),
        )
        self.fields["to"] = forms.DateField(
            label=_("To"),
            required=False,
            widget=DateInput(),
            error_messages=DATE_ERRORS,
            help_text=_("The last day the report covers."),
        )
        if not self.is_bound:
            self.initial = {"from": self.default.start, "to": self.default.end}

    def clean_from(self):
        return check_date(self.cleaned_data.get("from"), _("The start date"), future_days=0)

    def clean_to(self):
        return check_date(self.cleaned_data.get("to"), _("The end date"), future_days=366)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = data.get("from"), data.get("to")
        if start is None and end is None:
            start, end = self.default.start, self.default.end
        elif start is None:
            start = Period.last_twelve_months(end).start  # the 12 months up to the end date
        elif end is None:
            end = self.default.end
        if start > end:
            self.add_error("to", _("The end date must be the same as or after the start date."))
        elif (end - start).days > 366 * LONGEST_YEARS:
            self.add_error(
                "to",
                _("Choose a period of %(years)d years or less.") % {"years": LONGEST_YEARS},
            )
        else:
            data["period"] = Period(start, end)
        return data

    def chosen_period(self) -> Period | None:
        """The period asked for, the default when none was, or None when the dates are wrong."""
        if not self.is_bound:
            return self.default
        return self.cleaned_data["period"] if self.is_valid() else None


def period_form(query) -> PeriodForm:
    """Bound to the query string when it names a date, so an empty query uses the default."""
    names = ("from", "to")
    return PeriodForm(
        {k: query.get(k, "") for k in names} if any(k in query for k in names) else None
    )
