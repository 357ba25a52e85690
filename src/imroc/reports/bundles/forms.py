"""Forms for the hub's bundle pages."""

from __future__ import annotations

from django import forms

from imroc.core.forms import ModelChoiceField
from imroc.reports.bundles.format import MAX_BUNDLE_BYTES


def _site_field(sites, help_text: str) -> ModelChoiceField:
    return ModelChoiceField(
        queryset=sites,
        to_field_name="slug",
        label="Site",
        help_text=help_text,
        empty_label="Choose a site",
        error_messages={
            "required": "Choose the site.",
            "invalid_choice": "Choose one of the programme's sites.",
        },
    )


class RegisterKeyForm(forms.Form):
    public_key = forms.CharField(
        label="Public key",
        max_length=200,
        help_text="The 44-character text that 'imroc bundle keygen' printed at the site.",
        error_messages={"required": "Enter the site's public key."},
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "site": _site_field(sites, "The site whose laptop made this key."),
            **self.fields,
        }


class UploadBundleForm(forms.Form):
    file = forms.FileField(
        label="Bundle file",
        help_text="The .imrocbundle file the site exported with 'imroc bundle export'.",
        error_messages={
            "required": "Choose a bundle file to upload.",
            "empty": "The file you chose is empty.",
            "invalid": "Choose a bundle file to upload.",
        },
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "site": _site_field(
                sites, "The site that sent the bundle. Bundles from any other site are refused."
            ),
            **self.fields,
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BUNDLE_BYTES:
            raise forms.ValidationError("The bundle file is too large.")
        return upload
