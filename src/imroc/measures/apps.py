from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "imroc.measures"
    label = "measures"
    verbose_name = _("Measures")

    def ready(self):
        from imroc.core import demo, panels
        from imroc.measures import demo as measure_demo
        from imroc.measures import panels as measure_panels

        # After the improvement step, so measures can link to the demo's PDSA cycles.
        demo.register(
            demo.DemoStep(
                "measures",
                20,
                lambda programme, rng, users: measure_demo.build_demo(programme, rng),
            )
        )
        panels.register(
            panels.SITE_DASHBOARD,
            panels.Panel(
                "measures", 20, "measures/panels/dashboard.html", measure_panels.site_dashboard
            ),
        )
        panels.register(
            panels.GOAL_PAGE,
            panels.Panel("measures", 10, "measures/panels/goal.html", measure_panels.goal_page),
        )
