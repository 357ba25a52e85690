from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "imroc.accounts"
    label = "accounts"
    verbose_name = "Accounts"
