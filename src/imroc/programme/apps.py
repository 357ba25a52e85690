from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "imroc.programme"
    label = "programme"
    verbose_name = "Programme"
