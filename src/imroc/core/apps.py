from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "imroc.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from imroc.core import after_response  # noqa: F401  (connects its signal receivers)
