from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "imroc.programme"
    label = "programme"
    verbose_name = "Programme"

    def ready(self):
        from imroc.core import panels
        from imroc.programme.presenters import your_roles_panel

        panels.register(
            panels.ACCOUNT_PAGE,
            panels.Panel(
                key="your-roles",
                order=10,
                template="programme/people/_your_roles.html",
                context=your_roles_panel,
            ),
        )
