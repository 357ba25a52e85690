"""Forms for programme pages. Messages say what is wrong and how to put it right."""

from __future__ import annotations

from django import forms
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
        labels = {"name": "Team name", "kind": "Type of team", "staff_count": "Number of staff"}
        help_texts = {"description": "What the team does and who it works with. Optional."}
        error_messages = {
            "name": {
                "required": "Enter the team's name.",
                "max_length": "The team name must be %(limit_value)d characters or fewer.",
            },
            "kind": {"invalid_choice": "Choose a type of team from the list."},
            "description": {
                "max_length": "The description must be %(limit_value)d characters or fewer."
            },
            "staff_count": {
                "invalid": "Enter the number of staff as a whole number, like 12.",
                "min_value": "The number of staff cannot be below zero.",
            },
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_staff_count(self):
        value = self.cleaned_data.get("staff_count")
        if value is not None and value > 10000:
            raise forms.ValidationError(
                "The number of staff looks too large. Check it and try again."
            )
        return value


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label="Framework file",
        help_text="A YAML file in the same layout as the framework shipped with imroc. Up to 512 KB.",
        error_messages={
            "required": "Choose a framework file to upload.",
            "empty": "The file you chose is empty.",
            "invalid": "Choose a framework file to upload.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".yaml", ".yml")):
            raise forms.ValidationError("The framework file must be a .yaml file.")
        if upload.size > 512 * 1024:
            raise forms.ValidationError("The framework file must be 512 KB or smaller.")
        return upload


# --- The learning network -----------------------------------------------------------------

REQUIRED = "Enter {what}."


def _required(what: str, max_length: int | None = None) -> dict:
    errors = {"required": REQUIRED.format(what=what)}
    if max_length:
        errors["max_length"] = "Keep this to %(limit_value)d characters or fewer."
    return errors


class ApplicationForm(forms.Form):
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        error_messages=_required("the organisation's name", 200),
    )
    org_type = forms.ChoiceField(
        label="Type of organisation", choices=Organisation.Type.choices,
        error_messages={"required": "Choose the type of organisation.", "invalid_choice": "Choose a type from the list."},
    )  # fmt: skip
    country = forms.ChoiceField(
        label="Country", choices=[("", "Choose a country"), *list(countries)],
        error_messages={"required": "Choose the country.", "invalid_choice": "Choose a country from the list."},
    )  # fmt: skip
    region = forms.CharField(
        label="Region", required=False, max_length=100, error_messages=_required("the region", 100)
    )
    contact_name = forms.CharField(
        label="Contact name", max_length=150, error_messages=_required("the contact's name", 150)
    )
    contact_email = forms.EmailField(
        label="Contact email", max_length=254,
        error_messages={"required": "Enter the contact's email address.", "invalid": "Enter an email address like name@example.org."},
    )  # fmt: skip
    submitted_on = forms.DateField(
        label="Date of the application", widget=DateInput(), error_messages=DATE_ERRORS
    )
    motivation = text_field(
        "Why they want to join",
        required=True,
        required_message="Say why the organisation wants to join.",
    )
    challenges = forms.MultipleChoiceField(
        label="Challenges they want to work on", required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose challenges from the list."},
    )  # fmt: skip
    current_position = text_field(
        "Where they are now", help_text="Their own view of their position today. Optional."
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
            self.cleaned_data["submitted_on"], "The date of the application", future_days=0
        )


class AcceptForm(forms.Form):
    category = forms.ChoiceField(
        label="Category", choices=Category.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose a category.", "invalid_choice": "Choose a category from the list."},
    )  # fmt: skip
    reason = text_field(
        "Why this category",
        required=True,
        rows=2,
        required_message="Say why you chose this category.",
    )
    joined_on = forms.DateField(
        label="Joins the programme on", widget=DateInput(), error_messages=DATE_ERRORS
    )
    lead_name = forms.CharField(
        label="Site lead's name",
        max_length=150,
        error_messages=_required("the site lead's name", 150),
    )
    lead_email = forms.EmailField(
        label="Site lead's email", help_text="We send them a link to set their password.",
        error_messages={"required": "Enter the site lead's email address.", "invalid": "Enter an email address like name@example.org."},
    )  # fmt: skip

    def clean_joined_on(self):
        return check_date(self.cleaned_data["joined_on"], "The date")


class DeclineForm(forms.Form):
    reason = text_field(
        "Why the application is declined",
        required=True,
        rows=3,
        required_message="Say why the application is declined.",
    )


class CategoryChangeForm(forms.Form):
    category = forms.ChoiceField(
        label="New category", choices=Category.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose a category.", "invalid_choice": "Choose a category from the list."},
    )  # fmt: skip
    effective_from = forms.DateField(label="From", widget=DateInput(), error_messages=DATE_ERRORS)
    reason = text_field(
        "Why", required=True, rows=2, required_message="Say why the category changes."
    )

    def clean_effective_from(self):
        return check_date(self.cleaned_data["effective_from"], "The date")


class SupportEntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type of contact", choices=SupportEntry.Kind.choices,
        error_messages={"required": "Choose the type of contact.", "invalid_choice": "Choose a type from the list."},
    )  # fmt: skip
    happened_on = forms.DateField(label="Date", widget=DateInput(), error_messages=DATE_ERRORS)
    summary = text_field("What happened", required=True, required_message="Say what happened.")
    agreed_actions = text_field("Actions agreed", help_text="Who will do what, by when. Optional.")
    follow_up_on = forms.DateField(
        label="Follow up on", required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )

    def clean_happened_on(self):
        return check_date(self.cleaned_data["happened_on"], "The date", future_days=0)

    def clean_follow_up_on(self):
        return check_date(self.cleaned_data.get("follow_up_on"), "The follow-up date")


class LearningSetForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages=_required("a title", 200))
    themes = ModelMultipleChoiceField(
        label="Themes", queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one challenge as the theme.", "invalid_choice": "Choose themes from the list.",
                        "invalid_pk_value": "Choose themes from the list."},
    )  # fmt: skip
    starts_at = forms.DateTimeField(
        label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": "Enter when it starts.", "invalid": "Enter a date and time, like 2024-05-14 10:00."},
    )  # fmt: skip
    ends_at = forms.DateTimeField(
        label="Ends", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": "Enter when it ends.", "invalid": "Enter a date and time, like 2024-05-14 16:00."},
    )  # fmt: skip
    place = forms.CharField(
        label="Place", required=False, max_length=300, error_messages=_required("the place", 300)
    )
    online_link = forms.URLField(
        label="Online link", required=False, assume_scheme="https",
        error_messages={"invalid": "Enter a full web address, like https://meet.example.org/abc."},
    )  # fmt: skip
    description = text_field("What it is about", help_text="Optional.")
    facilitators = text_field(
        "Facilitators", required=True, rows=3, max_length=2000,
        help_text="One a line. Add “(lived experience)” after the name of anyone facilitating from their own lived experience.",
        required_message="Name at least one facilitator.",
    )  # fmt: skip
    invited_categories = forms.MultipleChoiceField(
        label="Invite these sites", choices=Category.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose which sites to invite.", "invalid_choice": "Choose from the list."},
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
            lived = "(lived experience)" in line.lower()
            name = line.replace("(lived experience)", "").replace("(Lived experience)", "").strip()
            if not name or len(name) > 150:
                raise forms.ValidationError("Each facilitator's name must be 1 to 150 characters.")
            people.append((name, lived))
        if not people:
            raise forms.ValidationError("Name at least one facilitator.")
        return people


class AttendanceForm(forms.Form):
    site = ModelChoiceField(
        label="Site", queryset=None, to_field_name="slug",
        error_messages={"required": "Choose the site.", "invalid_choice": "Choose one of the invited sites."},
    )  # fmt: skip
    person = forms.CharField(
        label="Name", max_length=150, error_messages=_required("the person's name", 150)
    )
    stakeholder_group = forms.ChoiceField(
        label="Takes part as", choices=StakeholderGroup.choices,
        error_messages={"required": "Choose how the person takes part.", "invalid_choice": "Choose from the list."},
    )  # fmt: skip

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class ActionForm(forms.Form):
    site = ModelChoiceField(
        label="Site", queryset=None, to_field_name="slug",
        error_messages={"required": "Choose the site.", "invalid_choice": "Choose one of the invited sites."},
    )  # fmt: skip
    text = text_field(
        "Note or action agreed",
        required=True,
        rows=2,
        max_length=2000,
        required_message="Write the note or action.",
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


SCALE = [("1", "1 – Not at all"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5 – Very much")]


class EvaluationForm(forms.Form):
    useful = forms.TypedChoiceField(
        label="How useful was the learning set for your work?", choices=SCALE, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer from 1 to 5.", "invalid_choice": "Choose an answer from 1 to 5."},
    )  # fmt: skip
    will_use = forms.TypedChoiceField(
        label="How likely are you to use what you learned?", choices=SCALE, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer from 1 to 5.", "invalid_choice": "Choose an answer from 1 to 5."},
    )  # fmt: skip
    voices_heard = forms.TypedChoiceField(
        label="Were the voices of people with lived experience heard?", choices=SCALE, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer from 1 to 5.", "invalid_choice": "Choose an answer from 1 to 5."},
    )  # fmt: skip
    comments = text_field(
        "Anything else you want to tell us",
        max_length=2000,
        help_text="Optional. Do not include names.",
    )


class ResourceForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages=_required("a title", 200))
    description = text_field("What it is and who it is for", help_text="Optional.")
    kind = forms.ChoiceField(
        label="Type", choices=Resource.Kind.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose the type.", "invalid_choice": "Choose a type from the list."},
    )  # fmt: skip
    file = forms.FileField(
        label="File", required=False,
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, image or text. Up to 10 MB.",
        error_messages={"empty": "The file you chose is empty.", "invalid": "Choose a file."},
    )  # fmt: skip
    url = forms.URLField(
        label="Web address", required=False, assume_scheme="https",
        error_messages={"invalid": "Enter a full web address, like https://example.org/guide."},
    )  # fmt: skip
    challenges = ModelMultipleChoiceField(
        label="Challenges", queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose challenges from the list.", "invalid_pk_value": "Choose challenges from the list."},
    )  # fmt: skip
    chime = forms.MultipleChoiceField(
        label="CHIME", choices=Chime.choices, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the list."},
    )  # fmt: skip
    visibility = forms.ChoiceField(
        label="Who can see it", choices=Resource.Visibility.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose who can see it.", "invalid_choice": "Choose from the list."},
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
    q = forms.CharField(label="Search", required=False, max_length=100)
    challenge = forms.ChoiceField(label="Challenge", required=False)
    kind = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type"), *Resource.Kind.choices]
    )

    def __init__(self, *args, challenges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].choices = [("", "Any challenge")] + [
            (c.slug, f"{c.number}. {c.short_title}") for c in challenges
        ]


class ProgrammeFilterForm(forms.Form):
    category = forms.ChoiceField(
        label="Category", required=False, choices=[("", "All categories"), *Category.choices]
    )
    region = forms.ChoiceField(label="Region", required=False)
    country = forms.ChoiceField(label="Country", required=False)

    def __init__(self, *args, regions, country_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "All regions")] + [(r, r) for r in regions]
        names = dict(countries)
        self.fields["country"].choices = [("", "All countries")] + [
            (c, names.get(c, c)) for c in country_codes
        ]
