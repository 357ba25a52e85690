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
