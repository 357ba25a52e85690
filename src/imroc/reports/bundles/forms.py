"""Forms for the hub's bundle pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from imroc.core.forms import ModelChoiceField
from imroc.reports.bundles.format import MAX_BUNDLE_BYTES


def _site_field(sites, help_text: str) -> ModelChoiceField:
    return ModelChoiceField(
        queryset=sites,
        to_field_name="slug",
        label=_("Site"),
        help_text=help_text,
        empty_label=_("Choose a site"),
        error_messages={
            "required": _("Choose the site."),
            "invalid_choice": _("Choose one of the programme's sites."),
        },
    )


class RegisterKeyForm(forms.Form):
    public_key = forms.CharField(
        label=_("Public key"),
        max_length=200,
        help_text=_("The 44-character text that 'imroc bundle keygen' printed at the site."),
        error_messages={"required": _("Enter the site's public key.")},
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "site": _site_field(sites, _("The site whose laptop made this key.")),
            **self.fields,
        }


class UploadBundleForm(forms.Form):
    file = forms.FileField(
        label=_("Bundle file"),
        help_text=_("The .imrocbundle file the site exported with 'imroc bundle export'."),
        error_messages={
            "required": _("Choose a bundle file to upload."),
            "empty": _("The file you chose is empty."),
            "invalid": _("Choose a bundle file to upload."),
        },
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "site": _site_field(
                sites, _("The site that sent the bundle. Bundles from any other site are refused.")
            ),
            **self.fields,
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BUNDLE_BYTES:
            raise forms.ValidationError(_("The bundle file is too large."))
        return upload
