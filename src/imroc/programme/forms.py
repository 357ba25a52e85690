"""Forms for programme pages. Messages say what is wrong and how to put it right."""

from __future__ import annotations

from django import forms

from imroc.programme.models import Team


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
