"""Forms for measures, data entry, imports, rebases, annotations and PDSA links."""

from __future__ import annotations

from django import forms
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imroc.core.forms import (
    DATE_ERRORS,
    DateInput,
    ModelChoiceField,
    ModelMultipleChoiceField,
    check_date,
    text_field,
)
from imroc.measures import parsing
from imroc.measures.models import ChartType, DataType, Direction, Frequency, Kind, Weekday

CHOICE = {
    "invalid_choice": _("Choose from the list."),
    "invalid_pk_value": _("Choose from the list."),
}
NUMBER = {
    "invalid": _("Enter a number, like 30 or 12.5."),
    "max_digits": _("That number is too long."),
    "max_decimal_places": _("Use no more than 4 decimal places."),
}


class DefinitionForm(forms.Form):
    """What a measure is: shared by site measures and programme measures."""

    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("Short and plain, like “Peer support workers employed”."),
        error_messages={"required": _("Enter the measure's name."), "max_length": _("Keep the name to 200 characters or fewer.")},
    )  # fmt: skip
    definition = text_field(
        _("What it measures"), required=True, max_length=4000,
        help_text=_("In plain English: what is counted, who is included, and where the numbers come from."),
        required_message=_("Say in plain English what the measure counts."),
    )  # fmt: skip
    kind = forms.ChoiceField(
        label=_("Type of measure"), choices=Kind.choices, error_messages=CHOICE
    )
    data_type = forms.ChoiceField(
        label=_("Kind of data"), choices=DataType.choices, error_messages=CHOICE,
        help_text=_("Shares and rates are entered as two numbers: how many, out of how many."),
    )  # fmt: skip
    chart_type = forms.ChoiceField(
        label=_("Chart"), required=False, error_messages=CHOICE,
        choices=[("", _("The usual chart for this kind of data (recommended)")), *ChartType.choices],
        help_text=_("XmR suits any data; p for shares, u for rates, c for counts, g or t for time or cases between rare events."),
    )  # fmt: skip
    unit = forms.CharField(
        label=_("Unit"), max_length=60, required=False,
        help_text=_("For example: people, days, score. Shares are shown as percentages."),
        error_messages={"max_length": _("Keep the unit to 60 characters or fewer.")},
    )  # fmt: skip
    rate_per = forms.IntegerField(
        label=_("Show rates per"), min_value=1, max_value=1_000_000, initial=1, required=False,
        help_text=_("For rates only: for example 1000 for “per 1,000 bed days”."),
        error_messages={"invalid": _("Enter a whole number, like 1000."), "min_value": _("Enter 1 or more."),
                        "max_value": _("Enter 1,000,000 or less.")},
    )  # fmt: skip
    improvement = forms.ChoiceField(
        label=_("Which direction is better"), choices=Direction.choices, error_messages=CHOICE
    )
    frequency = forms.ChoiceField(
        label=_("How often it is reported"), choices=Frequency.choices, error_messages=CHOICE
    )
    week_starts_on = forms.TypedChoiceField(
        label=_("Weeks start on"), choices=Weekday.choices, coerce=int, initial=0, required=False,
        help_text=_("For weekly measures only."), error_messages=CHOICE,
    )  # fmt: skip
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def definition_fields(self) -> dict:
        c = self.cleaned_data
        return {
            "name": c["name"].strip(), "definition": c["definition"], "kind": c["kind"], "unit": c["unit"],
            "data_type": c["data_type"], "chart_type": c["chart_type"], "improvement": c["improvement"],
            "frequency": c["frequency"], "week_starts_on": c["week_starts_on"] or 0,
            "rate_per": c["rate_per"] or 1,
        }  # fmt: skip


class MeasureForm(DefinitionForm):
    target = forms.DecimalField(
        label=_("Target"), required=False, max_digits=14, decimal_places=4,
        help_text=_("Optional. In the measure's unit; for shares, a percentage such as 80."),
        error_messages=NUMBER,
    )  # fmt: skip
    target_date = forms.DateField(
        label=_("Reach the target by"),
        required=False,
        widget=DateInput(),
        error_messages=DATE_ERRORS,
    )
    team = ModelChoiceField(
        label=_("Team"),
        queryset=None,
        required=False,
        empty_label=_("The whole site"),
        error_messages=CHOICE,
    )
    owner = ModelChoiceField(
        label=_("Owner"), queryset=None, required=False, error_messages=CHOICE,
        help_text=_("Who keeps the data up to date. A lived-experience partner who owns a measure can enter its data."),
    )  # fmt: skip
    challenge = ModelChoiceField(
        label=_("Challenge it tracks"), queryset=None, required=False, error_messages=CHOICE
    )
    goals = ModelMultipleChoiceField(
        label=_("Goals it tracks"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple, error_messages=CHOICE,
    )  # fmt: skip

    def __init__(self, *args, teams, people, challenges, goals, shared=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["owner"].queryset = people
        self.fields["challenge"].queryset = challenges
        self.fields["challenge"].label_from_instance = lambda c: f"{c.number}. {c.short_title}"
        self.fields["goals"].queryset = goals
        self.shared = shared
        if shared is not None:
            # The programme defines these; the site reports in the same way.
            for name in DefinitionForm.base_fields:
                if name != "version":
                    self.fields[name].disabled = True
                    self.fields[name].required = False
                    self.fields[name].help_text = _(
                        "Set by the programme, so every site reports it the same way."
                    )

    def clean_target_date(self):
        return check_date(
            self.cleaned_data.get("target_date"), gettext("The target date"), future_days=3660
        )

    def site_fields(self) -> dict:
        c = self.cleaned_data
        target = c.get("target")
        return {
            "team": c.get("team"), "owner": c.get("owner"), "challenge": c.get("challenge"),
            "target": float(target) if target is not None else None, "target_date": c.get("target_date"),
        }  # fmt: skip


class ProgrammeMeasureForm(DefinitionForm):
    pass


class AdoptForm(forms.Form):
    shared = ModelChoiceField(
        label=_("Programme measure"), queryset=None, to_field_name="public_id",
        error_messages={"required": _("Choose the programme measure to report."), **CHOICE},
    )  # fmt: skip
    owner = ModelChoiceField(label=_("Owner"), queryset=None, required=False, error_messages=CHOICE)
    target = forms.DecimalField(
        label=_("Target"), required=False, max_digits=14, decimal_places=4, error_messages=NUMBER,
        help_text=_("Optional. For shares, a percentage such as 80."),
    )  # fmt: skip
    target_date = forms.DateField(
        label=_("Reach the target by"),
        required=False,
        widget=DateInput(),
        error_messages=DATE_ERRORS,
    )

    def __init__(self, *args, shared, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared"].queryset = shared
        self.fields["owner"].queryset = people

    def clean_target_date(self):
        return check_date(
            self.cleaned_data.get("target_date"), gettext("The target date"), future_days=3660
        )


class PointForm(forms.Form):
    period = forms.CharField(
        label=_("Period"), max_length=20,
        error_messages={"required": _("Enter the period, like 2021-03-01."), "max_length": _("Enter a date, like 2021-03-01.")},
    )  # fmt: skip
    value = forms.CharField(label=_("Value"), max_length=40, required=False)
    numerator = forms.CharField(label=_("How many"), max_length=40, required=False)
    denominator = forms.CharField(label=_("Out of how many"), max_length=40, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False,
        help_text=_("Optional. For a correction, say why the value changed."),
        error_messages={"max_length": _("Keep the note to 300 characters or fewer.")},
    )  # fmt: skip

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        if measure.frequency == "monthly":
            self.fields["period"].help_text = _(
                "The month, like 2021-03 (or its first day, 2021-03-01)."
            )
        else:
            self.fields["period"].help_text = gettext(
                "The date the week starts (a %(day)s), like 2021-03-01."
            ) % {"day": Weekday(measure.week_starts_on).label}
        if measure.is_fraction:
            del self.fields["value"]
            if measure.data_type == DataType.RATE:
                self.fields["numerator"].label = _("Count of events")
                self.fields["denominator"].label = _("Exposure")
                self.fields["denominator"].help_text = (
                    gettext("For example bed days (%(unit)s).") % {"unit": measure.unit}
                    if measure.unit
                    else _("For example bed days.")
                )
        else:
            del self.fields["numerator"]
            del self.fields["denominator"]
            if measure.unit:
                self.fields["value"].label = gettext("Value (%(unit)s)") % {"unit": measure.unit}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned["period"] = parsing.parse_period(cleaned["period"], self.measure)
        except parsing.BadValue as error:
            self.add_error("period", str(error))
        try:
            cleaned["value"], cleaned["numerator"], cleaned["denominator"] = parsing.check_values(
                self.measure,
                cleaned.get("value"),
                cleaned.get("numerator"),
                cleaned.get("denominator"),
            )
        except parsing.BadValue as error:
            self.add_error(error.field if error.field in self.fields else None, str(error))
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a file"), required=False,
        help_text=_("A .csv or Excel .xlsx file, up to 2 MB and 5,000 rows."),
        error_messages={"invalid": _("Choose a file to upload."), "empty": _("The file is empty.")},
    )  # fmt: skip
    text = forms.CharField(
        label=_("Or paste the data"), required=False, max_length=parsing.MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        error_messages={"max_length": _("The pasted data is larger than 2 MB. Split it into smaller parts.")},
    )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("file") and not (cleaned.get("text") or "").strip():
            self.add_error("file", _("Upload a file, or paste the data into the box."))
        if cleaned.get("file") and (cleaned.get("text") or "").strip():
            self.add_error("text", _("Upload a file or paste data, not both."))
        upload = cleaned.get("file")
        if upload is not None and upload.size > parsing.MAX_BYTES:
            self.add_error("file", _("The file is larger than 2 MB. Split it into smaller files."))
        return cleaned


class RebaseForm(forms.Form):
    period = forms.CharField(
        label=_("New baseline starts at"), max_length=20,
        help_text=_("The first period of the changed process, like 2021-03-01."),
        error_messages={"required": _("Enter the period the new baseline starts."), "max_length": _("Enter a date, like 2021-03-01.")},
    )  # fmt: skip
    reason = text_field(
        _("Why the process changed"), required=True, max_length=2000,
        help_text=_("For example: a new referral pathway started. Readers see this on the chart."),
        required_message=_("Say why the process changed."),
    )  # fmt: skip

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure

    def clean_period(self):
        try:
            return parsing.parse_period(self.cleaned_data["period"], self.measure)
        except parsing.BadValue as error:
            raise forms.ValidationError(str(error)) from None


class AnnotationForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput(), error_messages=DATE_ERRORS)
    text = forms.CharField(
        label=_("What happened"), max_length=300,
        help_text=_("For example: new staff rota started. Keep it short; it is shown on the chart."),
        error_messages={"required": _("Enter what happened."), "max_length": _("Keep this to 300 characters or fewer.")},
    )  # fmt: skip

    def clean_on(self):
        return check_date(self.cleaned_data["on"], gettext("The date"), future_days=0)


class CycleLinkForm(forms.Form):
    cycle = ModelChoiceField(
        label=_("PDSA cycle"), queryset=None, to_field_name="public_id",
        error_messages={"required": _("Choose a PDSA cycle."), **CHOICE},
    )  # fmt: skip

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles
        self.fields["cycle"].label_from_instance = lambda c: (
            gettext("%(idea)s (%(start)s) – goal: %(goal)s")
            % {
                "idea": c.change_idea,
                "start": format_date(c.starts_on, "d M Y"),
                "goal": c.goal.title,
            }
        )
