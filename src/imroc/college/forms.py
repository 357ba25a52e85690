"""Forms for the college. Messages say what is wrong and how to put it right."""

from __future__ import annotations

import datetime as dt
import time
import uuid

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imroc.college import contacts, fidelity
from imroc.college.models import (
    FEEDBACK_QUESTIONS,
    SCALE,
    Attendance,
    CoProduction,
    Course,
    Learner,
    Trainer,
)
from imroc.core.forms import (
    DATE_ERRORS,
    DateInput,
    ModelChoiceField,
    ModelMultipleChoiceField,
    check_date,
    text_field,
)
from imroc.improvement.models import Chime
from imroc.programme.models import StakeholderGroup

TOO_LONG = _("Keep this to %(limit_value)d characters or fewer.")
CHOICE_ERRORS = {"invalid_choice": _("Choose one of the options."), "required": _("Choose one of the options.")}  # fmt: skip


def _char(label, max_length, required=True, help_text="", required_message=""):
    """A one-line text field. A required one needs its own ``required_message``: a whole
    sentence, so it can be translated."""
    errors = {"max_length": TOO_LONG}
    if required_message:
        errors["required"] = required_message
    return forms.CharField(
        label=label, max_length=max_length, required=required, help_text=help_text,
        error_messages=errors,
    )  # fmt: skip


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self):
        super().__init__(required=False)


class CollegeForm(forms.Form):
    name = _char(
        _("Name of the college"), 150, required_message=_("Enter the name of the college.")
    )
    about = text_field(_("About the college"), max_length=4000, rows=4, help_text=_("Shown at the top of the prospectus."))  # fmt: skip
    how_to_contact = _char(
        _("How the public can contact the college"), 300, required=False,
        help_text=_("A shared phone line, email or address. Never a person's own details."),
    )  # fmt: skip
    publish_prospectus = forms.BooleanField(
        label=_("Publish the prospectus, so anyone can see it without signing in"), required=False
    )
    version = VersionField()


class WordingUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Wording file (.yaml or .csv)"),
        help_text=_("Map each key (component-1 to component-12) to your licensed wording."),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
        },
    )


class TrainerForm(forms.Form):
    name = _char(_("Name"), 150, required_message=_("Enter the name."))
    kind = forms.ChoiceField(
        label=_("Trains as"), choices=Trainer.Kind.choices, widget=forms.RadioSelect, error_messages=CHOICE_ERRORS
    )  # fmt: skip
    lived_experience = forms.BooleanField(
        label=_("Brings their own lived experience of mental health problems to teaching"),
        required=False,
        help_text=_(
            "This never means sharing a diagnosis or any health details. Peer trainers choose what, if anything, to share."
        ),
    )
    training_status = forms.ChoiceField(
        label=_("Trainer training"), choices=Trainer.Training.choices, error_messages=CHOICE_ERRORS
    )
    trained_on = forms.DateField(label=_("Finished training on"), required=False, widget=DateInput(), error_messages=DATE_ERRORS)  # fmt: skip
    user = ModelChoiceField(
        label=_("Signs in as"), queryset=None, required=False,
        help_text=_("Link a person who signs in, so they can take the register for their courses."),
        error_messages={"invalid_choice": _("Choose someone from the list.")},
    )  # fmt: skip
    active = forms.BooleanField(
        label=_("Active: can be named on new runs"), required=False, initial=True
    )
    version = VersionField()

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people

    def clean_trained_on(self):
        return check_date(
            self.cleaned_data.get("trained_on"), _("The training date"), future_days=0
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Trainer.Kind.PEER and not cleaned.get("lived_experience"):
            self.add_error(
                "lived_experience",
                _(
                    "A peer trainer brings lived experience. Tick the box, or choose practitioner trainer."
                ),
            )
        return cleaned


class CourseForm(forms.Form):
    title = _char(_("Course title"), 150, required_message=_("Enter the course title."))
    description = text_field(
        _("What the course is about"), required=True, max_length=4000, rows=5,
        help_text=_("Plain words a new learner understands."), required_message=_("Say what the course is about."),
    )  # fmt: skip
    learning_outcomes = text_field(
        _("What learners will take away"), required=True, max_length=4000, rows=4,
        help_text=_("One a line."), required_message=_("Give at least one learning outcome."),
    )  # fmt: skip
    chime = forms.MultipleChoiceField(
        label=_("Which parts of recovery it supports (CHIME)"), choices=Chime.choices, required=False,
        widget=forms.CheckboxSelectMultiple, error_messages={"invalid_choice": _("Choose from the list.")},
    )  # fmt: skip
    challenge = ModelChoiceField(
        label=_("The challenge it serves"), queryset=None, required=False,
        error_messages={"invalid_choice": _("Choose a challenge from the list.")},
    )  # fmt: skip
    format = forms.ChoiceField(label=_("Format"), choices=Course.Format.choices, widget=forms.RadioSelect, error_messages=CHOICE_ERRORS)  # fmt: skip
    length = _char(_("Length"), 100, help_text=_("For example: 4 sessions of 2 hours."), required_message=_("Enter the length."))  # fmt: skip
    audience = forms.ChoiceField(label=_("Who may attend"), choices=Course.Audience.choices, error_messages=CHOICE_ERRORS)  # fmt: skip
    who_can_attend = _char(_("More about who may attend"), 300, required=False)
    accessibility = text_field(_("Accessibility"), max_length=2000, help_text=_("Step-free access, hearing loop, breaks, large print, captions."))  # fmt: skip
    completion_rule = forms.ChoiceField(label=_("Completion rule"), choices=Course.Completion.choices, error_messages=CHOICE_ERRORS)  # fmt: skip
    completion_value = forms.IntegerField(
        label=_("Sessions or percentage needed"), min_value=1, max_value=100, initial=75,
        error_messages={"required": _("Enter a number."), "invalid": _("Enter a whole number, like 3 or 75."),
                        "min_value": _("Enter 1 or more."), "max_value": _("Enter 100 or less.")},
    )  # fmt: skip
    status = forms.ChoiceField(label=_("Show on the prospectus?"), choices=Course.Status.choices, error_messages=CHOICE_ERRORS)  # fmt: skip
    co_reviewed_on = forms.DateField(label=_("Last co-reviewed on"), required=False, widget=DateInput(), error_messages=DATE_ERRORS)  # fmt: skip
    version = VersionField()

    def __init__(self, *args, challenges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = challenges
        self.fields["challenge"].label_from_instance = lambda c: f"{c.number}. {c.short_title}"

    def clean_co_reviewed_on(self):
        return check_date(
            self.cleaned_data.get("co_reviewed_on"), _("The review date"), future_days=0
        )

    def course_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class CoProductionForm(forms.Form):
    stage = forms.ChoiceField(label=_("What they did"), choices=CoProduction.Stage.choices, widget=forms.RadioSelect, error_messages=CHOICE_ERRORS)  # fmt: skip
    group = forms.ChoiceField(label=_("Takes part as"), choices=StakeholderGroup.choices, error_messages=CHOICE_ERRORS)  # fmt: skip
    contributor = _char(_("Who"), 150, help_text=_("A name, a role or a group, such as 'Hearing Voices group'."), required_message=_("Enter the who."))  # fmt: skip
    on = forms.DateField(
        label=_("When"), required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )

    def clean_on(self):
        return check_date(self.cleaned_data.get("on"), _("The date"), future_days=0)


class TermForm(forms.Form):
    name = _char(_("Term name"), 100, help_text=_("For example: Autumn 2026."), required_message=_("Enter the term name."))  # fmt: skip
    starts_on = forms.DateField(
        label=_("Starts on"), widget=DateInput(), error_messages=DATE_ERRORS
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput(), error_messages=DATE_ERRORS)

    def clean_starts_on(self):
        return check_date(self.cleaned_data["starts_on"], _("The start date"), future_days=800)

    def clean_ends_on(self):
        return check_date(self.cleaned_data["ends_on"], _("The end date"), future_days=1200)


class RunForm(forms.Form):
    term = ModelChoiceField(label=_("Term"), queryset=None, error_messages={"required": _("Choose a term."), "invalid_choice": _("Choose a term from the list.")})  # fmt: skip
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, max_value=500,
        error_messages={"required": _("Enter the number of places."), "invalid": _("Enter a whole number, like 12."),
                        "min_value": _("A run needs at least 1 place."), "max_value": _("Enter 500 places or fewer.")},
    )  # fmt: skip
    peer_trainer = ModelChoiceField(label=_("Peer trainer"), queryset=None, required=False, error_messages={"invalid_choice": _("Choose a peer trainer from the list.")})  # fmt: skip
    practitioner_trainer = ModelChoiceField(label=_("Practitioner trainer"), queryset=None, required=False, error_messages={"invalid_choice": _("Choose a practitioner trainer from the list.")})  # fmt: skip
    enrolment_open = forms.BooleanField(label=_("Open for enrolment"), required=False, initial=True)
    cancelled = forms.BooleanField(label=_("Cancel this run"), required=False)
    version = VersionField()

    def __init__(self, *args, terms, peers, practitioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms
        self.fields["peer_trainer"].queryset = peers
        self.fields["practitioner_trainer"].queryset = practitioners

    def run_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class SessionForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput(), error_messages=DATE_ERRORS)
    starts = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), error_messages={"required": _("Enter the start time."), "invalid": _("Enter a time, like 10:00.")})  # fmt: skip
    ends = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), error_messages={"required": _("Enter the end time."), "invalid": _("Enter a time, like 12:00.")})  # fmt: skip
    place = _char(_("Place"), 200, required=False, help_text=_("The room and address."))
    online_link = forms.URLField(label=_("Online link"), required=False, max_length=200, assume_scheme="https", error_messages={"invalid": _("Enter a full web address, like https://meet.example.org/room.")})  # fmt: skip

    def clean_day(self):
        return check_date(self.cleaned_data["day"], _("The date"), future_days=800)

    def session_fields(self) -> dict:
        tz = timezone.get_current_timezone()
        c = self.cleaned_data
        return {
            "starts_at": dt.datetime.combine(c["day"], c["starts"], tzinfo=tz),
            "ends_at": dt.datetime.combine(c["day"], c["ends"], tzinfo=tz),
            "place": c["place"],
            "online_link": c["online_link"],
        }


GROUP_CHOICES = [*Learner.Group.choices, ("", _("I would rather not say"))]


class EnrolForm(forms.Form):
    """The public enrolment form: the least we need to arrange a place."""

    name = _char(
        _("Your name"), 100,
        help_text=_("The name you like to be called. It does not have to be your full name."),
        required_message=_("Enter your name, or the name you like to be called."),
    )  # fmt: skip
    contact = forms.CharField(
        label=_("Email address or phone number"), max_length=254,
        help_text=_("We use this only to send you details about the course. Staff cannot see it unless they arrange courses."),
        error_messages={"required": contacts.CONTACT_ERROR, "max_length": _("That is too long for an email address or phone number.")},
    )  # fmt: skip
    group = forms.ChoiceField(
        label=_("Are you coming as…"), choices=GROUP_CHOICES, required=False, widget=forms.RadioSelect,
        help_text=_("Learners come side by side. This only helps us count who the college reaches."),
        error_messages=CHOICE_ERRORS,
    )  # fmt: skip
    access_needs = text_field(
        _("Anything that would help you take part"), max_length=2000,
        help_text=_("For example: step-free access, a quiet space, large print, or someone to meet you at the door."),
    )  # fmt: skip
    access_needs.error_messages["max_length"] = TOO_LONG
    consent = forms.BooleanField(
        label=_("I agree that the college keeps my name and contact to arrange my place, and deletes them when they are no longer needed."),
        error_messages={"required": _("Tick the box to agree, so the college can keep your details to arrange your place.")},
    )  # fmt: skip
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        if staff:
            self.fields["name"].label = _("The learner's name")
            self.fields["contact"].help_text = _("An email address or phone number.")
            self.fields["group"].label = _("They are coming as…")
            self.fields["access_needs"].label = _("Access needs")
            self.fields["consent"].label = _("The learner agreed that the college keeps their name and contact to arrange their place.")  # fmt: skip

    def clean_contact(self):
        value = self.cleaned_data["contact"]
        contacts.normalise(value)  # raises the plain message
        return value.strip()


class PublicEnrolForm(EnrolForm):
    """The enrolment form anyone can send, with two quiet checks against scripts.

    - ``leave_empty`` is a box hidden from people (the ``hidden`` attribute: not shown, not
      reached by keyboard, not read by screen readers). Scripts fill in every box they find.
    - ``started`` is a signed time stamp written when the page was made. People take longer than
      ``IMROC_ENROL_MIN_SECONDS`` to fill in the form; scripts do not. A form sent too soon gets
      a plain message and keeps what was typed, so a person who was really that quick sends it
      again.

    Neither needs JavaScript, a third party or a puzzle.
    """

    SALT = "imroc.college.enrol-started"

    leave_empty = forms.CharField(
        label=_("Leave this box empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = signing.dumps(time.time(), salt=self.SALT)

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != "leave_empty"]

    def looks_automated(self) -> bool:
        """True when the hidden box was filled in: answer as if all went well, do nothing."""
        return bool(self.cleaned_data.get("leave_empty"))

    def clean_started(self):
        value = self.cleaned_data.get("started", "")
        try:
            started = float(signing.loads(value, salt=self.SALT))
        except (signing.BadSignature, TypeError, ValueError):
            started = time.time()  # a page made before this check, or altered: start now
        if time.time() - started < settings.IMROC_ENROL_MIN_SECONDS:
            # A new stamp, so sending the same form again in a moment works.
            self.data = self.data.copy()
            self.data[self.add_prefix("started")] = signing.dumps(started, salt=self.SALT)
            # Not the hidden box's error: the whole form's, shown at the top.
            self.add_error(
                None, _("That was very quick. Please check your details, then send the form again.")
            )
        return value


class CancelPlaceForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, cancel my place"),
        error_messages={"required": _("Tick the box to confirm you want to cancel.")},
    )


class ContactForm(forms.Form):
    contact = forms.CharField(
        label=_("The email address you enrolled with"), max_length=254,
        error_messages={"required": _("Enter the email address you enrolled with.")},
    )  # fmt: skip

    def clean_contact(self):
        value = self.cleaned_data["contact"]
        contacts.normalise(value)
        return value.strip()


class RegisterForm(forms.Form):
    """One session's register: a plain radio group per learner."""

    def __init__(self, *args, enrolments, marks, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        for enrolment in enrolments:
            self.fields[f"a-{enrolment.public_id}"] = forms.ChoiceField(
                label=enrolment.learner.display_name, choices=Attendance.Status.choices,
                widget=forms.RadioSelect, required=False, initial=marks.get(enrolment.pk),
                error_messages=CHOICE_ERRORS,
            )  # fmt: skip

    def rows(self):
        return [(e, self[f"a-{e.public_id}"]) for e in self.enrolments]

    def marks(self) -> dict[int, str]:
        return {
            e.pk: self.cleaned_data[f"a-{e.public_id}"]
            for e in self.enrolments
            if self.cleaned_data.get(f"a-{e.public_id}")
        }


class PlanForm(forms.Form):
    goals = text_field(_("The learner's goals"), required=True, rows=5, required_message=_("Write at least one goal, in the learner's words."))  # fmt: skip
    courses = ModelMultipleChoiceField(label=_("Courses chosen"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple, error_messages={"invalid_choice": _("Choose courses from the list.")})  # fmt: skip
    wants_tutor = forms.BooleanField(label=_("Would like a personal tutor"), required=False)
    tutor = ModelChoiceField(label=_("Personal tutor"), queryset=None, required=False, error_messages={"invalid_choice": _("Choose a tutor from the list.")})  # fmt: skip
    next_review_on = forms.DateField(label=_("Review the plan on"), required=False, widget=DateInput(), error_messages=DATE_ERRORS)  # fmt: skip
    version = VersionField()

    def __init__(self, *args, courses, tutors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = courses
        self.fields["tutor"].queryset = tutors

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("tutor") and not cleaned.get("wants_tutor"):
            self.add_error(
                "wants_tutor", _("Tick this box if the learner would like the tutor you chose.")
            )
        return cleaned


class EraseForm(forms.Form):
    reason = _char(_("Why the learner is being erased"), 300, help_text=_("For example: asked by the learner by phone on 3 May."), required_message=_("Say why, for example 'asked by the learner on 3 May'."))  # fmt: skip
    confirm = forms.BooleanField(label=_("I understand this cannot be undone"), error_messages={"required": _("Tick the box to confirm.")})  # fmt: skip


class FeedbackForm(forms.Form):
    comment = text_field(_("Anything else you would like to tell us?"), max_length=2000, rows=4, help_text=_("Please do not include names."))  # fmt: skip
    comment.error_messages["max_length"] = TOO_LONG

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, question in FEEDBACK_QUESTIONS:
            self.fields[key] = forms.TypedChoiceField(
                label=question, choices=SCALE, coerce=int, widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer for this question."), "invalid_choice": _("Choose an answer for this question.")},
            )  # fmt: skip
        self.order_fields([k for k, _ in FEEDBACK_QUESTIONS] + ["comment"])

    def answers(self) -> dict[str, int]:
        return {k: self.cleaned_data[k] for k, _ in FEEDBACK_QUESTIONS}


class FidelityForm(forms.Form):
    done_on = forms.DateField(label=_("Date of the self-check"), widget=DateInput(), error_messages=DATE_ERRORS)  # fmt: skip
    notes = text_field(_("Notes"), max_length=4000, help_text=_("Who took part, and what you will do next."))  # fmt: skip

    def __init__(self, *args, wording, **kwargs):
        super().__init__(*args, **kwargs)
        for component in fidelity.COMPONENTS:
            self.fields[component.key] = forms.TypedChoiceField(
                label=fidelity.label(component, wording), choices=component.choices, coerce=int,
                widget=forms.RadioSelect,
                help_text=component.neutral_label if component.key in wording else "",
                error_messages={"required": fidelity.score_error(component),
                                "invalid_choice": fidelity.score_error(component)},
            )  # fmt: skip
        self.order_fields(["done_on", *[c.key for c in fidelity.COMPONENTS], "notes"])

    def clean_done_on(self):
        return check_date(self.cleaned_data["done_on"], _("The date"), future_days=0)

    def scores(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[c.key] for c in fidelity.COMPONENTS}


class FilterForm(forms.Form):
    """The prospectus filter: a GET form that works without JavaScript."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    term = forms.ChoiceField(label=_("Term"), required=False)
    chime = forms.ChoiceField(label=_("Part of recovery"), required=False, choices=[("", _("Any")), *Chime.choices])  # fmt: skip
    format = forms.ChoiceField(label=_("Format"), required=False, choices=[("", _("Any")), *Course.Format.choices])  # fmt: skip
    audience = forms.ChoiceField(label=_("Who it is for"), required=False, choices=[("", _("Anyone")), *Course.Audience.choices])  # fmt: skip

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [
            ("", _("Any term")),
            *[(str(t.public_id), t.name) for t in terms],
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        c = self.cleaned_data
        return {"term": c["term"], "chime": c["chime"], "format": c["format"], "audience": c["audience"], "text": c["q"].strip()}  # fmt: skip
