"""Build .venv-bench (NumPy plus the peers) and run benchmarks/spc_bench.py in it.

Usage, from anywhere:

    python3 benchmarks/run_spc_bench.py [--quick]

The peers (abspc, clinical-qikit, pyspc) go only into the gitignored .venv-bench, never into
the project's dependencies. They are pinned, with hashes, in requirements/spc-bench.lock, and
the environment is built the way dev.py builds .venv (pip brought to the pinned version first).
imroc itself is not installed: spc_bench.py puts src/ on sys.path, so Django is not needed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import dev  # noqa: E402  (the project's set-up script, at the repository root)

VENV = ROOT / ".venv-bench"
LOCK = ROOT / "requirements" / "spc-bench.lock"


def main() -> int:
    """Create the bench environment if needed, then run the benchmark."""
    try:
        python = dev.ensure_environment(VENV, LOCK, install_project=False)
    except dev.SetupFailed as failure:
        dev.explain_and_exit(failure, VENV)
    script = ROOT / "benchmarks" / "spc_bench.py"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run([str(python), str(script), *sys.argv[1:]], env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
