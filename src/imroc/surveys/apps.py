from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "imroc.surveys"
    label = "surveys"
    verbose_name = _("Questionnaires")

    def ready(self):
        from imroc.core import demo, panels
        from imroc.surveys import demo as surveys_demo
        from imroc.surveys import panels as surveys_panels

        demo.register(demo.DemoStep("surveys", 50, surveys_demo.build_demo))
        panels.register(
            panels.SITE_DASHBOARD,
            panels.Panel(
                "surveys", 50, "surveys/panels/dashboard.html", surveys_panels.site_dashboard
            ),
        )
