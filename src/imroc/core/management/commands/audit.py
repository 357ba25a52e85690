"""imroc audit verify [--site SLUG]: check that the audit log's hash chains are intact.

Exit code 0 and a count when every chain is intact; 1 and the first broken event of each
broken chain (edited, deleted or reordered) otherwise; 2 for a site that does not exist.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from imroc.core import audit


class Command(BaseCommand):
    help = "Audit log tools: `audit verify` checks every event's hash chain."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check the hash chains; exit 1 if any is broken")
        verify.add_argument("--site", help="check only this site's chain (its slug)")

    def handle(self, *args, action, site=None, **options):
        names = {"": "events with no site"}
        chains = None
        Site = apps.get_model("programme", "Site") if apps.is_installed("imroc.programme") else None
        if Site is not None:
            names.update(
                (str(p), f"site {s}") for p, s in Site.objects.values_list("public_id", "slug")
            )
        if site:
            found = next((c for c, n in names.items() if n == f"site {site}"), None)
            if found is None:
                raise CommandError(f"There is no site “{site}”.", returncode=2)
            chains = [found]
        result = audit.verify_chains(chains)
        triggers = audit.append_only_triggers()
        if not triggers and connection.vendor in ("sqlite", "postgresql"):
            self.stderr.write(
                "Warning: the audit table's append-only triggers are missing. Run "
                "`imroc migrate`, or re-create them, then check who removed them."
            )
        if result.intact:
            self.stdout.write(
                f"Audit log intact: {result.events:,} events in {result.chains:,} chain(s)."
            )
            return
        for b in result.breaks:
            where = names.get(b.chain, f"chain {b.chain}")
            event = f" (row id {b.event_id})" if b.event_id else ""
            self.stdout.write(f"BROKEN {where}: event #{b.seq}{event} {b.message}.")
        self.stdout.write(
            f"{len(result.breaks)} of {result.chains:,} chain(s) broken; "
            f"{result.events:,} events checked."
        )
        raise CommandError("The audit log has been tampered with.", returncode=1)
