from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    name = "imroc.framework"
    label = "framework"
    verbose_name = "Framework"
