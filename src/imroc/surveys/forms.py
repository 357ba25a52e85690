"""Forms: the questionnaire itself (built from a version's definition) and the staff forms."""

from __future__ import annotations

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imroc.core.forms import DATE_ERRORS, DateInput, ModelChoiceField, check_date
from imroc.surveys import engine, translation

YES_NO = [("true", _("Yes")), ("false", _("No"))]


class AnswerForm(forms.Form):
    """One field per question. The engine checks the answers; this form only shows them."""

    def __init__(self, definition: dict, *args, answers: dict | None = None, kiosk: bool = False, **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.rows: list[dict] = []
        self.names: dict[str, str] = {}
        initial = answers or {}
        for n, (item, depth) in enumerate(engine.walk(definition["items"]), 1):
            kind = item["type"]
            row = {"item": item, "depth": depth, "kind": kind, "conditional": bool(item["enable_when"])}  # fmt: skip
            if kind in engine.ANSWERED_TYPES:
                name = f"q{n}"
                self.names[item["link_id"]] = name
                self.fields[name] = _field(item, kiosk)
                if item["link_id"] in initial:
                    self.initial[name] = _initial(item, initial[item["link_id"]])
                row["name"] = name
            self.rows.append(row)

    def bound_rows(self):
        """Rows for the template: headings, notes and bound fields, in order."""
        for row in self.rows:
            yield {**row, "field": self[row["name"]] if "name" in row else None}

    def raw(self) -> dict:
        out = {}
        for link_id, name in self.names.items():
            field = self.fields[name]
            if isinstance(field, forms.MultipleChoiceField):
                out[link_id] = self.data.getlist(name)
            elif name in self.data:
                out[link_id] = self.data.get(name)
        return out

    def show(self, checked: engine.Checked) -> None:
        """Put the engine's messages on the fields; the answers typed stay in the form."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        for link_id, message in checked.errors.items():
            self.add_error(self.names.get(link_id), translation.message(message))


def _field(item: dict, kiosk: bool) -> forms.Field:
    label = item["text"]
    attrs = {"autocomplete": "off"} if kiosk else {}
    kind = item["type"]
    if kind == "choice":
        return forms.ChoiceField(label=label, required=False, choices=[(o["code"], o["display"]) for o in item["options"]], widget=forms.RadioSelect(attrs=attrs))  # fmt: skip
    if kind == "multi-choice":
        return forms.MultipleChoiceField(label=label, required=False, choices=[(o["code"], o["display"]) for o in item["options"]], widget=forms.CheckboxSelectMultiple(attrs=attrs), help_text=_("Choose all that apply."))  # fmt: skip
    if kind == "boolean":
        return forms.ChoiceField(label=label, required=False, choices=YES_NO, widget=forms.RadioSelect(attrs=attrs))  # fmt: skip
    if kind in ("integer", "decimal"):
        help_text = ""
        if item["min"] is not None and item["max"] is not None:
            help_text = gettext("A number from %(low)s to %(high)s.") % {"low": format(item["min"], "g"), "high": format(item["max"], "g")}  # fmt: skip
        mode = "numeric" if kind == "integer" else "decimal"
        return forms.CharField(label=label, required=False, help_text=help_text, widget=forms.TextInput(attrs={**attrs, "inputmode": mode, "class": "input-short"}))  # fmt: skip
    if kind == "date":
        return forms.CharField(label=label, required=False, widget=forms.DateInput(attrs={**attrs, "type": "date"}))  # fmt: skip
    limit = item["max_length"] or engine.MAX_TEXT_ANSWER
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={**attrs, "rows": 3, "maxlength": limit}))  # fmt: skip


def _initial(item: dict, value):
    if item["type"] == "boolean":
        return "true" if value else "false"
    if item["type"] in ("integer", "decimal"):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return value


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("FHIR Questionnaire file (.json)"),
        help_text=_("A FHIR R4 Questionnaire your organisation holds a licence for. Up to 2 MB."),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
        },
    )


class RespondentFields(forms.Form):
    """Who answered, as a code: from a reference the site already uses, or a code on paper."""

    reference = forms.CharField(
        label=_("The person's reference"), required=False, max_length=100,
        help_text=_("Something your service already uses for this person, such as a record number. imroc never stores it: it keeps only a code made from it, so the same reference always gives the same code here."),
        error_messages={"max_length": _("Keep the reference to %(limit_value)d characters or fewer.")},
    )  # fmt: skip
    code = forms.CharField(
        label=_("Or a code written on a paper form"), required=False, max_length=20,
        help_text=_("Like P-ABCD-2345. Leave both empty for an anonymous response."),
        widget=forms.TextInput(attrs={"class": "input-short", "autocomplete": "off"}),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("reference", "").strip() and data.get("code", "").strip():
            self.add_error("code", _("Give a reference or a code, not both."))
        return data


class PaperForm(RespondentFields):
    completed_on = forms.DateField(label=_("Date the form was filled in"), widget=DateInput(), error_messages=DATE_ERRORS)  # fmt: skip
    learner = ModelChoiceField(
        label=_("Link to a recovery college learner"), required=False, queryset=None,
        help_text=_("Only if the person agreed: their answers will then be linked to their college record."),
        error_messages={"invalid_choice": _("Choose a learner from the list.")},
    )  # fmt: skip
    field_order = ["completed_on", "reference", "code", "learner"]

    def __init__(self, *args, learners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if learners is None:
            del self.fields["learner"]
        else:
            self.fields["learner"].queryset = learners
            self.fields["learner"].label_from_instance = lambda lr: lr.display_name or str(lr)

    def clean_completed_on(self):
        return check_date(self.cleaned_data.get("completed_on"), _("The date"), future_days=0)


class LinkForm(RespondentFields):
    days = forms.IntegerField(
        label=_("Days the link works for"), initial=14, min_value=1, max_value=90,
        widget=forms.NumberInput(attrs={"class": "input-short"}),
        error_messages={"required": _("Enter how many days."), "invalid": _("Enter a whole number of days, like 14."),
                        "min_value": _("A link works for at least 1 day."), "max_value": _("A link can work for at most 90 days.")},
    )  # fmt: skip
    field_order = ["days", "reference", "code"]


class KioskForm(forms.Form):
    place = forms.CharField(
        label=_("Where the kiosk is"), max_length=100, help_text=_("For example: Willow Ward reception."),
        error_messages={"required": _("Say where the kiosk is."), "max_length": _("Keep this to %(limit_value)d characters or fewer.")},
    )  # fmt: skip
    hours = forms.IntegerField(
        label=_("Hours to stay open"), initial=8, min_value=1, max_value=72,
        widget=forms.NumberInput(attrs={"class": "input-short"}),
        error_messages={"required": _("Enter how many hours."), "invalid": _("Enter a whole number of hours, like 8."),
                        "min_value": _("A kiosk stays open at least 1 hour."), "max_value": _("A kiosk can stay open at most 72 hours.")},
    )  # fmt: skip


class MeasureForm(forms.Form):
    score_key = forms.ChoiceField(label=_("Score to chart"), error_messages={"invalid_choice": _("Choose a score from the list."), "required": _("Choose a score.")})  # fmt: skip

    def __init__(self, *args, scores=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score_key"].choices = list(scores)
