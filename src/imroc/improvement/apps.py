from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "imroc.improvement"
    label = "improvement"
    verbose_name = "Improvement"

    def ready(self):
        from imroc.core import demo, panels
        from imroc.improvement import demo as improvement_demo
        from imroc.improvement import panels as improvement_panels

        demo.register(demo.DemoStep("improvement", 10, improvement_demo.build_demo))
        panels.register(
            panels.PROGRAMME_DASHBOARD,
            panels.Panel(
                "improvement",
                10,
                "improvement/panels/programme.html",
                improvement_panels.programme_dashboard,
            ),
        )
        panels.register(
            panels.SITE_DASHBOARD,
            panels.Panel(
                "improvement",
                10,
                "improvement/panels/dashboard.html",
                improvement_panels.site_dashboard,
            ),
        )
