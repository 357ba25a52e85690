"""Two real imroc installations, each with its own data folder and SQLite database.

The site's laptop loads the demo and exports a signed bundle; the hub imports it twice with
identical counts, refuses the same bundle with one byte flipped without writing anything,
then takes a later bundle with an update and a deletion.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

IMROC = [sys.executable, "-m", "imroc.cli"]
MAKE_HUB_SITE = """
import datetime
from django.contrib.auth import get_user_model
from imroc.programme.models import Organisation, Programme, Site, SiteMembership
programme = Programme.objects.create(name='Hub', slug='hub', start_date=datetime.date(2011, 4, 1))
organisation = Organisation.objects.create(name='Ashdown Vale', slug='ashdown-vale', org_type='nhs_trust')
site = Site.objects.create(programme=programme, organisation=organisation, slug='{slug}',
    category='demonstration', joined_on=datetime.date(2011, 4, 1))
lead = get_user_model().objects.create_user('hub-lead', password='not-used-here-1234')
SiteMembership.objects.create(user=lead, site=site, role='lead')
"""
FIRST_DEMO_SITE = """
SELECT s.slug FROM programme_site s JOIN programme_sitemembership m ON m.site_id = s.id
JOIN accounts_user u ON u.id = m.user_id WHERE u.username = 'site-lead-1'
"""
EDIT_AT_SITE = """
from imroc.improvement.models import Goal
from imroc.measures.models import Annotation
goal = Goal.objects.filter(site__slug='{slug}').order_by('id').first()
Goal.objects.filter(pk=goal.pk).update(title='Renamed on the laptop')
Annotation.objects.filter(measure__site__slug='{slug}').order_by('id').first().delete()
"""


class Instance:
    def __init__(self, folder: Path):
        self.folder = folder
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST")
        }
        self.env.update(DEBUG="1", IMROC_DATA_DIR=str(folder), IMROC_TESTING="0")

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [*IMROC, *args], env=self.env, capture_output=True, text=True, timeout=600
        )
        if ok:
            assert result.returncode == 0, result.stderr + result.stdout
        return result

    def shell(self, code: str) -> str:
        return self.run("shell", "-c", code).stdout

    def query(self, sql: str) -> list[tuple]:
        con = sqlite3.connect(f"file:{self.folder / 'imroc.sqlite3'}?mode=ro", uri=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def rows(self) -> dict[str, int]:
        """Every table's row count, read straight from the database file."""
        tables = [
            name
            for (name,) in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith("sqlite_")
        ]
        return {table: self.query(f'SELECT count(*) FROM "{table}"')[0][0] for table in tables}  # noqa: S608


def test_bundle_travels_between_two_installations(tmp_path):
    laptop, hub = Instance(tmp_path / "laptop"), Instance(tmp_path / "hub")
    laptop.run("migrate", "-v", "0")
    # The hub starts as a copy of a freshly migrated database (quicker than migrating twice).
    hub.folder.mkdir()
    source = sqlite3.connect(laptop.folder / "imroc.sqlite3")
    target = sqlite3.connect(hub.folder / "imroc.sqlite3")
    source.backup(target)
    source.close(), target.close()
    laptop.run("demo")
    ((slug,),) = laptop.query(FIRST_DEMO_SITE)
    key_file = tmp_path / "laptop" / "keys" / f"{slug}.ed25519.pem"
    keygen = laptop.run("bundle", "keygen", slug).stdout
    assert key_file.stat().st_mode & 0o777 == 0o600
    register_line = next(line for line in keygen.splitlines() if "register-key" in line)
    public_key = register_line.split()[-1]
    first = tmp_path / "first.imrocbundle"
    laptop.run("bundle", "export", slug, "--out", str(first))

    hub.run("framework", "load")
    hub.shell(MAKE_HUB_SITE.format(slug=slug))
    hub.run("bundle", "register-key", slug, public_key)

    # One flipped byte: refused, exit code 2, nothing written.
    before = hub.rows()
    raw = bytearray(first.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    damaged = tmp_path / "damaged.imrocbundle"
    damaged.write_bytes(bytes(raw))
    refused = hub.run("bundle", "import", str(damaged), ok=False)
    assert refused.returncode == 2, refused.stderr
    assert "changed after it was signed" in refused.stderr or "damaged" in refused.stderr
    assert hub.rows() == before

    imported = hub.run("bundle", "import", str(first)).stdout
    assert "Imported bundle 1" in imported
    after_first = hub.rows()
    assert after_first["improvement_goal"] > 0
    assert after_first["measures_datapoint"] > 0
    assert after_first["assessment_rating"] > 0

    again = hub.run("bundle", "import", str(first)).stdout
    assert "already imported" in again
    assert hub.rows() == after_first

    # A later bundle from the laptop carries an update and a deletion.
    laptop.shell(EDIT_AT_SITE.format(slug=slug))
    second = tmp_path / "second.imrocbundle"
    laptop.run("bundle", "export", slug, "--out", str(second))
    out = hub.run("bundle", "import", str(second)).stdout
    assert "Imported bundle 2" in out
    assert "goals: in bundle" in out and "updated 1" in out
    assert "annotations:" in out and "deleted 1" in out
    after_second = hub.rows()
    assert after_second["measures_annotation"] == after_first["measures_annotation"] - 1
    assert after_second["improvement_goal"] == after_first["improvement_goal"]
    renamed = hub.query(
        "SELECT count(*) FROM improvement_goal WHERE title = 'Renamed on the laptop'"
    )
    assert renamed == [(1,)]

    # The first bundle again: already imported, so nothing changes.
    replay = hub.run("bundle", "import", str(first)).stdout
    assert "already imported" in replay
    assert hub.rows() == after_second
