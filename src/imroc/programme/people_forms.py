"""Forms for people: inviting, changing and ending roles, and accepting an invitation."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imroc.accounts.forms import SetPasswordForm
from imroc.core.forms import DateInput, ModelChoiceField, check_date, text_field
from imroc.programme.models import ProgrammeRole, SiteRole, StakeholderGroup

NAME_ERRORS = {"required": _("Enter the person's name.")}
EMAIL_ERRORS = {
    "required": _("Enter the person's email address."),
    "invalid": _("Enter a real email address, like name@example.org."),
}
ROLE_HELP = _(
    "Leads do everything, including managing people. Members change goals, cycles, "
    "measures, the college and the workforce. Lived-experience partners rate, co-lead goals "
    "and co-deliver courses. Viewers only read, like a board member."
)


def _name_field() -> forms.CharField:
    return forms.CharField(label=_("Name"), max_length=150, error_messages=NAME_ERRORS)


def _email_field() -> forms.EmailField:
    return forms.EmailField(
        label=_("Email address"),
        help_text=_("The invitation goes here. It holds a link that works once, for 7 days."),
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


def _group_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Group"),
        choices=StakeholderGroup.choices,
        help_text=_("Whose view this person brings to ratings and reports."),
        error_messages={"required": _("Choose the person's group.")},
    )


def _reason_field(label) -> forms.CharField:
    return text_field(
        label,
        required=True,
        max_length=1000,
        rows=2,
        required_message=_("Say why, in a few words. The history keeps it."),
    )


class SiteInviteForm(forms.Form):
    name = _name_field()
    email = _email_field()
    role = forms.ChoiceField(
        label=_("Role at the site"),
        choices=SiteRole.choices,
        help_text=ROLE_HELP,
        error_messages={"required": _("Choose a role.")},
    )
    stakeholder_group = _group_field()


class ProgrammeInviteForm(forms.Form):
    name = _name_field()
    email = _email_field()
    role = forms.ChoiceField(
        label=_("Programme role"),
        choices=ProgrammeRole.choices,
        help_text=_("Admins run the programme, its sites and its people. Viewers only read."),
        error_messages={"required": _("Choose a role.")},
    )


class SiteLeadInviteForm(forms.Form):
    """The programme team adds a lead to a site, for example when its only lead leaves."""

    site = ModelChoiceField(
        label=_("Site"),
        queryset=None,
        empty_label=_("Choose a site"),
        error_messages={
            "required": _("Choose a site."),
            "invalid_choice": _("Choose one of the programme's sites."),
        },
    )
    name = _name_field()
    email = _email_field()
    stakeholder_group = _group_field()

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["stakeholder_group"].initial = StakeholderGroup.MANAGER


class SiteRoleChangeForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role at the site"), choices=SiteRole.choices, help_text=ROLE_HELP
    )
    stakeholder_group = _group_field()
    reason = _reason_field(_("Why is it changing?"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ProgrammeRoleChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Programme role"), choices=ProgrammeRole.choices)
    reason = _reason_field(_("Why is it changing?"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EndRoleForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Date the role ends"),
        widget=DateInput(),
        help_text=_("Today or earlier. Their access stops as soon as you save."),
        error_messages={
            "required": _("Enter the date the role ends."),
            "invalid": _("Enter a real date, like 2024-03-31."),
        },
    )
    reason = _reason_field(_("Why is the role ending?"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()

    def clean_ended_on(self):
        return check_date(self.cleaned_data["ended_on"], _("The end date"), future_days=0)


class NewAccountForm(SetPasswordForm):
    """Accepting an invitation with no account yet: a name, a username and a password."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("The name other people see in imroc."),
        error_messages={"required": _("Enter your name.")},
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("You sign in with this. Letters, numbers and . - _ only."),
        error_messages={"required": _("Choose a username.")},
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    field_order = ["display_name", "username", "password", "confirm"]

    def clean_username(self):
        value = self.cleaned_data["username"].strip()
        if not all(ch.isalnum() or ch in ".-_" for ch in value):
            raise forms.ValidationError(_("Use only letters, numbers and . - _ in a username."))
        return value


class PeopleUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One person a line, with the columns name, email, role and group. Roles: lead, "
            "member, partner, viewer. Groups: staff, manager, service user, carer, commissioner."
        ),
        error_messages={"required": _("Choose a CSV file to upload.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError(_("The file is over 1 MB. Split it into smaller files."))
        return upload
