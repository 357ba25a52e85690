"""Forms for peer support, joint training, staff support, policies, personalisation and partnerships."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imroc.core.forms import DATE_ERRORS, DateInput, ModelChoiceField, check_date, text_field
from imroc.workforce import reference
from imroc.workforce.models import PartnerAgency, PeerPost, Policy, PolicyReview, Profession

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.CharField):
    """A month, typed as 2024-03 (a date in the month is accepted too); stored as its 1st day."""

    def __init__(self, label=None, **kwargs):
        label = _("Month") if label is None else label
        kwargs.setdefault("help_text", _("For example 2024-03 for March 2024."))
        super().__init__(label=label, widget=MonthInput(attrs={"placeholder": "2024-03", "maxlength": "10"}),
                         error_messages={"required": _("Enter the month, like 2024-03.")}, **kwargs)  # fmt: skip

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        match = _MONTH.match(text)
        try:
            month = dt.date(int(match[1]), int(match[2]), 1) if match else None
        except ValueError:
            month = None
        if month is None:
            raise forms.ValidationError(
                gettext("“%(text)s” is not a month. Enter it like 2024-03.") % {"text": text[:20]}
            )
        if month.year < 2000:
            raise forms.ValidationError(gettext("The month must be in the year 2000 or later."))
        if month > timezone.localdate().replace(day=1):
            raise forms.ValidationError(
                gettext("That month has not started yet. Enter a month up to this one.")
            )
        return month


def count_field(
    label: str, *, required: bool = True, help_text: str = "", message: str = ""
) -> forms.IntegerField:
    """A count of people or things. ``message`` is the whole "enter it" message, translated."""
    return forms.IntegerField(
        label=label, required=required, min_value=0, max_value=1_000_000, help_text=help_text,
        error_messages={"required": message or _("Enter a whole number, like 12."),
                        "invalid": _("Enter a whole number, like 12."),
                        "min_value": _("The number cannot be below 0."),
                        "max_value": _("That number is too large. Check it.")},
    )  # fmt: skip


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text,
                           error_messages=DATE_ERRORS)  # fmt: skip


def char_field(
    label: str,
    max_length: int = 200,
    *,
    required: bool = True,
    help_text: str = "",
    message: str = "",
):
    """A one-line text field. ``message`` is the whole "enter it" message, translated."""
    return forms.CharField(
        label=label, max_length=max_length, required=required, help_text=help_text,
        error_messages={"required": message or _("Enter this, or leave it out."),
                        "max_length": _("Keep this to %(limit_value)d characters or fewer.")},
    )  # fmt: skip


def url_field(label: str, help_text: str = "") -> forms.URLField:
    return forms.URLField(
        label=label, required=False, max_length=500, assume_scheme="https", help_text=help_text,
        error_messages={"invalid": _("Enter a web address, like https://intranet.example.org/policy.pdf."),
                        "max_length": _("Keep the address to 500 characters or fewer.")},
    )  # fmt: skip


def choice_field(
    label: str, choices, *, required: bool = True, radio: bool = False, message: str = ""
):
    return forms.ChoiceField(
        label=label, choices=choices, required=required,
        widget=forms.RadioSelect if radio else forms.Select,
        error_messages={"required": message or _("Choose one of the options."),
                        "invalid_choice": _("Choose from the list.")},
    )  # fmt: skip


def team_field(
    teams, *, required: bool = True, empty_label: str = _("Choose a team")
) -> ModelChoiceField:
    field = ModelChoiceField(
        label=_("Team"), queryset=teams, required=required, to_field_name="slug", empty_label=empty_label,
        error_messages={"required": _("Choose the team."), "invalid_choice": _("Choose one of this site's teams.")},
    )  # fmt: skip
    return field


def _past(form, name: str, what: str, future_days: int = 0):
    try:
        return check_date(form.cleaned_data.get(name), what, future_days=future_days)
    except forms.ValidationError as error:
        form.add_error(name, error)
        return None


class VersionMixin(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


# --- Peer support ---------------------------------------------------------------------------


class CohortForm(forms.Form):
    name = char_field(_("Cohort name"), 120, help_text=_("For example “First cohort, 2012”."),
                      message=_("Enter the cohort name."))  # fmt: skip
    started_on = date_field(_("Preparation started on"))
    training_course = char_field(
        _("Training course"),
        required=False,
        help_text=_("The peer support training the workers will take. Optional."),
    )
    training_hours = forms.IntegerField(
        label=_("Course length in hours"), min_value=1, max_value=500, initial=40,
        help_text=_("A typical peer support course is 40 hours."),
        error_messages={"required": _("Enter the course length in hours."), "invalid": _("Enter a whole number of hours, like 40."),
                        "min_value": _("The course must be at least 1 hour."), "max_value": _("Enter no more than 500 hours.")},
    )  # fmt: skip
    notes = text_field(
        _("Notes"),
        max_length=2000,
        help_text=_("Optional. Do not write anyone's name or health details."),
    )

    def clean_started_on(self):
        return check_date(
            self.cleaned_data["started_on"], gettext("The start date"), future_days=366
        )


class ChecklistForm(forms.Form):
    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done"] = forms.MultipleChoiceField(
            label=_("What is in place"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(item.key, f"{item.area}: {item.text}") for item in items],
            error_messages={"invalid_choice": _("Choose items from the checklist.")},
        )  # fmt: skip


class AdvanceForm(VersionMixin):
    on = date_field(_("Date the cohort moved on"))
    reason = text_field(
        _("Why move on anyway"), max_length=2000, rows=3,
        help_text=_("Only needed if the checklist is not finished. This is kept in the cohort's history."),
    )  # fmt: skip

    def clean_on(self):
        return check_date(self.cleaned_data["on"], gettext("The date"), future_days=0)


class RecruitmentForm(VersionMixin):
    applicants = count_field(
        _("Applicants"),
        required=False,
        help_text=_("How many people applied. A number only, never names."),
    )
    interviewed = count_field(_("Interviewed"), required=False)
    training_course = CohortForm.base_fields["training_course"]
    training_hours = CohortForm.base_fields["training_hours"]

    def clean(self):
        cleaned = super().clean()
        a, i = cleaned.get("applicants"), cleaned.get("interviewed")
        if a is not None and i is not None and i > a:
            self.add_error(
                "interviewed",
                gettext(
                    "More people interviewed (%(interviewed)d) than applied (%(applicants)d). Check the two numbers."
                )
                % {"interviewed": i, "applicants": a},
            )
        return cleaned


class PostForm(VersionMixin):
    label = char_field(
        _("Post"), 80, help_text=_("An anonymous name for the post, like “Peer support worker 3”. Never a person's name."),
        message=_("Give the post a name, like “Peer support worker 3”."),
    )  # fmt: skip
    team = ModelChoiceField(queryset=None)
    fte = forms.DecimalField(
        label=_("Time (FTE)"), max_digits=3, decimal_places=2, initial=Decimal("1.00"),
        help_text=_("Whole-time equivalent: 1 is full time, 0.6 is three days a week."),
        error_messages={"required": _("Enter the time (FTE), like 0.6."), "invalid": _("Enter a number, like 0.6 or 1."),
                        "max_digits": _("Enter the FTE as a number up to 1, like 0.6."),
                        "max_decimal_places": _("Use no more than 2 decimal places.")},
    )  # fmt: skip
    appointed_on = date_field(
        _("Filled on"),
        required=False,
        help_text=_("The date the worker started. Leave empty while the post is vacant."),
    )
    training_completed_on = date_field(_("Training completed on"), required=False)
    left_on = date_field(_("Left on"), required=False)
    leaving_reason = choice_field(
        _("Reason for leaving"),
        [("", _("Not left")), *PeerPost.LeavingReason.choices],
        required=False,
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"] = team_field(teams, required=False, empty_label=_("Not yet deployed"))
        self.order_fields(["label", "team", "fte"])

    def clean(self):
        cleaned = super().clean()
        fte = cleaned.get("fte")
        if fte is not None and fte <= 0:
            self.add_error(
                "fte",
                gettext("The time (FTE) must be more than 0, like 0.6 for three days a week."),
            )
        elif fte is not None and fte > 1:
            self.add_error(
                "fte", gettext("One worker's time (FTE) cannot be more than 1, which is full time.")
            )
        for name in ("appointed_on", "training_completed_on", "left_on"):
            _past(self, name, gettext("The date"))
        return cleaned

    def post_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class SessionsForm(forms.Form):
    period = MonthField()
    sessions = count_field(
        _("Sessions held"), message=_("Enter the sessions held, as a whole number.")
    )


# --- Joint training -------------------------------------------------------------------------


class EventForm(forms.Form):
    topic = char_field(_("Topic"), message=_("Enter the topic."))
    held_on = date_field(_("Date"))
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, max_value=10000,
        error_messages={"required": _("Enter how many places there were."), "invalid": _("Enter a whole number, like 20."),
                        "min_value": _("There must be at least 1 place."), "max_value": _("That number is too large. Check it.")},
    )  # fmt: skip
    staff_attended = count_field(
        _("Staff who attended"), message=_("Enter the staff who attended, as a whole number.")
    )
    service_users_attended = count_field(
        _("Service users who attended"),
        message=_("Enter the service users who attended, as a whole number."),
    )
    carers_attended = count_field(
        _("Carers who attended"), message=_("Enter the carers who attended, as a whole number.")
    )
    trainer_1 = char_field(_("First trainer"), 120, message=_("Name at least one trainer."))
    trainer_1_lived = forms.BooleanField(label=_("Trains from lived experience"), required=False)
    trainer_2 = char_field(_("Second trainer"), 120, required=False)
    trainer_2_lived = forms.BooleanField(label=_("Trains from lived experience"), required=False)
    trainer_3 = char_field(_("Third trainer"), 120, required=False)
    trainer_3_lived = forms.BooleanField(label=_("Trains from lived experience"), required=False)
    notes = text_field(_("Notes"), max_length=2000)

    def clean_held_on(self):
        return check_date(self.cleaned_data["held_on"], gettext("The date"), future_days=366)

    def clean(self):
        cleaned = super().clean()
        counts = [
            cleaned.get(n) for n in ("staff_attended", "service_users_attended", "carers_attended")
        ]
        cap = cleaned.get("capacity")
        if cap is not None and None not in counts and sum(counts) > cap:
            self.add_error("staff_attended", gettext("%(total)d people attended, but the event had %(capacity)d places. "
                                                     "Check the numbers, or raise the number of places.")
                           % {"total": sum(counts), "capacity": cap})  # fmt: skip
        return cleaned

    def event_fields(self) -> dict:
        c = self.cleaned_data
        return {
            **{k: c[k] for k in ("topic", "held_on", "capacity", "staff_attended",
                                 "service_users_attended", "carers_attended", "notes")},
            "trainers": [(c[f"trainer_{i}"] or "", c[f"trainer_{i}_lived"]) for i in (1, 2, 3)],
        }  # fmt: skip


class CoverageForm(forms.Form):
    period = MonthField()
    team = ModelChoiceField(queryset=None)
    profession = choice_field(
        _("Profession"), Profession.choices, message=_("Choose the profession.")
    )
    trained = count_field(
        _("Staff trained"), help_text=_("Staff in scope who have completed joint training."),
        message=_("Enter the staff trained, as a whole number."),
    )  # fmt: skip
    in_scope = count_field(_("Staff in scope"), help_text=_("Staff who should take the training."),
                           message=_("Enter the staff in scope, as a whole number."))  # fmt: skip

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"] = team_field(teams, required=False, empty_label=_("The whole site"))
        self.order_fields(["period", "team", "profession"])

    def clean(self):
        cleaned = super().clean()
        t, n = cleaned.get("trained"), cleaned.get("in_scope")
        if n == 0:
            self.add_error("in_scope", gettext("The number of staff in scope must be 1 or more."))
        elif t is not None and n is not None and t > n:
            self.add_error(
                "trained",
                gettext(
                    "The staff trained (%(part)d) is more than the staff in scope (%(whole)d). "
                    "Check the two numbers."
                )
                % {"part": t, "whole": n},
            )
        return cleaned


class TargetForm(VersionMixin):
    training_target = forms.IntegerField(
        label=_("Target: share of staff in scope trained (%)"), min_value=0, max_value=100,
        error_messages={"required": _("Enter the target, as a percentage."), "invalid": _("Enter a whole number, like 80."),
                        "min_value": _("The target is a percentage from 0 to 100."),
                        "max_value": _("The target is a percentage from 0 to 100.")},
    )  # fmt: skip


# --- Staff support --------------------------------------------------------------------------

SURVEY_ITEMS = 4


class SurveyForm(forms.Form):
    title = char_field(_("Survey"), message=_("Enter the survey."))
    held_on = date_field(_("Date it closed"))
    invited = count_field(_("Staff invited"), required=False)
    responses = count_field(_("Responses"), message=_("Enter the responses, as a whole number."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, SURVEY_ITEMS + 1):
            self.fields[f"item_{i}"] = char_field(
                gettext("Question %(number)d") % {"number": i}, 200, required=False
            )
            self.fields[f"score_{i}"] = forms.DecimalField(
                label=gettext("Average score for question %(number)d (1 to 5)") % {"number": i}, required=False,
                min_value=1, max_value=5, max_digits=3, decimal_places=2,
                error_messages={"invalid": _("Enter a number from 1 to 5, like 3.8."),
                                "min_value": _("The score must be from 1 to 5."), "max_value": _("The score must be from 1 to 5."),
                                "max_digits": _("Enter a number from 1 to 5, like 3.8."),
                                "max_decimal_places": _("Use no more than 2 decimal places.")},
            )  # fmt: skip

    def clean_held_on(self):
        return check_date(self.cleaned_data["held_on"], gettext("The date"), future_days=0)

    def clean(self):
        cleaned = super().clean()
        inv, res = cleaned.get("invited"), cleaned.get("responses")
        if inv is not None and res is not None and res > inv:
            self.add_error(
                "responses",
                gettext(
                    "%(responses)d responses is more than the %(invited)d staff invited. Check the numbers."
                )
                % {"responses": res, "invited": inv},
            )
        for i in range(1, SURVEY_ITEMS + 1):
            label, score = cleaned.get(f"item_{i}"), cleaned.get(f"score_{i}")
            if label and score is None and f"score_{i}" not in self.errors:
                self.add_error(
                    f"score_{i}",
                    gettext(
                        "Enter the average score for question %(number)d, or clear the question."
                    )
                    % {"number": i},
                )
            if score is not None and not label:
                self.add_error(
                    f"item_{i}",
                    gettext("Enter question %(number)d, or clear its score.") % {"number": i},
                )
        return cleaned

    def survey_fields(self) -> dict:
        c = self.cleaned_data
        items = [
            (c[f"item_{i}"], float(c[f"score_{i}"]))
            for i in range(1, SURVEY_ITEMS + 1)
            if c.get(f"item_{i}")
        ]
        return {"title": c["title"], "held_on": c["held_on"], "invited": c["invited"],
                "responses": c["responses"], "item_scores": items}  # fmt: skip


class OfferForm(forms.Form):
    title = char_field(_("Offer"), message=_("Enter the offer."))
    description = text_field(_("What it is"), max_length=2000)
    started_on = date_field(_("Started on"))
    ended_on = date_field(_("Ended on"), required=False)
    uptake = count_field(
        _("Staff who used it"), required=False, help_text=_("A count. Small numbers are not shown.")
    )

    def clean(self):
        cleaned = super().clean()
        s, e = cleaned.get("started_on"), cleaned.get("ended_on")
        if s and e and e < s:
            self.add_error(
                "ended_on", gettext("The offer must end on or after the day it started.")
            )
        return cleaned


class SupervisionForm(forms.Form):
    period = MonthField()
    team = ModelChoiceField(queryset=None)
    supervised = count_field(
        _("Staff with recovery-focused supervision"),
        message=_("Enter the staff with recovery-focused supervision, as a whole number."),
    )
    in_scope = count_field(
        _("Staff in scope"), message=_("Enter the staff in scope, as a whole number.")
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"] = team_field(teams)
        self.order_fields(["period", "team"])

    def clean(self):
        cleaned = super().clean()
        s, n = cleaned.get("supervised"), cleaned.get("in_scope")
        if n == 0:
            self.add_error("in_scope", gettext("The number of staff in scope must be 1 or more."))
        elif s is not None and n is not None and s > n:
            self.add_error(
                "supervised",
                gettext(
                    "The staff supervised (%(part)d) is more than the staff in scope (%(whole)d). "
                    "Check the two numbers."
                )
                % {"part": s, "whole": n},
            )
        return cleaned


class CollegeUseForm(forms.Form):
    period = MonthField()
    staff_learners = count_field(
        _("Staff who took a college course"),
        message=_("Enter the staff who took a college course, as a whole number."),
    )


# --- Policies and risk ----------------------------------------------------------------------


class PolicyForm(forms.Form):
    title = char_field(_("Policy title"), message=_("Enter the policy title."))
    kind = choice_field(
        _("Kind of policy"), Policy.Kind.choices, message=_("Choose the kind of policy.")
    )
    current_url = url_field(_("Link to the current version"), _("Optional."))
    next_review_on = date_field(_("Next review due"), required=False)

    def clean_next_review_on(self):
        return check_date(
            self.cleaned_data.get("next_review_on"), gettext("The review date"), future_days=3660
        )


REVIEWERS = 4


class PolicyReviewForm(forms.Form):
    held_on = date_field(_("Date of the review"))
    outcome = choice_field(
        _("Outcome"),
        PolicyReview.Outcome.choices,
        radio=True,
        message=_("Choose the outcome of the review."),
    )
    summary = text_field(_("What the review found"), max_length=4000, rows=4)
    new_version_url = url_field(
        _("Link to the new version"), _("Needed when the policy was revised or replaced.")
    )
    next_review_on = date_field(_("Next review due"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, text in reference.POLICY_QUESTIONS:
            self.fields[f"q_{key}"] = choice_field(text, reference.POLICY_ANSWERS, radio=True,
                                                   message=_("Answer yes, partly or no."))  # fmt: skip
        for i in range(1, REVIEWERS + 1):
            self.fields[f"reviewer_{i}"] = char_field(
                gettext("Reviewer %(number)d") % {"number": i}, 120, required=i == 1,
                message=_("Name at least one reviewer."),
            )  # fmt: skip
            self.fields[f"reviewer_{i}_role"] = char_field(
                gettext("Reviewer %(number)d: role") % {"number": i}, 120, required=False
            )
            self.fields[f"reviewer_{i}_lived"] = forms.BooleanField(
                label=gettext("Reviewer %(number)d reviews from lived experience") % {"number": i},
                required=False,
            )

    def question_fields(self):
        return [self[f"q_{key}"] for key, _ in reference.POLICY_QUESTIONS]

    def reviewer_rows(self):
        return [
            (self[f"reviewer_{i}"], self[f"reviewer_{i}_role"], self[f"reviewer_{i}_lived"])
            for i in range(1, REVIEWERS + 1)
        ]

    def detail_fields(self):
        return [
            self[n] for n in ("held_on", "outcome", "summary", "new_version_url", "next_review_on")
        ]

    def clean_held_on(self):
        return check_date(
            self.cleaned_data["held_on"], gettext("The date of the review"), future_days=0
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") in ("revised", "replaced") and not cleaned.get("new_version_url"):
            self.add_error(
                "new_version_url", gettext("Add a link to the new version of the policy.")
            )
        held, nxt = cleaned.get("held_on"), cleaned.get("next_review_on")
        if held and nxt and nxt <= held and cleaned.get("outcome") != "withdrawn":
            self.add_error("next_review_on", gettext("The next review must be after this one."))
        return cleaned

    def review_fields(self) -> dict:
        c = self.cleaned_data
        return {
            "held_on": c["held_on"], "outcome": c["outcome"], "summary": c["summary"],
            "new_version_url": c["new_version_url"], "next_review_on": c["next_review_on"],
            "answers": {key: c[f"q_{key}"] for key, _ in reference.POLICY_QUESTIONS},
            "reviewers": [(c[f"reviewer_{i}"] or "", c[f"reviewer_{i}_role"] or "", c[f"reviewer_{i}_lived"])
                          for i in range(1, REVIEWERS + 1)],
        }  # fmt: skip


class SafetyForm(forms.Form):
    period = MonthField()
    team = ModelChoiceField(queryset=None)
    plans_in_place = count_field(
        _("Safety plans in place"), message=_("Enter the safety plans in place, as a whole number.")
    )
    plans_coproduced = count_field(
        _("Plans written with the person"), help_text=_("Co-produced: in the person's own words."),
        message=_("Enter the plans written with the person, as a whole number."),
    )  # fmt: skip

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"] = team_field(teams)
        self.order_fields(["period", "team"])

    def clean(self):
        cleaned = super().clean()
        p, c = cleaned.get("plans_in_place"), cleaned.get("plans_coproduced")
        if p is not None and c is not None and c > p:
            self.add_error(
                "plans_coproduced",
                gettext(
                    "%(coproduced)d co-produced plans is more than the %(plans)d plans in place. "
                    "Check the two numbers."
                )
                % {"coproduced": c, "plans": p},
            )
        return cleaned


# --- Personalisation ------------------------------------------------------------------------


class IndicatorForm(forms.Form):
    name = char_field(_("Indicator"), 150, help_text=_("For example “People with a personal budget”."),
                      message=_("Enter the indicator."))  # fmt: skip
    definition = text_field(_("How it is counted"), required=True, max_length=2000,
                            required_message=_("Say who is counted, and out of whom."))  # fmt: skip
    target = forms.IntegerField(
        label=_("Target (%)"), required=False, min_value=0, max_value=100,
        error_messages={"invalid": _("Enter a whole number, like 60."), "min_value": _("The target is a percentage from 0 to 100."),
                        "max_value": _("The target is a percentage from 0 to 100.")},
    )  # fmt: skip


class IndicatorValueForm(forms.Form):
    period = MonthField()
    numerator = count_field(
        _("People counted in"), message=_("Enter the people counted in, as a whole number.")
    )
    denominator = count_field(_("Out of"), message=_("Enter the out of, as a whole number."))

    def clean(self):
        cleaned = super().clean()
        n, d = cleaned.get("numerator"), cleaned.get("denominator")
        if d == 0:
            self.add_error(
                "denominator", gettext("The number of people counted must be 1 or more.")
            )
        elif n is not None and d is not None and n > d:
            self.add_error(
                "numerator",
                gettext(
                    "%(part)d is more than the %(whole)d people counted. Check the two numbers."
                )
                % {"part": n, "whole": d},
            )
        return cleaned


# --- Partnerships ---------------------------------------------------------------------------


class AgencyForm(VersionMixin):
    name = char_field(_("Partner organisation"), message=_("Enter the partner organisation."))
    sector = choice_field(
        _("Kind of partner"), PartnerAgency.Sector.choices, message=_("Choose the kind of partner.")
    )
    description = text_field(_("What you do together"), max_length=2000)
    review_on = date_field(_("Review the partnership by"), required=False)

    def clean_review_on(self):
        return check_date(
            self.cleaned_data.get("review_on"), gettext("The review date"), future_days=3660
        )

    def agency_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class AgreementForm(forms.Form):
    agreed_on = date_field(_("Agreed on"))
    summary = text_field(
        _("What was agreed"),
        required=True,
        max_length=2000,
        required_message=_("Say what was agreed."),
    )
    document_url = url_field(_("Link to the agreement"), _("Optional."))

    def clean_agreed_on(self):
        return check_date(self.cleaned_data["agreed_on"], gettext("The date"), future_days=0)


class ActivityForm(forms.Form):
    held_on = date_field(_("Date"))
    title = char_field(_("Activity"), message=_("Enter the activity."))
    description = text_field(_("What happened"), max_length=2000)


class ReferralForm(forms.Form):
    period = MonthField()
    to_partner = count_field(
        _("Referrals to the partner"),
        message=_("Enter the referrals to the partner, as a whole number."),
    )
    from_partner = count_field(
        _("Referrals from the partner"),
        message=_("Enter the referrals from the partner, as a whole number."),
    )


class IpsForm(forms.Form):
    held_on = date_field(_("Date of the review"))
    service = char_field(
        _("Service reviewed"), help_text=_("For example “Employment service, north locality”."),
        message=_("Enter the service reviewed."),
    )  # fmt: skip
    reviewers = char_field(_("Reviewers"), 300, help_text=_("Names or roles of the people who carried out the review."),
                           message=_("Say who carried out the review."))  # fmt: skip
    notes = text_field(_("Notes"), max_length=4000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i, label in enumerate(reference.IPS_ITEMS, start=1):
            self.fields[f"item_{i}"] = forms.TypedChoiceField(
                label=f"{i}. {label}", coerce=int, choices=[("", _("Score")), *[(str(n), str(n)) for n in range(1, 6)]],
                error_messages={"required": gettext("Score “%(item)s” from 1 to 5.") % {"item": label},
                                "invalid_choice": gettext("Score “%(item)s” with a whole number from 1 to 5.") % {"item": label}},
            )  # fmt: skip

    def clean_held_on(self):
        return check_date(
            self.cleaned_data["held_on"], gettext("The date of the review"), future_days=0
        )

    def item_fields(self):
        return [self[f"item_{i}"] for i in range(1, len(reference.IPS_ITEMS) + 1)]

    def detail_fields(self):
        return [self[n] for n in ("held_on", "service", "reviewers")]

    def review_fields(self) -> dict:
        c = self.cleaned_data
        return {"held_on": c["held_on"], "service": c["service"], "reviewers": c["reviewers"], "notes": c["notes"],
                "scores": [c[f"item_{i}"] for i in range(1, len(reference.IPS_ITEMS) + 1)]}  # fmt: skip


class EmploymentForm(forms.Form):
    period = MonthField()
    people_supported = count_field(
        _("People supported"), message=_("Enter the people supported, as a whole number.")
    )
    job_starts = count_field(_("Job starts"), message=_("Enter the job starts, as a whole number."))
    sustained_jobs = count_field(_("Jobs sustained"), help_text=_("Jobs kept for at least 13 weeks."),
                                 message=_("Enter the jobs sustained, as a whole number."))  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        p = cleaned.get("people_supported")
        too_many = {
            "job_starts": gettext("%(count)d job starts is more than the %(people)d people supported. "
                                  "Check the numbers."),
            "sustained_jobs": gettext("%(count)d sustained jobs is more than the %(people)d people supported. "
                                      "Check the numbers."),
        }  # fmt: skip
        for name, message in too_many.items():
            v = cleaned.get(name)
            if p is not None and v is not None and v > p:
                self.add_error(name, message % {"count": v, "people": p})
        return cleaned
