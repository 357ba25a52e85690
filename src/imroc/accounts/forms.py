from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.utils.translation import gettext_lazy as _

from imroc.core.after_response import after_response


class SignInForm(AuthenticationForm):
    username = UsernameField(
        max_length=150,
        error_messages={
            "required": _("Enter your username."),
            "max_length": _("Usernames are 150 characters or fewer. Check what you typed."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        strip=False,
        max_length=1024,
        error_messages={
            "required": _("Enter your password."),
            "max_length": _("That password is too long to be right. Check what you typed."),
        },
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "The username or password is not right. Check them and try again. "
            "Both are case-sensitive."
        ),
        "inactive": _("This account has been switched off. Ask your site lead for help."),
    }


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        help_text=_(
            "At least 12 characters. A few unrelated words make a strong password you can remember."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Choose a password.")},
    )
    confirm = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password again.")},
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("password")
            and cleaned.get("confirm")
            and cleaned["password"] != cleaned["confirm"]
        ):
            self.add_error("confirm", _("The two passwords are not the same. Type them again."))
        return cleaned


class ConfirmPasswordForm(forms.Form):
    """Type your password (and a code, if you use an authenticator) to prove it is you."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )

    def __init__(self, *args, user, ask_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if ask_code:
            self.fields["code"] = code_field(
                _("Code from your authenticator app, or a backup code")
            )

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("That password is not right. Check it and try again. It is case-sensitive."),
                code="wrong_password",
            )
        return password


def code_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        help_text=_("The 6-digit code your app shows now, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "none"}
        ),
        error_messages={
            "required": _("Enter the code from your authenticator app."),
            "max_length": _(
                "That code is too long. Codes are 6 digits, or 12 letters and numbers."
            ),
        },
    )


class CodeForm(forms.Form):
    def __init__(self, *args, label=None, backup=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"] = code_field(label or _("Code from your authenticator app"))
        if not backup:
            self.fields["code"].help_text = _("The 6-digit code your app shows now.")


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The address your imroc account uses."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address in the right format, like name@example.org."),
        },
    )

    def save(self, **kwargs):
        """Look the address up and send the link after the response, so a known address and
        an unknown one get the same answer in the same time."""
        after_response(super().save, **kwargs)


class ResetPasswordForm(auth_forms.SetPasswordForm):
    error_messages = {
        "password_mismatch": _("The two passwords are not the same. Type them again.")
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Choose a new password")
        self.fields["new_password1"].help_text = _(
            "At least 12 characters. A few unrelated words make a strong password you can remember."
        )
        self.fields["new_password1"].error_messages["required"] = _("Choose a new password.")
        self.fields["new_password2"].label = _("Type the new password again")
        self.fields["new_password2"].help_text = ""
        self.fields["new_password2"].error_messages["required"] = _("Type the new password again.")
