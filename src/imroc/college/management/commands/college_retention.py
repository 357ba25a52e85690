"""imroc college_retention: anonymise learners with no activity for N months (default 36)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imroc.college import services


class Command(BaseCommand):
    help = "Anonymise college learners with no activity for IMROC_COLLEGE_RETENTION_MONTHS months."

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=getattr(settings, "IMROC_COLLEGE_RETENTION_MONTHS", 36),
            help="months without activity before a learner's details are removed",
        )

    def handle(self, *args, months, **options):
        if months < 1:
            raise CommandError("--months must be 1 or more.", returncode=2)
        count = services.apply_retention(months=months)
        self.stdout.write(
            f"Anonymised {count} learner(s) with no activity for {months} months. "
            "Their places and attendance stay as anonymous counts."
        )
