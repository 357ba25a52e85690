"""Build .venv-bench (NumPy plus the peers) and run benchmarks/spc_bench.py in it.

Usage, from anywhere:

    python3 benchmarks/run_spc_bench.py [--quick]

The peers (abspc, clinical-qikit, pyspc) go only into the gitignored .venv-bench, never into
the project's dependencies. imroc itself is not installed: spc_bench.py puts src/ on sys.path,
so Django is not needed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-bench"
PACKAGES = ["numpy", "abspc", "clinical-qikit", "pyspc"]


def main() -> int:
    """Create the bench environment if needed, then run the benchmark."""
    python = VENV / "bin" / "python"
    marker = VENV / ".spc-bench-ready"
    if not marker.exists():
        print(f"creating {VENV} with {', '.join(PACKAGES)} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *PACKAGES,
            ],
            check=True,
        )
        marker.write_text("\n".join(PACKAGES) + "\n")
    script = ROOT / "benchmarks" / "spc_bench.py"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run([str(python), str(script), *sys.argv[1:]], env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
