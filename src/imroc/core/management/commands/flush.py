"""Django's ``flush``, allowed to wipe the append-only audit log along with everything else.

Flushing empties every table; the audit table's triggers would otherwise refuse it. The guard
is switched off only for this command's own connection and only while it runs. (Tests that
use real transactions flush the database between tests through this command.)
"""

from __future__ import annotations

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import DEFAULT_DB_ALIAS, connections

from imroc.core.models import set_audit_unlocked


class Command(DjangoFlush):
    def handle(self, **options):
        conn = connections[options.get("database") or DEFAULT_DB_ALIAS]
        set_audit_unlocked(True)
        if conn.vendor == "postgresql":
            with conn.cursor() as cursor:
                cursor.execute("SELECT set_config('imroc.audit_unlocked', 'on', false)")
        try:
            return super().handle(**options)
        finally:
            set_audit_unlocked(False)
            if conn.vendor == "postgresql" and conn.connection is not None:
                with conn.cursor() as cursor:
                    cursor.execute("SELECT set_config('imroc.audit_unlocked', '', false)")
