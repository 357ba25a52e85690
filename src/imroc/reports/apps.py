from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "imroc.reports"
    label = "reports"
    verbose_name = "Reports, exports and site bundles"
