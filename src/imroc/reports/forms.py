"""The period a report covers, from ``?from=YYYY-MM-DD&to=YYYY-MM-DD``."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from imroc.core.forms import DATE_ERRORS, DateInput, check_date
from imroc.reports.board import Period, default_period, latest_activity

LONGEST_YEARS = 30


class PeriodForm(forms.Form):
    """Both dates are optional.

    With neither, the period is the 12 months up to the site's latest records (the last 12
    months when no site is given, or it has no records). With only one, the missing one comes
    from the last 12 months, as before.
    """

    def __init__(self, data=None, today: dt.date | None = None, site=None, **kwargs):
        # "from" is a Python keyword, so the fields are added here rather than declared.
        super().__init__(data, **kwargs)
        self.today = today or timezone.localdate()
        self.site = site
        self.last_twelve_months = Period.last_twelve_months(self.today)
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

    @cached_property
    def latest_on(self) -> dt.date | None:
        """The day of the site's latest record, read only when the default is needed."""
        return latest_activity(self.site, self.today) if self.site is not None else None

    @cached_property
    def default(self) -> Period:
        return default_period(self.latest_on, self.today)

    @property
    def follows_latest_records(self) -> bool:
        """True when the default was used and it ends before today, at the site's latest records."""
        if self.is_bound and any(self.data.get(name) for name in ("from", "to")):
            return False
        return self.latest_on is not None and self.default.end < self.today

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
            end = self.last_twelve_months.end
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


def period_form(query, site=None) -> PeriodForm:
    """Bound to the query string when it names a date, so an empty query uses the default."""
    names = ("from", "to")
    return PeriodForm(
        {k: query.get(k, "") for k in names} if any(k in query for k in names) else None,
        site=site,
    )
