from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField


class SignInForm(AuthenticationForm):
    username = UsernameField(
        max_length=150,
        error_messages={
            "required": "Enter your username.",
            "max_length": "Usernames are 150 characters or fewer. Check what you typed.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        strip=False,
        max_length=1024,
        error_messages={
            "required": "Enter your password.",
            "max_length": "That password is too long to be right. Check what you typed.",
        },
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": (
            "The username or password is not right. Check them and try again. "
            "Both are case-sensitive."
        ),
        "inactive": "This account has been switched off. Ask your site lead for help.",
    }


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        help_text="At least 12 characters. A few unrelated words make a strong password you can remember.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choose a password."},
    )
    confirm = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password again."},
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("password")
            and cleaned.get("confirm")
            and cleaned["password"] != cleaned["confirm"]
        ):
            self.add_error("confirm", "The two passwords are not the same. Type them again.")
        return cleaned


class ConfirmPasswordForm(forms.Form):
    """Type your password (and a code, if you use an authenticator) to prove it is you."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )

    def __init__(self, *args, user, ask_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if ask_code:
            self.fields["code"] = code_field("Code from your authenticator app, or a backup code")

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That password is not right. Check it and try again. It is case-sensitive."
            )
        return password


def code_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        help_text="The 6-digit code your app shows now, or one of your backup codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "none"}
        ),
        error_messages={
            "required": "Enter the code from your authenticator app.",
            "max_length": "That code is too long. Codes are 6 digits, or 12 letters and numbers.",
        },
    )


class CodeForm(forms.Form):
    def __init__(self, *args, label="Code from your authenticator app", backup=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"] = code_field(label)
        if not backup:
            self.fields["code"].help_text = "The 6-digit code your app shows now."


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="The address your imroc account uses.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the right format, like name@example.org.",
        },
    )


class ResetPasswordForm(auth_forms.SetPasswordForm):
    error_messages = {"password_mismatch": "The two passwords are not the same. Type them again."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Choose a new password"
        self.fields[
            "new_password1"
        ].help_text = (
            "At least 12 characters. A few unrelated words make a strong password you can remember."
        )
        self.fields["new_password1"].error_messages["required"] = "Choose a new password."
        self.fields["new_password2"].label = "Type the new password again"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password2"].error_messages["required"] = "Type the new password again."
