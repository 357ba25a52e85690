"""imroc framework load FILE... [--publish]: add framework versions from files."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imroc.core.audit import SystemActor
from imroc.framework import services
from imroc.framework.loader import FrameworkFileError


class Command(BaseCommand):
    help = "Load framework files as draft versions, and optionally publish them."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load framework files (YAML) as drafts")
        load.add_argument(
            "files", nargs="*", type=Path, help="files to load (default: the shipped ones)"
        )
        load.add_argument("--publish", action="store_true", help="publish each loaded draft")

    def handle(self, *args, action, files, publish, **options):
        actor = SystemActor("cli")
        if not files:
            versions = services.load_bundled_frameworks(actor)
        else:
            versions = []
            for path in files:
                try:
                    content = path.read_bytes()
                except OSError as error:
                    raise CommandError(
                        f"{path}: cannot read the file ({error.strerror})", returncode=2
                    ) from None
                try:
                    versions.append(services.load_framework(content, path.name, actor))
                except FrameworkFileError as error:
                    raise CommandError("\n".join(error.lines()), returncode=2) from None
        for version in versions:
            # Loading the bundled files may already have published one of them.
            version.refresh_from_db(fields=["status"])
            if publish and version.status == "draft":
                try:
                    version = services.publish_version(version, actor)
                except services.FrameworkError as error:
                    raise CommandError(str(error), returncode=2) from None
            self.stdout.write(f"{version.key} {version.version}: {version.get_status_display()}")
