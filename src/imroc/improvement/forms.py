"""Forms for priorities, goals, driver diagrams, PDSA cycles and reviews."""

from __future__ import annotations

from django import forms

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
    ("", "No stage target"),
    ("1", "1. Engagement"),
    ("2", "2. Development"),
    ("3", "3. Transformation"),
]


class PrioritiesForm(forms.Form):
    def __init__(self, *args, challenges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenges"] = ModelMultipleChoiceField(
            label="Challenges to work on first",
            queryset=challenges,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": "Choose at least one challenge to work on.",
                "invalid_choice": "Choose challenges from the list.",
                "invalid_pk_value": "Choose challenges from the list.",
            },
        )
        self.fields["challenges"].label_from_instance = lambda c: f"{c.number}. {c.title}"
        self.fields["reason"] = text_field(
            "Why these challenges",
            help_text="What the self-assessment showed. Optional.",
            max_length=2000,
        )


class GoalForm(forms.Form):
    challenge = ModelChoiceField(
        label="Challenge", queryset=None,
        error_messages={"required": "Choose the challenge this goal works on.", "invalid_choice": "Choose a challenge from the list."},
    )  # fmt: skip
    title = forms.CharField(
        label="Goal", max_length=200, help_text="Say what will be different, for whom. Keep it short.",
        error_messages={"required": "Enter the goal.", "max_length": "The goal must be 200 characters or fewer."},
    )  # fmt: skip
    description = text_field("More about the goal", help_text="Optional.")
    target_level = forms.TypedChoiceField(
        label="Stage to reach", choices=STAGE_TARGETS, required=False, coerce=int, empty_value=None,
        error_messages={"invalid_choice": "Choose a stage from the list."},
    )  # fmt: skip
    target_value = forms.DecimalField(
        label="Measure value to reach", required=False, max_digits=12, decimal_places=2,
        help_text="Optional. For example 30 for '30 peer support workers'.",
        error_messages={"invalid": "Enter a number, like 30 or 12.5.", "max_digits": "That number is too long.",
                        "max_decimal_places": "Use no more than 2 decimal places."},
    )  # fmt: skip
    target_value_meaning = forms.CharField(
        label="What the value measures", required=False, max_length=200,
        help_text="For example: peer support workers employed.",
        error_messages={"max_length": "Keep this to 200 characters or fewer."},
    )  # fmt: skip
    target_date = forms.DateField(
        label="Reach it by", widget=DateInput(), error_messages=DATE_ERRORS
    )
    owner = ModelChoiceField(
        label="Owner", queryset=None,
        error_messages={"required": "Choose who owns this goal.", "invalid_choice": "Choose someone from the list."},
    )  # fmt: skip
    co_lead = ModelChoiceField(
        label="Lived-experience co-lead", queryset=None, required=False,
        help_text="A service user or carer partner who leads the goal with the owner. Optional, but counted.",
        error_messages={"invalid_choice": "Choose one of the site's lived-experience partners."},
    )  # fmt: skip
    status = forms.ChoiceField(
        label="Status", choices=Goal.Status.choices, initial=Goal.Status.ACTIVE,
        error_messages={"invalid_choice": "Choose a status from the list."},
    )  # fmt: skip
    chime = forms.MultipleChoiceField(
        label="Which parts of recovery it supports (CHIME)", choices=Chime.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the list."},
    )  # fmt: skip
    next_review_on = forms.DateField(
        label="Review date", required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, challenges, people, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = challenges
        self.fields["challenge"].label_from_instance = lambda c: f"{c.number}. {c.short_title}"
        self.fields["owner"].queryset = people
        self.fields["co_lead"].queryset = partners

    def clean_target_date(self):
        return check_date(self.cleaned_data["target_date"], "The target date", future_days=3660)

    def clean_next_review_on(self):
        return check_date(
            self.cleaned_data.get("next_review_on"), "The review date", future_days=3660
        )

    def clean(self):
        cleaned = super().clean()
        if (
            not self.errors
            and cleaned.get("target_level") is None
            and cleaned.get("target_value") is None
        ):
            self.add_error(
                "target_level", "Set a target: a stage to reach, a measure value, or both."
            )
        if cleaned.get("target_value") is not None and not cleaned.get("target_value_meaning"):
            self.add_error("target_value_meaning", "Say what the value measures.")
        return cleaned

    def goal_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "reason")}


class AdjustGoalForm(GoalForm):
    reason = text_field(
        "Why are you changing the goal?", required=True, max_length=2000, rows=2,
        help_text="This is kept with the goal's history.", required_message="Say why the goal is changing.",
    )  # fmt: skip


class DriverForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you adding?", choices=Driver.Kind.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose what you are adding.", "invalid_choice": "Choose from the list."},
    )  # fmt: skip
    text = forms.CharField(
        label="Text", max_length=300,
        error_messages={"required": "Enter the text.", "max_length": "Keep this to 300 characters or fewer."},
    )  # fmt: skip
    parent = ModelChoiceField(
        label="Links to", queryset=None, required=False,
        help_text="Primary drivers link to the aim. Secondary drivers link to a primary driver; change ideas to a secondary driver.",
        error_messages={"invalid_choice": "Choose from the list."},
    )  # fmt: skip

    def __init__(self, *args, drivers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = drivers
        self.fields["parent"].to_field_name = "public_id"
        self.fields["parent"].label_from_instance = lambda d: f"{d.get_kind_display()}: {d.text}"
        self.fields["parent"].empty_label = "The aim (the goal itself)"


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
            "change_idea": "Change idea to test",
            "objective": "What you want to learn",
            "who": "Who will do it",
            "where": "Where",
            "starts_on": "Start date",
            "ends_on": "End date",
            "prediction": "What you predict will happen",
        }
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "objective": forms.Textarea(attrs={"rows": 2}),
            "prediction": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "change_idea": {"required": "Enter the change idea you will test."},
            "objective": {"required": "Say what you want to learn."},
            "who": {"required": "Say who will do it."},
            "prediction": {"required": "Write what you predict will happen."},
            "starts_on": DATE_ERRORS,
            "ends_on": DATE_ERRORS,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.setdefault(
                "max_length", "Keep this to %(limit_value)d characters or fewer."
            )
            field.error_messages["max_length"] = "Keep this to %(limit_value)d characters or fewer."

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        for name in ("starts_on", "ends_on"):
            if cleaned.get(name):
                try:
                    check_date(cleaned[name], "The date", future_days=3660)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        if start and end and end < start:
            self.add_error("ends_on", "The test must end on or after the day it starts.")
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
            "do_notes": "What happened",
            "observations": "What you noticed",
            "study_notes": "The results compared with your prediction",
            "decision": "What you decided",
            "next_steps": "What happens next",
            "decided_on": "Date of the decision",
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
                          "decision": {"invalid_choice": "Choose adopt, adapt or abandon."}}  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") and not cleaned.get("decided_on"):
            self.add_error("decided_on", "Enter the date of the decision.")
        return cleaned

    def cycle_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ReviewForm(TeamReviewForm):
    """A goal's or the site's review: the team review's fields, plus what happens to the goal."""

    decision = forms.ChoiceField(
        label="What happens next", choices=Review.Decision.choices, widget=forms.RadioSelect, required=False,
        error_messages={"invalid_choice": "Choose what happens next."},
    )  # fmt: skip
    field_order = ["held_on", "progress_score", "decision", "notes", "next_review_on"]

    def __init__(self, *args, for_goal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress_score"].help_text = "How far things have come, on the 0.5 to 5 scale."
        self.fields["notes"].label = "What the review found"
        if for_goal:
            self.fields["decision"].required = True
            self.fields["decision"].error_messages["required"] = (
                "Choose what happens to the goal next."
            )
        else:
            del self.fields["decision"]
