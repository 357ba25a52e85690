#!/usr/bin/env python3
"""Set up and run imroc from a fresh clone, using only Python 3.11+ and git.

    python3 dev.py demo    create .venv, install the locked dependencies, migrate,
                           load the demo programme and serve it on http://127.0.0.1:8000/
    python3 dev.py test    the same set-up, then the whole test suite (extra args go to pytest)

The set-up step is skipped when the lock file has not changed since the last install.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements" / "dev.lock"
STAMP = VENV / ".imroc-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        sys.exit(result.returncode)


def _fingerprint() -> str:
    digest = hashlib.sha256(LOCK.read_bytes())
    digest.update((ROOT / "pyproject.toml").read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_environment() -> None:
    """Create the virtual environment and install the locked dependencies if needed."""
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        print("Creating a virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    print("Installing the locked dependencies ...", flush=True)
    py = BIN / "python"
    _run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--require-hashes", "-r", LOCK)  # fmt: skip
    _run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "-e", ROOT)  # fmt: skip
    STAMP.write_text(_fingerprint())


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


def demo(args: list[str]) -> None:
    env = _env(DEBUG=os.environ.get("DEBUG", "1"))
    imroc = BIN / "imroc"
    _run(imroc, "migrate", "--no-input", "-v", "0", env=env)
    _run(imroc, "demo", *args, env=env)
    print("Serving imroc at http://127.0.0.1:8000/ (press Ctrl+C to stop)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        _run(imroc, "runserver", "127.0.0.1:8000", env=env)


def test(args: list[str]) -> None:
    env = _env()
    env.pop("DEBUG", None)
    # Use every core unless the caller chose otherwise.
    parallel = [] if any(a == "-n" or a.startswith("-n") for a in args) else ["-n", "auto"]
    _run(BIN / "python", "-m", "pytest", *parallel, *args, env=env)


def main() -> None:
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        sys.exit(2)
    ensure_environment()
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
