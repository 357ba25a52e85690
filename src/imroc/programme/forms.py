"""Forms for programme pages. Messages say what is wrong and how to put it right."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from imroc.core.forms import (
    DATE_ERRORS,
    DateInput,
    ModelChoiceField,
    ModelMultipleChoiceField,
    check_date,
    text_field,
)
from imroc.framework.scales import Chime
from imroc.programme.models import (
    Category,
    Organisation,
    Resource,
    StakeholderGroup,
    SupportEntry,
    Team,
)


class TeamForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Team
        fields = ["name", "kind", "description", "staff_count"]
        labels = {
            "name": _("Team name"),
            "kind": _("Type of team"),
            "description": _("Description"),
            "staff_count": _("Number of staff"),
        }
        help_texts = {"description": _("What the team does and who it works with. Optional.")}
        error_messages = {
            "name": {
                "required": _("Enter the team's name."),
                "max_length": _("The team name must be %(limit_value)d characters or fewer."),
            },
            "kind": {"invalid_choice": _("Choose a type of team from the list.")},
            "description": {
                "max_length": _("The description must be %(limit_value)d characters or fewer.")
            },
            "staff_count": {
                "invalid": _("Enter the number of staff as a whole number, like 12."),
                "min_value": _("The number of staff cannot be below zero."),
            },
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_staff_count(self):
        value = self.cleaned_data.get("staff_count")
        if value is not None and value > 10000:
            raise forms.ValidationError(
                _("The number of staff looks too large. Check it and try again.")
            )
        return value


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Framework file"),
        help_text=_(
            "A YAML file in the same layout as the framework shipped with imroc. Up to 512 KB."
        ),
        error_messages={
            "required": _("Choose a framework file to upload."),
            "empty": _("The file you chose is empty."),
            "invalid": _("Choose a framework file to upload."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".yaml", ".yml")):
            raise forms.ValidationError(_("The framework file must be a .yaml file."))
        if upload.size > 512 * 1024:
            raise forms.ValidationError(_("The framework file must be 512 KB or smaller."))
        return upload


# --- The learning network -----------------------------------------------------------------


def _required(message, max_length: int | None = None) -> dict:
    """Error messages for a text field: the whole "Enter …" sentence, and the length limit."""
    errors = {"required": message}
    if max_length:
        errors["max_length"] = _("Keep this to %(limit_value)d characters or fewer.")
    return errors


class ApplicationForm(forms.Form):
    name = forms.CharField(
        label=_("Organisation name"),
        max_length=200,
        error_messages=_required(_("Enter the organisation's name."), 200),
    )
    org_type = forms.ChoiceField(
        label=_("Type of organisation"), choices=Organisation.Type.choices,
        error_messages={"required": _("Choose the type of organisation."), "invalid_choice": _("Choose a type from the list.")},
    )  # fmt: skip
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", _("Choose a country")), *list(countries)],
        error_messages={"required": _("Choose the country."), "invalid_choice": _("Choose a country from the list.")},
    )  # fmt: skip
    region = forms.CharField(
        label=_("Region"),
        required=False,
        max_length=100,
        error_messages=_required(_("Enter the region."), 100),
    )
    contact_name = forms.CharField(
        label=_("Contact name"),
        max_length=150,
        error_messages=_required(_("Enter the contact's name."), 150),
    )
    contact_email = forms.EmailField(
        label=_("Contact email"), max_length=254,
        error_messages={"required": _("Enter the contact's email address."), "invalid": _("Enter an email address like name@example.org.")},
    )  # fmt: skip
    submitted_on = forms.DateField(
        label=_("Date of the application"), widget=DateInput(), error_messages=DATE_ERRORS
    )
    motivation = text_field(
        _("Why they want to join"),
        required=True,
        required_message=_("Say why the organisation wants to join."),
    )
    challenges = forms.MultipleChoiceField(
        label=_("Challenges they want to work on"), required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose challenges from the list.")},
    )  # fmt: skip
    current_position = text_field(
        _("Where they are now"), help_text=_("Their own view of their position today. Optional.")
    )

    def __init__(self, *args, challenges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenges"].choices = [
            (c.slug, f"{c.number}. {c.short_title}") for c in challenges
        ]

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_submitted_on(self):
        return check_date(
            self.cleaned_data["submitted_on"], gettext("The date of the application"), future_days=0
        )


class AcceptForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose a category."), "invalid_choice": _("Choose a category from the list.")},
    )  # fmt: skip
    reason = text_field(
        _("Why this category"),
        required=True,
        rows=2,
        required_message=_("Say why you chose this category."),
    )
    joined_on = forms.DateField(
        label=_("Joins the programme on"), widget=DateInput(), error_messages=DATE_ERRORS
    )
    lead_name = forms.CharField(
        label=_("Site lead's name"),
        max_length=150,
        error_messages=_required(_("Enter the site lead's name."), 150),
    )
    lead_email = forms.EmailField(
        label=_("Site lead's email"), help_text=_("We send them a link to set their password."),
        error_messages={"required": _("Enter the site lead's email address."), "invalid": _("Enter an email address like name@example.org.")},
    )  # fmt: skip

    def clean_joined_on(self):
        return check_date(self.cleaned_data["joined_on"], gettext("The date"))


class DeclineForm(forms.Form):
    reason = text_field(
        _("Why the application is declined"),
        required=True,
        rows=3,
        required_message=_("Say why the application is declined."),
    )


class CategoryChangeForm(forms.Form):
    category = forms.ChoiceField(
        label=_("New category"), choices=Category.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose a category."), "invalid_choice": _("Choose a category from the list.")},
    )  # fmt: skip
    effective_from = forms.DateField(
        label=_("From"), widget=DateInput(), error_messages=DATE_ERRORS
    )
    reason = text_field(
        _("Why"), required=True, rows=2, required_message=_("Say why the category changes.")
    )

    def clean_effective_from(self):
        return check_date(self.cleaned_data["effective_from"], gettext("The date"))


class SupportEntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type of contact"), choices=SupportEntry.Kind.choices,
        error_messages={"required": _("Choose the type of contact."), "invalid_choice": _("Choose a type from the list.")},
    )  # fmt: skip
    happened_on = forms.DateField(label=_("Date"), widget=DateInput(), error_messages=DATE_ERRORS)
    summary = text_field(
        _("What happened"), required=True, required_message=_("Say what happened.")
    )
    agreed_actions = text_field(
        _("Actions agreed"), help_text=_("Who will do what, by when. Optional.")
    )
    follow_up_on = forms.DateField(
        label=_("Follow up on"), required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )

    def clean_happened_on(self):
        return check_date(self.cleaned_data["happened_on"], gettext("The date"), future_days=0)

    def clean_follow_up_on(self):
        return check_date(self.cleaned_data.get("follow_up_on"), gettext("The follow-up date"))


class LearningSetForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages=_required(_("Enter a title."), 200)
    )
    themes = ModelMultipleChoiceField(
        label=_("Themes"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one challenge as the theme."), "invalid_choice": _("Choose themes from the list."),
                        "invalid_pk_value": _("Choose themes from the list.")},
    )  # fmt: skip
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": _("Enter when it starts."), "invalid": _("Enter a date and time, like 2024-05-14 10:00.")},
    )  # fmt: skip
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": _("Enter when it ends."), "invalid": _("Enter a date and time, like 2024-05-14 16:00.")},
    )  # fmt: skip
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=300,
        error_messages=_required(_("Enter the place."), 300),
    )
    online_link = forms.URLField(
        label=_("Online link"), required=False, assume_scheme="https",
        error_messages={"invalid": _("Enter a full web address, like https://meet.example.org/abc.")},
    )  # fmt: skip
    description = text_field(_("What it is about"), help_text=_("Optional."))
    facilitators = text_field(
        _("Facilitators"), required=True, rows=3, max_length=2000,
        help_text=_("One a line. Add “(lived experience)” after the name of anyone facilitating from their own lived experience."),
        required_message=_("Name at least one facilitator."),
    )  # fmt: skip
    invited_categories = forms.MultipleChoiceField(
        label=_("Invite these sites"), choices=Category.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose which sites to invite."), "invalid_choice": _("Choose from the list.")},
    )  # fmt: skip

    def __init__(self, *args, challenges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = challenges
        self.fields["themes"].label_from_instance = lambda c: f"{c.number}. {c.short_title}"

    def clean_facilitators(self):
        people = []
        for line in self.cleaned_data["facilitators"].splitlines():
            line = " ".join(line.split())
            if not line:
                continue
            # The marker in English, and as the help text gives it in the language in use.
            markers = {"(lived experience)", gettext("(lived experience)")}
            lived = any(marker.lower() in line.lower() for marker in markers)
            for marker in markers:
                line = re.sub(re.escape(marker), "", line, flags=re.IGNORECASE)
            name = " ".join(line.split())
            if not name or len(name) > 150:
                raise forms.ValidationError(
                    _("Each facilitator's name must be 1 to 150 characters.")
                )
            people.append((name, lived))
        if not people:
            raise forms.ValidationError(_("Name at least one facilitator."))
        return people


class AttendanceForm(forms.Form):
    site = ModelChoiceField(
        label=_("Site"), queryset=None, to_field_name="slug",
        error_messages={"required": _("Choose the site."), "invalid_choice": _("Choose one of the invited sites.")},
    )  # fmt: skip
    person = forms.CharField(
        label=_("Name"),
        max_length=150,
        error_messages=_required(_("Enter the person's name."), 150),
    )
    stakeholder_group = forms.ChoiceField(
        label=_("Takes part as"), choices=StakeholderGroup.choices,
        error_messages={"required": _("Choose how the person takes part."), "invalid_choice": _("Choose from the list.")},
    )  # fmt: skip

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class ActionForm(forms.Form):
    site = ModelChoiceField(
        label=_("Site"), queryset=None, to_field_name="slug",
        error_messages={"required": _("Choose the site."), "invalid_choice": _("Choose one of the invited sites.")},
    )  # fmt: skip
    text = text_field(
        _("Note or action agreed"),
        required=True,
        rows=2,
        max_length=2000,
        required_message=_("Write the note or action."),
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


SCALE = [("1", _("1 – Not at all")), ("2", "2"), ("3", "3"), ("4", "4"), ("5", _("5 – Very much"))]


class EvaluationForm(forms.Form):
    useful = forms.TypedChoiceField(
        label=_("How useful was the learning set for your work?"), choices=SCALE, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer from 1 to 5."), "invalid_choice": _("Choose an answer from 1 to 5.")},
    )  # fmt: skip
    will_use = forms.TypedChoiceField(
        label=_("How likely are you to use what you learned?"), choices=SCALE, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer from 1 to 5."), "invalid_choice": _("Choose an answer from 1 to 5.")},
    )  # fmt: skip
    voices_heard = forms.TypedChoiceField(
        label=_("Were the voices of people with lived experience heard?"), choices=SCALE, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer from 1 to 5."), "invalid_choice": _("Choose an answer from 1 to 5.")},
    )  # fmt: skip
    comments = text_field(
        _("Anything else you want to tell us"),
        max_length=2000,
        help_text=_("Optional. Do not include names."),
    )


class ResourceForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages=_required(_("Enter a title."), 200)
    )
    description = text_field(_("What it is and who it is for"), help_text=_("Optional."))
    kind = forms.ChoiceField(
        label=_("Type"), choices=Resource.Kind.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose the type."), "invalid_choice": _("Choose a type from the list.")},
    )  # fmt: skip
    file = forms.FileField(
        label=_("File"), required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, image or text. Up to 10 MB."),
        error_messages={"empty": _("The file you chose is empty."), "invalid": _("Choose a file.")},
    )  # fmt: skip
    url = forms.URLField(
        label=_("Web address"), required=False, assume_scheme="https",
        error_messages={"invalid": _("Enter a full web address, like https://example.org/guide.")},
    )  # fmt: skip
    challenges = ModelMultipleChoiceField(
        label=_("Challenges"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose challenges from the list."), "invalid_pk_value": _("Choose challenges from the list.")},
    )  # fmt: skip
    chime = forms.MultipleChoiceField(
        label=_("CHIME"), choices=Chime.choices, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from the list.")},
    )  # fmt: skip
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Resource.Visibility.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose who can see it."), "invalid_choice": _("Choose from the list.")},
    )  # fmt: skip

    def __init__(self, *args, challenges, for_site: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenges"].queryset = challenges
        self.fields["challenges"].label_from_instance = lambda c: f"{c.number}. {c.short_title}"
        allowed = [
            Resource.Visibility.NETWORK,
            Resource.Visibility.SITE if for_site else Resource.Visibility.PROGRAMME,
        ]
        self.fields["visibility"].choices = [(v.value, v.label) for v in allowed]


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    challenge = forms.ChoiceField(label=_("Challenge"), required=False)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *Resource.Kind.choices]
    )

    def __init__(self, *args, challenges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].choices = [("", _("Any challenge"))] + [
            (c.slug, f"{c.number}. {c.short_title}") for c in challenges
        ]


class ProgrammeFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices]
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, regions, country_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions"))] + [(r, r) for r in regions]
        names = dict(countries)
        self.fields["country"].choices = [("", _("All countries"))] + [
            (c, names.get(c, c)) for c in country_codes
        ]
