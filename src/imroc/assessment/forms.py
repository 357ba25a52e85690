"""Forms for rounds, ratings, consensus and team TRIPs."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imroc.assessment.presenters import LEVEL_NAMES
from imroc.assessment.services import LevelEntry
from imroc.core.forms import DATE_ERRORS, DateInput, check_date, text_field
from imroc.framework.scales import PROGRESS_CHOICES
from imroc.programme.models import StakeholderGroup

LEVEL_CHOICES = [(str(level), name) for level, name in LEVEL_NAMES.items()]


class StartRoundForm(forms.Form):
    title = forms.CharField(
        label=_("Name of the round"),
        max_length=120,
        help_text=_("For example: Spring 2024 review."),
        error_messages={
            "required": _("Enter a name for the round."),
            "max_length": _("The name must be %(limit_value)d characters or fewer."),
        },
    )
    held_on = forms.DateField(
        label=_("Date of the meeting"), widget=DateInput(), error_messages=DATE_ERRORS
    )

    def clean_held_on(self):
        return check_date(self.cleaned_data["held_on"], gettext("The date of the meeting"))


class LevelsForm(forms.Form):
    """One stage and one note for each challenge, with the version each editor saw."""

    # The label of each challenge's text box, with the challenge's number.
    text_label = _("Evidence for challenge %(number)s")
    text_help = _("What you have seen that shows this stage. Optional.")

    def __init__(self, *args, challenges, current=None, require_all=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenges = list(challenges)
        current = current or {}
        for challenge in self.challenges:
            existing = current.get(challenge.pk)
            key = challenge.slug
            self.fields[f"level-{key}"] = forms.TypedChoiceField(
                label=f"{challenge.number}. {challenge.title}",
                choices=([] if require_all else [("", _("Not rated this time"))]) + LEVEL_CHOICES,
                coerce=int,
                required=require_all,
                widget=forms.RadioSelect,
                initial=str(existing[0]) if existing else "",
                error_messages={
                    "required": gettext("Choose a stage for challenge %(number)s.")
                    % {"number": challenge.number},
                    "invalid_choice": gettext("Choose one of the stages for challenge %(number)s.")
                    % {"number": challenge.number},
                },
            )
            self.fields[f"text-{key}"] = forms.CharField(
                label=str(self.text_label) % {"number": challenge.number},
                help_text=self.text_help,
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=existing[1] if existing else "",
                error_messages={
                    "max_length": _("Keep this to %(limit_value)d characters or fewer.")
                },
            )
            self.fields[f"version-{key}"] = forms.IntegerField(
                required=False,
                widget=forms.HiddenInput,
                initial=existing[2] if existing else None,
            )

    def rows(self):
        """(challenge, radio options with the stage descriptors, text field, version field)."""
        rows = []
        for c in self.challenges:
            descriptors = {str(d.stage.order): d.text for d in c.descriptors.all()}
            options = [
                (radio, descriptors.get(radio.data["value"], ""))
                for radio in self[f"level-{c.slug}"]
            ]
            rows.append(
                (
                    c,
                    self[f"level-{c.slug}"],
                    options,
                    self[f"text-{c.slug}"],
                    self[f"version-{c.slug}"],
                )
            )
        return rows

    def entries(self) -> list[LevelEntry]:
        entries = []
        for c in self.challenges:
            level = self.cleaned_data.get(f"level-{c.slug}")
            if level in (None, ""):
                continue
            entries.append(
                LevelEntry(
                    challenge=c,
                    level=level,
                    text=self.cleaned_data.get(f"text-{c.slug}", "").strip(),
                    expected_version=self.cleaned_data.get(f"version-{c.slug}"),
                )
            )
        return entries

    def refresh_versions(self, current: dict) -> None:
        """After a stale save: keep what was typed, but take the versions now stored."""
        self.data = self.data.copy()
        for c in self.challenges:
            existing = current.get(c.pk)
            self.data[f"version-{c.slug}"] = existing[2] if existing else ""


class RatingsForm(LevelsForm):
    def __init__(self, *args, fixed_group: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_group = fixed_group

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.entries():
            raise forms.ValidationError(_("Choose a stage for at least one challenge."))
        return cleaned


class ConsensusForm(LevelsForm):
    text_label = _("Why the group agreed this for challenge %(number)s")
    text_help = _("Note any views that differed. Optional.")


class GroupForm(forms.Form):
    group = forms.ChoiceField(
        label=_("Whose view are you entering?"),
        choices=StakeholderGroup.choices,
        error_messages={
            "required": _("Choose whose view you are entering."),
            "invalid_choice": _("Choose one of the groups in the list."),
        },
    )


class AttendanceForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in StakeholderGroup.choices:
            self.fields[value] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=500,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "invalid": gettext("Enter the number of %(group)s people as a whole number.")
                    % {"group": str(label).lower()},
                    "min_value": _("The number cannot be below zero."),
                    "max_value": _("The number must be %(limit_value)s or fewer."),
                },
            )

    def counts(self) -> dict[str, int]:
        return {g: self.cleaned_data.get(g) or 0 for g in StakeholderGroup.values}

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(g) for g in StakeholderGroup.values):
            raise forms.ValidationError(
                _("Enter how many people from at least one group took part.")
            )
        return cleaned


# --- Team TRIP ----------------------------------------------------------------------------


class TeamResourcesForm(forms.Form):
    people = text_field(
        _("People and roles"),
        help_text=_("Who is in the team, including any peer support workers."),
    )
    strengths = text_field(_("What the team does well"))
    links = text_field(
        _("Links outside the team"),
        help_text=_("Recovery college, housing, employment, community groups and others."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TeamBenchmarkForm(LevelsForm):
    text_label = _("Notes for challenge %(number)s")
    text_help = _("Optional.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, require_all=True, **kwargs)
        self.fields["assessed_on"] = forms.DateField(
            label=_("Date of this benchmark"), widget=DateInput(), error_messages=DATE_ERRORS,
            initial=timezone.localdate,
        )  # fmt: skip
        self.order_fields(["assessed_on"])

    def clean_assessed_on(self):
        return check_date(self.cleaned_data["assessed_on"], gettext("The date"), future_days=0)


class TeamPrioritiesForm(forms.Form):
    def __init__(self, *args, challenges, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenges = {str(c.pk): c for c in challenges}
        choices = [("", gettext("No priority"))] + [
            (str(c.pk), f"{c.number}. {c.short_title}") for c in challenges
        ]
        for rank in (1, 2, 3):
            self.fields[f"challenge_{rank}"] = forms.ChoiceField(
                label=gettext("Priority %(rank)s") % {"rank": rank}, choices=choices,
                required=rank == 1,
                error_messages={
                    "required": gettext("Choose at least the first priority."),
                    "invalid_choice": gettext("Choose a challenge from the list."),
                },
            )  # fmt: skip
            self.fields[f"aim_{rank}"] = forms.CharField(
                label=gettext("What the team wants to achieve for priority %(rank)s")
                % {"rank": rank},
                required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={
                    "max_length": gettext("Keep this to %(limit_value)d characters or fewer.")
                },
            )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        chosen = []
        for rank in (1, 2, 3):
            pk = cleaned.get(f"challenge_{rank}")
            aim = (cleaned.get(f"aim_{rank}") or "").strip()
            if pk:
                if pk in [c for c, _aim in chosen]:
                    self.add_error(
                        f"challenge_{rank}",
                        gettext("Choose a different challenge for each priority."),
                    )
                if not aim:
                    self.add_error(
                        f"aim_{rank}",
                        gettext("Say what the team wants to achieve for priority %(rank)s.")
                        % {"rank": rank},
                    )
                chosen.append((pk, aim))
        self.priorities = [
            (self.challenges[pk], aim) for pk, aim in chosen if pk in self.challenges
        ]
        return cleaned


class TeamReviewForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date of the review"), widget=DateInput(), error_messages=DATE_ERRORS
    )
    progress_score = forms.TypedChoiceField(
        label=_("Progress score"), required=False, coerce=Decimal, empty_value=None,
        choices=[("", _("Not scored"))] + [(str(v), label) for v, label in PROGRESS_CHOICES],
        help_text=_("How far the team has come, on the 0.5 to 5 scale."),
        error_messages={"invalid_choice": _("Choose a score from the list.")},
    )  # fmt: skip
    notes = text_field(
        _("What the team found and what it will change"),
        required=True,
        rows=4,
        required_message=_("Write what the review found."),
    )
    next_review_on = forms.DateField(
        label=_("Date of the next review"),
        required=False,
        widget=DateInput(),
        error_messages=DATE_ERRORS,
    )

    def clean_held_on(self):
        return check_date(
            self.cleaned_data["held_on"], gettext("The date of the review"), future_days=0
        )

    def clean(self):
        cleaned = super().clean()
        held, following = cleaned.get("held_on"), cleaned.get("next_review_on")
        if held and following and following <= held:
            self.add_error("next_review_on", gettext("The next review must be after this one."))
        return cleaned
