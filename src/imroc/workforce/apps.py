from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "imroc.workforce"
    label = "workforce"
    verbose_name = _("Workforce, policies and partnerships")

    def ready(self):
        from imroc.core import demo, panels
        from imroc.workforce import demo as workforce_demo
        from imroc.workforce import panels as workforce_panels

        demo.register(demo.DemoStep("workforce", 40, workforce_demo.build_demo))
        panels.register(
            panels.SITE_DASHBOARD,
            panels.Panel(
                "workforce", 40, "workforce/panels/dashboard.html", workforce_panels.site_dashboard
            ),
        )
