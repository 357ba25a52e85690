"""imroc export: a site's data out of imroc.

    imroc export site <slug> --out file.zip [--profile full|deidentified]
    imroc export fhir <slug> --out responses.json

The ZIP holds one CSV file per table and manifest.json (see the site's export page). It is
written in a stream, so memory stays small however big the site; the file appears only when
it is complete. Each export is recorded in the audit log as the "export-command" system actor.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imroc.core.audit import SystemActor
from imroc.programme.models import Site
from imroc.reports.exports import services
from imroc.reports.exports.profiles import PROFILES


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Export a site's data: a ZIP of CSV files with a manifest, or a FHIR bundle."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, metavar="site|fhir")
        site = sub.add_parser("site", help="every table of the site's data as CSV, in a ZIP")
        site.add_argument("site", help="the site's slug, as in its web address")
        site.add_argument("--out", required=True, help="the ZIP file to write")
        site.add_argument("--profile", default="full", choices=PROFILES)
        fhir = sub.add_parser("fhir", help="questionnaire responses as a FHIR R4 Bundle (JSON)")
        fhir.add_argument("site", help="the site's slug")
        fhir.add_argument("--out", required=True, help="the JSON file to write")

    def handle(self, *args, what, site, out, profile="full", **options):
        site_obj = Site.objects.select_related("organisation").filter(slug=site).first()
        if site_obj is None:
            raise _fail(f"There is no site called '{site}'.")
        target = Path(out)
        if not target.parent.exists():
            raise _fail(f"The folder {target.parent} does not exist.")
        actor = SystemActor("export-command")
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".imroc-export-")
        try:
            with os.fdopen(handle, "wb") as stream:
                if what == "site":
                    export = services.site_export(site_obj, actor=actor, profile=profile)
                    for chunk in export.stream():
                        stream.write(chunk)
                    rows = sum(f["rows"] for f in export.files)
                    summary = f"{len(export.files)} files, {rows} rows, profile {profile}"
                else:
                    try:
                        bundle = services.fhir_responses_bundle(site_obj, actor=actor)
                    except services.ExportError as error:
                        raise _fail(str(error)) from None
                    stream.write(json.dumps(bundle, ensure_ascii=False).encode("utf-8"))
                    summary = f"{len(bundle.get('entry', []))} questionnaire responses"
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        self.stdout.write(f"Wrote {target}: {summary}.")
