from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "imroc.api"
    label = "api"
    verbose_name = "REST API"
