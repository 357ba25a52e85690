"""imroc security_retention: delete refused requests older than N days (default 180)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imroc.core import security


class Command(BaseCommand):
    help = (
        "Delete security events (refused requests) and daily not-found counts older than "
        "IMROC_SECURITY_RETENTION_DAYS days."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=getattr(settings, "IMROC_SECURITY_RETENTION_DAYS", 180),
            help="how many days of refused requests to keep",
        )

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be 1 or more.", returncode=2)
        events, counts = security.apply_retention(days)
        self.stdout.write(
            f"Deleted {events} refused request(s) and {counts} daily not-found count(s) "
            f"older than {days} days."
        )
