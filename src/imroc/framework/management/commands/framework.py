"""imroc framework load FILE... [--publish]: add framework versions from files.

imroc framework translate FILE...: add translations of loaded versions' wording.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imroc.core.audit import SystemActor
from imroc.core.services import ServiceError
from imroc.framework import services
from imroc.framework.loader import FrameworkFileError


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(
            f"{path}: cannot read the file ({error.strerror})", returncode=2
        ) from None


class Command(BaseCommand):
    help = "Load framework files as draft versions, optionally publish them, or translate them."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load framework files (YAML) as drafts")
        load.add_argument(
            "files", nargs="*", type=Path, help="files to load (default: the shipped ones)"
        )
        load.add_argument("--publish", action="store_true", help="publish each loaded draft")
        translate = sub.add_parser(
            "translate", help="load translations (YAML) of loaded framework versions"
        )
        translate.add_argument("files", nargs="+", type=Path, help="translation files to load")

    def handle(self, *args, action, files, **options):
        actor = SystemActor("cli")
        if action == "translate":
            self.translate(files, actor)
        else:
            self.load(files, options["publish"], actor)

    def translate(self, files, actor):
        for path in files:
            content = _read(path)
            try:
                version = services.load_translation(content, path.name, actor)
            except FrameworkFileError as error:
                raise CommandError("\n".join(error.lines()), returncode=2) from None
            languages = ", ".join(sorted(version.translations)) or "none"
            self.stdout.write(f"{version.key} {version.version}: translated into {languages}")

    def load(self, files, publish, actor):
        if not files:
            versions = services.load_bundled_frameworks(actor)
        else:
            versions = []
            for path in files:
                content = _read(path)
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
                except ServiceError as error:
                    raise CommandError(str(error), returncode=2) from None
            self.stdout.write(f"{version.key} {version.version}: {version.get_status_display()}")
