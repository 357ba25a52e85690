from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imroc.api.models import ApiToken
from imroc.core.forms import TEXT_ERRORS, DateInput


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("What is the token for?"),
        max_length=100,
        help_text=_("For example “monthly data upload from the performance team”."),
        error_messages={"required": _("Say what the token is for."), **TEXT_ERRORS},
    )
    scope = forms.ChoiceField(
        label=_("What may it do?"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose read only, or read and write.")},
    )
    expires_on = forms.DateField(
        label=_("Stop working after"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for a token that works until you revoke it."),
        error_messages={"invalid": _("Enter a real date, like 2027-03-31.")},
    )

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError(_("The date must be today or later."))
        if day > today + dt.timedelta(days=3 * 366):
            raise forms.ValidationError(_("Choose a date within three years."))
        return day

    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
        return timezone.make_aware(end)
