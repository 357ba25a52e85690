#!/usr/bin/env python3
"""Fail when a translation is missing, fuzzy or not compiled.

Usage: .venv/bin/python tools/check_translations.py [--update]

For every language in settings.LANGUAGES other than English it:
1. refreshes the catalogue from the source (``imroc makemessages``), so a new string that
   nobody has translated shows up as untranslated;
2. asks ``msgfmt --check --statistics`` how many messages are untranslated or fuzzy;
3. compiles the catalogue and compares it with the committed ``django.mo``, so the running
   app never serves an out-of-date translation.

With ``--update`` it leaves the refreshed ``django.po`` in place, ready to translate;
otherwise the catalogue is left as it was. Exit status 1 on any
problem, with what to do about it. Needs GNU gettext (Debian's ``gettext`` package).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "imroc"
LOCALE = PACKAGE / "locale"
IMROC = Path(sys.executable).parent / "imroc"
STATS = re.compile(r"(\d+) (translated|fuzzy|untranslated)")


def _run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, DEBUG="1", IMROC_DATA_DIR=tempfile.gettempdir() + "/imroc-i18n")
    return subprocess.run(  # noqa: S603
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def languages() -> list[str]:
    result = _run(
        IMROC,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(' '.join(c for c, _ in settings.LANGUAGES))",
    )
    if result.returncode != 0:
        sys.exit(f"Could not read the settings:\n{result.stderr}")
    return [code for code in result.stdout.split() if not code.startswith("en")]


def check(code: str, update: bool) -> list[str]:
    problems = []
    folder = LOCALE / code / "LC_MESSAGES"
    po, mo = folder / "django.po", folder / "django.mo"
    if not po.exists():
        return [f"{code}: there is no catalogue at {po.relative_to(ROOT)}"]
    original = po.read_bytes()
    # The committed .mo must be what the committed .po compiles to.
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "django.mo"
        _run("msgfmt", "-o", fresh, po)
        if not mo.exists() or fresh.read_bytes() != mo.read_bytes():
            problems.append(
                f"{code}: {mo.relative_to(ROOT)} is out of date; run "
                f"'cd src/imroc && ../../.venv/bin/imroc compilemessages --locale {code}'"
            )
    # Refresh the catalogue from the source, so new strings show up as untranslated.
    made = _run(
        IMROC, "makemessages", "--locale", code, "--no-obsolete", "--no-location",
        "--ignore", "migrations/*", cwd=PACKAGE,
    )  # fmt: skip
    try:
        if made.returncode != 0:
            return [*problems, f"{code}: makemessages failed:\n{made.stderr}"]
        stats = _run("msgfmt", "--check", "--statistics", "-o", os.devnull, po)
        if stats.returncode != 0:
            problems.append(f"{code}: {po} does not compile:\n{stats.stderr}")
        counts = {kind: int(n) for n, kind in STATS.findall(stats.stderr)}
    finally:
        if not update:
            po.write_bytes(original)
    for kind in ("untranslated", "fuzzy"):
        if counts.get(kind):
            problems.append(
                f"{code}: {counts[kind]} {kind} message(s); run this with --update, translate "
                f"them in {po.relative_to(ROOT)} (removing any '#, fuzzy' flag) and compile"
            )
    print(f"{code}: {counts.get('translated', 0)} translated, "
          f"{counts.get('fuzzy', 0)} fuzzy, {counts.get('untranslated', 0)} untranslated")  # fmt: skip
    return problems


def main() -> int:
    if shutil.which("msgfmt") is None:
        print("GNU gettext is needed: apt-get install gettext", file=sys.stderr)
        return 1
    update = "--update" in sys.argv[1:]
    problems = [p for code in languages() for p in check(code, update)]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
