"""imroc surveys load [FILE...] [--programme SLUG]: load our own questionnaires."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imroc.core.audit import SystemActor
from imroc.core.services import ServiceError
from imroc.programme.models import Programme
from imroc.surveys import services


class Command(BaseCommand):
    help = (
        "Load imroc's own questionnaires (and the ten-challenge self-assessment) into programmes."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load questionnaire files (YAML)")
        load.add_argument("files", nargs="*", type=Path, help="files (default: the shipped ones)")
        load.add_argument("--programme", help="the programme's slug (default: every programme)")

    def handle(self, *args, action, files, programme, **options):
        programmes = Programme.objects.all()
        if programme:
            programmes = programmes.filter(slug=programme)
        programmes = list(programmes)
        if not programmes:
            raise CommandError("There is no such programme. Create one first, or load the demo.", returncode=2)  # fmt: skip
        for missing in [p for p in files if not p.is_file()]:
            raise CommandError(f"{missing}: no such file.", returncode=2)
        for each in programmes:
            try:
                loaded = services.load_programme_instruments(each, actor=SystemActor("cli"), paths=files or None)  # fmt: skip
            except ServiceError as error:
                raise CommandError(str(error), returncode=2) from None
            for version, created in loaded:
                state = "loaded" if created else "unchanged"
                self.stdout.write(f"{each.slug}: {version.instrument.key} version {version.number} {state}")  # fmt: skip
