"""imroc bundle: signed offline site bundles.

  imroc bundle keygen <site> [--key-file PATH] [--force]     at the site: make its signing key
  imroc bundle export <site> --out FILE [--key-file PATH]    at the site: write a signed bundle
  imroc bundle register-key <site> <public-key>              at the hub: trust a site's key
  imroc bundle revoke-key <site> <fingerprint>               at the hub: stop trusting it
  imroc bundle keys                                          at the hub: list keys
  imroc bundle import FILE [--site SLUG]                     at the hub: import a bundle

Refused input ends with a message and exit code 2; nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imroc.core.audit import SystemActor
from imroc.programme.models import Site
from imroc.reports.bundles import services
from imroc.reports.bundles.format import BundleError
from imroc.reports.models import SiteKey


def _site(slug: str) -> Site:
    site = Site.objects.select_related("organisation").filter(slug=slug).first()
    if site is None:
        raise CommandError(f"There is no site '{slug}'.", returncode=2)
    return site


class Command(BaseCommand):
    help = "Signed offline site bundles: make keys, export at a site, import at the hub."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        keygen = sub.add_parser("keygen", help="make the site's signing key")
        keygen.add_argument("site")
        keygen.add_argument("--key-file", type=Path, help="where to write the private key")
        keygen.add_argument("--force", action="store_true", help="replace an existing key file")
        export = sub.add_parser("export", help="write a signed bundle of the site's data")
        export.add_argument("site")
        export.add_argument("--out", type=Path, required=True)
        export.add_argument("--key-file", type=Path, help="the site's private key")
        register = sub.add_parser("register-key", help="trust a site's public key (hub)")
        register.add_argument("site")
        register.add_argument("public_key")
        revoke = sub.add_parser("revoke-key", help="stop trusting a site's key (hub)")
        revoke.add_argument("site")
        revoke.add_argument("fingerprint", help="the fingerprint, or its first characters")
        sub.add_parser("keys", help="list the registered keys (hub)")
        imp = sub.add_parser("import", help="import a signed bundle (hub)")
        imp.add_argument("file", type=Path)
        imp.add_argument("--site", help="refuse the bundle unless it comes from this site")

    def handle(self, *args, action, **options):
        actor = SystemActor("cli")
        try:
            getattr(self, "do_" + action.replace("-", "_"))(actor, **options)
        except BundleError as error:
            raise CommandError(str(error), returncode=2) from None

    def do_keygen(self, actor, site, key_file, force, **options):
        site = _site(site)
        path = key_file or services.default_key_path(site)
        public, fp = services.generate_key(site, path, actor, force=force)
        self.stdout.write(f"Private key written to {path} (keep it secret; mode 0600).")
        self.stdout.write(f"Fingerprint: {fp}")
        self.stdout.write("Register this public key at the hub:")
        self.stdout.write(f"  imroc bundle register-key {site.slug} {public}")

    def do_export(self, actor, site, out, key_file, **options):
        site = _site(site)
        key = services.read_private_key(key_file or services.default_key_path(site))
        exported = services.export_bundle(site, key, actor)
        tmp = out.with_name(out.name + ".part")
        try:
            tmp.write_bytes(exported.data)
            os.replace(tmp, out)
        except OSError as error:
            raise CommandError(f"Cannot write {out} ({error.strerror}).", returncode=2) from None
        total = sum(exported.counts.values())
        self.stdout.write(
            f"Wrote bundle {exported.record.sequence} of {site.slug} to {out}: "
            f"{total} records, sha256 {exported.record.sha256}."
        )
        for name, count in exported.counts.items():
            if count:
                self.stdout.write(f"  {name}: {count}")

    def do_register_key(self, actor, site, public_key, **options):
        key = services.register_key(_site(site), public_key, actor)
        self.stdout.write(f"Registered key {key.fingerprint} for {key.site.slug}.")

    def do_revoke_key(self, actor, site, fingerprint, **options):
        site = _site(site)
        prefix = fingerprint.replace(":", "").strip().lower()
        matches = list(SiteKey.objects.filter(site=site, fingerprint__startswith=prefix)[:2])
        if len(prefix) < 8 or len(matches) != 1:
            raise BundleError(f"No single key of {site.slug} has the fingerprint {fingerprint}.")
        key = services.revoke_key(matches[0], actor)
        self.stdout.write(f"Revoked key {key.fingerprint} of {site.slug}.")

    def do_keys(self, actor, **options):
        for key in SiteKey.objects.select_related("site"):
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            self.stdout.write(f"{key.site.slug}\t{key.fingerprint}\t{state}")

    def do_import(self, actor, file, site, **options):
        expected = _site(site) if site else None
        try:
            raw = file.read_bytes()
        except OSError as error:
            raise BundleError(f"Cannot read {file} ({error.strerror}).") from None
        result = services.import_bundle(raw, actor, expected_site=expected)
        record = result.record
        if result.already_imported:
            self.stdout.write(
                f"Bundle {record.sequence} of {record.site.slug} was already imported on "
                f"{record.imported_at:%Y-%m-%d %H:%M} UTC. Nothing changed."
            )
            return
        totals = services.totals(record.counts)
        self.stdout.write(
            f"Imported bundle {record.sequence} of {record.site.slug}: "
            + ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in totals.items())
            + "."
        )
        for name, counts in record.counts.items():
            if any(counts[k] for k in counts if k != "in_bundle"):
                self.stdout.write(
                    f"  {name}: "
                    + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items())
                )
        for conflict in record.conflicts:
            self.stdout.write(
                f"Conflict: {conflict['model']} {conflict['label'] or conflict['key']}: "
                f"{conflict['reason']}"
            )
        for note in record.notes:
            self.stdout.write(f"Note: {note}")
        if record.missing_users:
            self.stdout.write(
                "People named in the bundle who have no account at the hub: "
                + ", ".join(record.missing_users)
            )
