from __future__ import annotations

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from imroc.accounts import reauth, services, twofactor
from imroc.accounts.forms import (
    CodeForm,
    ConfirmPasswordForm,
    PasswordResetForm,
    ResetPasswordForm,
    SetPasswordForm,
    SignInForm,
)
from imroc.accounts.models import BackupCodeDevice
from imroc.core import panels, ratelimit


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
            messages.success(request, gettext("Your password is set. Welcome to imroc."))
            return redirect("home")
    return render(request, "accounts/invitation.html", {"form": form, "invited": invitation.user})


def _signed_in(view):
    """For the account's own pages: any signed-in person (the access walk's marker)."""
    wrapped = login_required(view)
    wrapped.imroc_access = ("signed_in", None)
    return wrapped


def _next(request, default="/"):
    return reauth.safe_next(request, request.POST.get("next") or request.GET.get("next"), default)


# --- Re-authentication -----------------------------------------------------------------------


@sensitive_post_parameters("password", "code")
@never_cache
@require_http_methods(["GET", "POST"])
def confirm_identity(request):
    """Type your password again (and a code) before a sensitive action.

    Wrong answers count toward the sign-in lockout (see ``reauth``, "Lockout"): at the limit,
    and on any try while locked out, the session is signed out and the answer is 429.
    """
    user = request.user
    if request.method == "POST" and reauth.reauth_locked_out(request, user):
        return _reauth_refused(request, user)  # before the password is checked: no oracle
    ask_code = twofactor.has_authenticator(user)
    form = ConfirmPasswordForm(
        request.POST if request.method == "POST" else None, user=user, ask_code=ask_code
    )
    wrong_code = False
    if request.method == "POST" and form.is_valid():
        if ask_code:
            device = django_otp.match_token(user, form.cleaned_data["code"].replace(" ", ""))
            if device is None:
                wrong_code = True
                form.add_error("code", _wrong_code(user))
            else:
                _code_used(request, device)
        if form.is_valid():
            reauth.reset_reauth_failures(request, user)
            reauth.stamp_reauth(request.session)
            return redirect(_next(request))
    # A wrong password, or the right one with a wrong code, is one failed try. An empty or
    # too long field is not: nothing was checked.
    failed = wrong_code or form.has_error("password", "wrong_password")
    if failed and reauth.count_reauth_failure(request, user):
        return _reauth_refused(request, user)
    return render(request, "accounts/reauth.html", {"form": form, "next": _next(request, "")})


def _reauth_refused(request, user):
    """Too many wrong answers: audit it, sign the session out and say so, like sign-in's
    lockout (same status, same pause). The person must sign in again, where axes applies."""
    services.record_reauth_locked_out(user, failures=reauth.reauth_failures(request, user))
    logout(request)
    # Our page, which says the session was signed out, rather than AxesMiddleware's sign-in one.
    request.axes_locked_out = False
    return render(
        request,
        "accounts/reauth_locked.html",
        {"minutes": reauth.lockout_minutes(request)},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )


# --- Two-factor authentication ---------------------------------------------------------------

WRONG_CODE = _(
    "That code is not right. Check the code your app shows now and type it again. "
    "Codes change every 30 seconds."
)


THROTTLED = _(
    "You have typed too many wrong codes in a row. Wait a minute, then type the code "
    "your app shows at that time."
)


def _wrong_code(user) -> str:
    """The message for a refused code: wrong, or refused because of too many wrong ones."""
    for device in django_otp.devices_for_user(user, confirmed=None):
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return THROTTLED
    return WRONG_CODE


def _code_used(request, device):
    if isinstance(device, BackupCodeDevice):
        services.record_backup_code_used(request.user)
        left = device.codes.count()
        messages.warning(
            request,
            ngettext(
                "You used a backup code. You have %(left)d left. "
                "Make new ones from your account page if you are running low.",
                "You used a backup code. You have %(left)d left. "
                "Make new ones from your account page if you are running low.",
                left,
            )
            % {"left": left},
        )


def _verified(request, device=None):
    request.session[reauth.VERIFIED] = True
    reauth.stamp_reauth(request.session)
    if device is not None:
        django_otp.login(request, device)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authenticator app: scan the QR code (or type the secret), then enter a code."""
    user = request.user
    has_device = twofactor.has_authenticator(user)
    if has_device and request.session.get(reauth.VERIFIED) is not True:
        return redirect(f"{reverse_lazy('accounts:two_factor_verify')}?{request.GET.urlencode()}")
    if not reauth.authenticated_recently(request):
        # Setting up an authenticator, the first one included, needs the password again: from
        # a stale or stolen session it would otherwise lock the real person out.
        return redirect(reauth.reauth_url(request.get_full_path()))
    device = twofactor.pending_device(user)
    if device is None or (request.method == "GET" and request.GET.get("restart")):
        device = services.start_authenticator_setup(user)
    form = CodeForm(request.POST if request.method == "POST" else None, backup=False)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_authenticator(device, form.cleaned_data["code"])
        if codes is None:
            allowed, _ = device.verify_is_allowed()
            form.add_error("code", WRONG_CODE if allowed else THROTTLED)
        else:
            _verified(request, device)
            return render(
                request,
                "accounts/backup_codes.html",
                {"codes": codes, "next": _next(request, ""), "first_time": True},
            )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": twofactor.qr_svg(device),
            "secret": twofactor.secret_text(device),
            "required": twofactor.required_for(user),
            "replacing": has_device,
            "next": _next(request, ""),
        },
    )


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """After the password: enter the code from the authenticator app, or a backup code."""
    user = request.user
    if not twofactor.has_authenticator(user):
        return redirect(f"{reverse_lazy('accounts:two_factor_setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(user, form.cleaned_data["code"].replace(" ", ""))
        if device is None:
            form.add_error("code", _wrong_code(user))
        else:
            _verified(request, device)
            _code_used(request, device)
            return redirect(_next(request))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request, "")}
    )


@never_cache
@require_http_methods(["GET"])
def security(request):
    """The person's own account page: two-factor authentication and backup codes."""
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "has_authenticator": twofactor.has_authenticator(user),
            "required": twofactor.required_for(user),
            "codes_left": twofactor.backup_codes_left(user),
            "panels": panels.panels_for(panels.ACCOUNT_PAGE, request, user),
        },
    )


@never_cache
@require_POST
@reauth.requires_recent_auth()
def new_backup_codes(request):
    user = request.user
    if not twofactor.has_authenticator(user):
        return redirect("accounts:security")
    codes = services.new_backup_codes(user, actor=user)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": ""})


@require_POST
@reauth.requires_recent_auth()
def turn_off_two_factor(request):
    user = request.user
    if twofactor.required_for(user):
        messages.error(
            request,
            gettext(
                "Your role needs two-factor authentication, so you cannot turn it off. "
                "To move to a new phone, set up the authenticator again."
            ),
        )
        return redirect("accounts:security")
    services.turn_off_two_factor(user, actor=user)
    messages.success(request, gettext("Two-factor authentication is off for your account."))
    return redirect("accounts:security")


confirm_identity = _signed_in(confirm_identity)
two_factor_setup = _signed_in(two_factor_setup)
two_factor_verify = _signed_in(two_factor_verify)
security = _signed_in(security)
new_backup_codes = _signed_in(new_backup_codes)
turn_off_two_factor = _signed_in(turn_off_two_factor)


# --- Password reset: the same answer whether or not the account exists ---------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link.

    The page and its timing are the same whether or not an account uses the address: the
    form looks the address up and sends the email after the response (``PasswordResetForm``).
    Requests are limited per address asked about and per network address, so nobody can fill
    someone's inbox or use the form to hold the server busy.
    """

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        blocked = ratelimit.first_blocked(
            ("password-reset-email", form.cleaned_data["email"].strip().lower()),
            ("password-reset-address", ratelimit.client_address(request)),
        )
        if blocked:
            form.add_error(None, ratelimit.wait_text(blocked))
            return ratelimit.set_retry_after(self.form_invalid(form), blocked)
        return self.form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = ResetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        # The new password is saved by the service, which records the reset in the audit trail.
        services.reset_password(form.user, form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
