from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "imroc.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from imroc.accounts.signals import stamp_session_at_sign_in

        user_logged_in.connect(stamp_session_at_sign_in, dispatch_uid="imroc-stamp-sign-in")
