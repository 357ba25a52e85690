"""imroc backup --out FILE: a consistent copy of the whole database, safe while the server runs."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imroc.reports.bundles.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database: SQLite with its online backup API, PostgreSQL with "
        "pg_dump (custom format)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True, help="the backup file to write")

    def handle(self, *args, out, **options):
        try:
            vendor = backup(out)
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(
            f"Backed up the {vendor} database to {out} ({out.stat().st_size:,} bytes)."
        )
