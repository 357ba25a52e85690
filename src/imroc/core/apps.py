from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "imroc.core"
    label = "core"
    verbose_name = "Core"
