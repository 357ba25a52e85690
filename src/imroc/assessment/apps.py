from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "imroc.assessment"
    label = "assessment"
    verbose_name = _("Self-assessment")

    def ready(self):
        from imroc.assessment.panels import team_trip
        from imroc.core import panels

        panels.register(
            panels.TEAM_PAGE,
            panels.Panel("trip", 10, "assessment/panels/team_trip.html", team_trip),
        )
