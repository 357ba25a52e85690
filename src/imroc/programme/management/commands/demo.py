"""imroc demo [--password P] [--reset]: load the demo programme and print the demo sign-ins."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imroc.programme import demo


class Command(BaseCommand):
    help = "Load the demo programme (2011 onwards) with demo users who share one password."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default="recovery-demo", help="password for every demo user"
        )
        parser.add_argument(
            "--reset", action="store_true", help="remove the demo and build it again"
        )
        parser.add_argument(
            "--allow-in-production",
            action="store_true",
            help="allow demo users when DEBUG is off (never on a live service)",
        )

    def handle(self, *args, password, reset, allow_in_production, **options):
        if not settings.DEBUG and not allow_in_production:
            raise CommandError(
                "Demo users share a known password, so they are refused when DEBUG is off. "
                "Use --allow-in-production only on a machine that holds no real data.",
                returncode=2,
            )
        if len(password) < 8:
            raise CommandError("The demo password must be at least 8 characters.", returncode=2)
        if reset and demo.demo_exists():
            demo.reset()
            self.stdout.write("Removed the old demo programme.")
        if demo.demo_exists():
            demo.refresh_passwords(password)
            self.stdout.write("The demo programme is already loaded.")
        else:
            demo.build(password)
            self.stdout.write("Loaded the demo programme.")
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (every user's password is: {password})")
        width = max(len(u.username) for u in demo.DEMO_USERS)
        for user in demo.DEMO_USERS:
            self.stdout.write(f"  {user.username.ljust(width)}  {user.what}")
        if getattr(settings, "IMROC_REQUIRE_2FA", True):
            self.stdout.write(
                "Two-factor authentication is required (IMROC_REQUIRE_2FA is on): "
                "programme-admin and the site leads set up an authenticator app at first sign-in."
            )
        else:
            self.stdout.write(
                "Two-factor authentication is not required in this demo (DEBUG is on and "
                "IMROC_REQUIRE_2FA is not set); anyone can turn it on from their account page."
            )
