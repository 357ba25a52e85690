"""Forms for priorities, goals, driver diagrams, PDSA cycles and reviews."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from imroc.assessment.forms import TeamReviewForm
from imroc.core.forms import (
    DATE_ERRORS,
    DateInput,
    ModelChoiceField,
    ModelMultipleChoiceField,
    check_date,
    text_field,
)
from imroc.framework.scales import Chime
from imroc.improvement.models import Driver, Goal, PdsaCycle, Review

STAGE_TARGETS = [
    ("", _("No stage target")),
    ("1", _("1. Engagement")),
    ("2", _("2. Development")),
    ("3", _("3. Transformation")),
]


class PrioritiesForm(forms.Form):
    def __init__(self, *args, challenges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenges"] = ModelMultipleChoiceField(
            label=_("Challenges to work on first"),
            queryset=challenges,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": _("Choose at least one challenge to work on."),
                "invalid_choice": _("Choose challenges from the list."),
                "invalid_pk_value": _("Choose challenges from the list."),
            },
        )
        self.fields["challenges"].label_from_instance = lambda c: f"{c.number}. {c.title}"
        self.fields["reason"] = text_field(
            _("Why these challenges"),
            help_text=_("What the self-assessment showed. Optional."),
            max_length=2000,
        )


class GoalForm(forms.Form):
    challenge = ModelChoiceField(
        label=_("Challenge"), queryset=None,
        error_messages={"required": _("Choose the challenge this goal works on."), "invalid_choice": _("Choose a challenge from the list.")},
    )  # fmt: skip
    title = forms.CharField(
        label=_("Goal"), max_length=200, help_text=_("Say what will be different, for whom. Keep it short."),
        error_messages={"required": _("Enter the goal."), "max_length": _("The goal must be 200 characters or fewer.")},
    )  # fmt: skip
    description = text_field(_("More about the goal"), help_text=_("Optional."))
    target_level = forms.TypedChoiceField(
        label=_("Stage to reach"), choices=STAGE_TARGETS, required=False, coerce=int, empty_value=None,
        error_messages={"invalid_choice": _("Choose a stage from the list.")},
    )  # fmt: skip
    target_value = forms.DecimalField(
        label=_("Measure value to reach"), required=False, max_digits=12, decimal_places=2,
        help_text=_("Optional. For example 30 for '30 peer support workers'."),
        error_messages={"invalid": _("Enter a number, like 30 or 12.5."), "max_digits": _("That number is too long."),
                        "max_decimal_places": _("Use no more than 2 decimal places.")},
    )  # fmt: skip
    target_value_meaning = forms.CharField(
        label=_("What the value measures"), required=False, max_length=200,
        help_text=_("For example: peer support workers employed."),
        error_messages={"max_length": _("Keep this to 200 characters or fewer.")},
    )  # fmt: skip
    target_date = forms.DateField(
        label=_("Reach it by"), widget=DateInput(), error_messages=DATE_ERRORS
    )
    owner = ModelChoiceField(
        label=_("Owner"), queryset=None,
        error_messages={"required": _("Choose who owns this goal."), "invalid_choice": _("Choose someone from the list.")},
    )  # fmt: skip
    co_lead = ModelChoiceField(
        label=_("Lived-experience co-lead"), queryset=None, required=False,
        help_text=_("A service user or carer partner who leads the goal with the owner. Optional, but counted."),
        error_messages={"invalid_choice": _("Choose one of the site's lived-experience partners.")},
    )  # fmt: skip
    status = forms.ChoiceField(
        label=_("Status"), choices=Goal.Status.choices, initial=Goal.Status.ACTIVE,
        error_messages={"invalid_choice": _("Choose a status from the list.")},
    )  # fmt: skip
    chime = forms.MultipleChoiceField(
        label=_("Which parts of recovery it supports (CHIME)"), choices=Chime.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from the list.")},
    )  # fmt: skip
    next_review_on = forms.DateField(
        label=_("Review date"), required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, challenges, people, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = challenges
        self.fields["challenge"].label_from_instance = lambda c: f"{c.number}. {c.short_title}"
        self.fields["owner"].queryset = people
        self.fields["co_lead"].queryset = partners

    def clean_target_date(self):
        return check_date(self.cleaned_data["target_date"], _("The target date"), future_days=3660)

    def clean_next_review_on(self):
        return check_date(
            self.cleaned_data.get("next_review_on"), _("The review date"), future_days=3660
        )

    def clean(self):
        cleaned = super().clean()
        if (
            not self.errors
            and cleaned.get("target_level") is None
            and cleaned.get("target_value") is None
        ):
            self.add_error(
                "target_level", _("Set a target: a stage to reach, a measure value, or both.")
            )
        if cleaned.get("target_value") is not None and not cleaned.get("target_value_meaning"):
            self.add_error("target_value_meaning", _("Say what the value measures."))
        return cleaned

    def goal_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "reason")}


class AdjustGoalForm(GoalForm):
    reason = text_field(
        _("Why are you changing the goal?"), required=True, max_length=2000, rows=2,
        help_text=_("This is kept with the goal's history."), required_message=_("Say why the goal is changing."),
    )  # fmt: skip


class DriverForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you adding?"), choices=Driver.Kind.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you are adding."), "invalid_choice": _("Choose from the list.")},
    )  # fmt: skip
    text = forms.CharField(
        label=_("Text"), max_length=300,
        error_messages={"required": _("Enter the text."), "max_length": _("Keep this to 300 characters or fewer.")},
    )  # fmt: skip
    parent = ModelChoiceField(
        label=_("Links to"), queryset=None, required=False,
        help_text=_("Primary drivers link to the aim. Secondary drivers link to a primary driver; change ideas to a secondary driver."),
        error_messages={"invalid_choice": _("Choose from the list.")},
    )  # fmt: skip

    def __init__(self, *args, drivers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = drivers
        self.fields["parent"].to_field_name = "public_id"
        self.fields["parent"].label_from_instance = lambda d: f"{d.get_kind_display()}: {d.text}"
        self.fields["parent"].empty_label = _("The aim (the goal itself)")


class PlanForm(forms.ModelForm):
    class Meta:
        model = PdsaCycle
        fields = [
            "change_idea",
            "objective",
            "who",
            "where",
            "starts_on",
            "ends_on",
            "prediction",
            "measures",
        ]
        labels = {
            "change_idea": _("Change idea to test"),
            "objective": _("What you want to learn"),
            "who": _("Who will do it"),
            "where": _("Where"),
            "starts_on": _("Start date"),
            "ends_on": _("End date"),
            "prediction": _("What you predict will happen"),
        }
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "objective": forms.Textarea(attrs={"rows": 2}),
            "prediction": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "change_idea": {"required": _("Enter the change idea you will test.")},
            "objective": {"required": _("Say what you want to learn.")},
            "who": {"required": _("Say who will do it.")},
            "prediction": {"required": _("Write what you predict will happen.")},
            "starts_on": DATE_ERRORS,
            "ends_on": DATE_ERRORS,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.setdefault(
                "max_length", _("Keep this to %(limit_value)d characters or fewer.")
            )
            field.error_messages["max_length"] = _(
                "Keep this to %(limit_value)d characters or fewer."
            )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        for name in ("starts_on", "ends_on"):
            if cleaned.get(name):
                try:
                    check_date(cleaned[name], _("The date"), future_days=3660)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        if start and end and end < start:
            self.add_error("ends_on", _("The test must end on or after the day it starts."))
        return cleaned


class CycleForm(PlanForm):
    """The whole cycle: plan, do, study and act, edited as the test goes on."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta(PlanForm.Meta):
        fields = [
            *PlanForm.Meta.fields,
            "do_notes",
            "observations",
            "study_notes",
            "decision",
            "next_steps",
            "decided_on",
        ]
        labels = {
            **PlanForm.Meta.labels,
            "do_notes": _("What happened"),
            "observations": _("What you noticed"),
            "study_notes": _("The results compared with your prediction"),
            "decision": _("What you decided"),
            "next_steps": _("What happens next"),
            "decided_on": _("Date of the decision"),
        }
        widgets = {
            **PlanForm.Meta.widgets,
            "do_notes": forms.Textarea(attrs={"rows": 3}),
            "observations": forms.Textarea(attrs={"rows": 3}),
            "study_notes": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
            "decided_on": DateInput(),
            "decision": forms.RadioSelect,
        }
        error_messages = {**PlanForm.Meta.error_messages, "decided_on": DATE_ERRORS,
                          "decision": {"invalid_choice": _("Choose adopt, adapt or abandon.")}}  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") and not cleaned.get("decided_on"):
            self.add_error("decided_on", _("Enter the date of the decision."))
        return cleaned

    def cycle_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ReviewForm(TeamReviewForm):
    """A goal's or the site's review: the team review's fields, plus what happens to the goal."""

    decision = forms.ChoiceField(
        label=_("What happens next"), choices=Review.Decision.choices, widget=forms.RadioSelect, required=False,
        error_messages={"invalid_choice": _("Choose what happens next.")},
    )  # fmt: skip
    field_order = ["held_on", "progress_score", "decision", "notes", "next_review_on"]

    def __init__(self, *args, for_goal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress_score"].help_text = _(
            "How far things have come, on the 0.5 to 5 scale."
        )
        self.fields["notes"].label = _("What the review found")
        if for_goal:
            self.fields["decision"].required = True
            self.fields["decision"].error_messages["required"] = _(
                "Choose what happens to the goal next."
            )
        else:
            del self.fields["decision"]
