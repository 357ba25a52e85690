from django.apps import AppConfig


class CollegeConfig(AppConfig):
    name = "imroc.college"
    label = "college"
    verbose_name = "Recovery college"

    def ready(self):
        from imroc.college import demo as college_demo
        from imroc.college import panels as college_panels
        from imroc.core import demo, panels

        demo.register(
            demo.DemoStep(
                "college",
                30,
                lambda programme, rng, users: college_demo.build_demo(programme, rng),
            )
        )
        panels.register(
            panels.SITE_DASHBOARD,
            panels.Panel(
                "college", 30, "college/panels/dashboard.html", college_panels.site_dashboard
            ),
        )
