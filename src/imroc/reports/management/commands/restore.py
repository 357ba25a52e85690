"""imroc restore FILE [--yes]: replace the whole database with a backup."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imroc.reports.bundles.backup import BackupError, kind_of, restore


class Command(BaseCommand):
    help = "Replace the whole database with a backup made by 'imroc backup'."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a file written by 'imroc backup'")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing the database"
        )

    def handle(self, *args, file, yes, **options):
        try:
            kind_of(file)
            if not yes:
                if not sys.stdin.isatty():
                    raise BackupError(
                        "Restoring replaces everything in the database. Add --yes to confirm."
                    )
                answer = input(
                    "Restoring replaces everything in the database with the backup. "
                    "Type 'yes' to go ahead: "
                )
                if answer.strip().lower() != "yes":
                    raise BackupError("Nothing was restored.")
            vendor = restore(file)
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(
            f"Restored the {vendor} database from {file}. "
            "Run 'imroc migrate' if the backup came from an older version of imroc."
        )
