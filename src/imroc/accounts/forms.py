from django import forms
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
