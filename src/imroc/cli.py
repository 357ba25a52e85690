"""The ``imroc`` command: Django's manage.py with imroc's settings, plus ``imroc spc``."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "spc":
        # The SPC command needs neither Django nor a database, so it starts without them.
        from imroc.spc.cli import main as spc_main

        sys.exit(spc_main(argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imroc.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
