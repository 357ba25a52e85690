from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from imroc.accounts import services
from imroc.accounts.forms import SetPasswordForm, SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
def sign_out(request):
    if request.method == "POST":
        logout(request)
        return redirect("accounts:login")
    return render(request, "accounts/logout.html")


@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    """A new person sets their password from the link in their invitation."""
    try:
        invitation = services.find_invitation(token)
    except services.InvitationError as error:
        return render(request, "accounts/invitation.html", {"problem": str(error)}, status=404)
    form = SetPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(token, form.cleaned_data["password"])
        except services.InvitationError as error:
            return render(request, "accounts/invitation.html", {"problem": str(error)}, status=404)
        except ValidationError as error:
            form.add_error("password", error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your password is set. Welcome to imroc.")
            return redirect("home")
    return render(request, "accounts/invitation.html", {"form": form, "invited": invitation.user})
