"""Run the ``imroc spc`` command as ``python -m imroc.spc``."""

import sys

from .cli import main

sys.exit(main())
