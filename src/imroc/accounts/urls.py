from django.urls import path

from imroc.accounts import views
from imroc.core.access import public_view

app_name = "accounts"

urlpatterns = [
    path("login/", public_view(views.SignInView.as_view()), name="login"),
    path("logout/", public_view(views.sign_out), name="logout"),
    path("invitation/<str:token>/", public_view(views.accept_invitation), name="invitation"),
    path("reauth/", views.confirm_identity, name="reauth"),
    path("security/", views.security, name="security"),
    path("security/backup-codes/", views.new_backup_codes, name="new_backup_codes"),
    path("security/two-factor-off/", views.turn_off_two_factor, name="two_factor_off"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "password-reset/",
        public_view(views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        public_view(views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        public_view(views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        public_view(views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]
