#!/usr/bin/env python3
"""Set up and run imroc from a fresh clone, using only Python 3.11+ and git.

    python3 dev.py demo     create .venv, install the locked dependencies, migrate,
                            load the demo programme and serve it on http://127.0.0.1:8000/
    python3 dev.py test     the same set-up, then the whole test suite (extra args go to pytest)
    python3 dev.py install  the set-up alone

The set-up first brings the environment's own pip to the version in requirements/bootstrap.lock
(the pip bundled with some Pythons cannot install the main lock), then installs
requirements/dev.lock. It is skipped when neither lock has changed since the last complete
install; the mark of a complete install is written last, so a set-up that stops half way is
done again next time.
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
BOOTSTRAP_LOCK = ROOT / "requirements" / "bootstrap.lock"
LOCK = ROOT / "requirements" / "dev.lock"
STAMP_NAME = ".imroc-installed"
PIP_INSTALL = ("-m", "pip", "install", "--quiet", "--disable-pip-version-check")


class SetupFailed(Exception):
    """One step of the set-up failed; the message says which and what to try."""


def _run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        sys.exit(result.returncode)


def _step(what: str, *args: str | Path) -> None:
    """Run one set-up command; on failure, raise with a sentence that names the step."""
    try:
        result = subprocess.run([str(a) for a in args], cwd=ROOT, check=False)  # noqa: S603
    except OSError as error:
        raise SetupFailed(f"{what} could not start ({error.strerror}).") from error
    if result.returncode != 0:
        raise SetupFailed(f"{what} failed (pip's message is above).")


def _fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def python_in(env_dir: Path) -> Path:
    """The interpreter of a virtual environment."""
    if os.name == "nt":
        return env_dir / "Scripts" / "python.exe"
    return env_dir / "bin" / "python"


def ensure_environment(
    env_dir: Path = VENV, lock: Path = LOCK, *, install_project: bool = True
) -> Path:
    """Create a virtual environment and install a lock into it, unless that is done already.

    Every environment is built the same way: the interpreter's bundled pip first installs
    requirements/bootstrap.lock (a known pip and setuptools), and that pip installs `lock`
    with every hash checked, then imroc itself (editable) when `install_project` is set.
    Returns the environment's interpreter.
    """
    python = python_in(env_dir)
    name = env_dir.name
    if not python.exists():
        print(f"Creating a virtual environment in {name} ...", flush=True)
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
        except (OSError, subprocess.CalledProcessError) as error:
            raise SetupFailed(
                f"Creating the virtual environment in {name} failed ({error}). On Debian or "
                "Ubuntu, install the python3-venv package first."
            ) from error
    stamp = env_dir / STAMP_NAME
    inputs = [BOOTSTRAP_LOCK, lock] + ([ROOT / "pyproject.toml"] if install_project else [])
    fingerprint = _fingerprint(inputs)
    if stamp.exists() and stamp.read_text() == fingerprint:
        return python
    stamp.unlink(missing_ok=True)
    print(f"Updating pip in {name} to the pinned version ...", flush=True)
    _step(
        "Updating pip from requirements/bootstrap.lock",
        python,
        *PIP_INSTALL,
        "--require-hashes",
        "-r",
        BOOTSTRAP_LOCK,
    )
    print("Installing the locked dependencies ...", flush=True)
    _step(
        f"Installing {lock.relative_to(ROOT).as_posix()}",
        python,
        *PIP_INSTALL,
        "--require-hashes",
        "-r",
        lock,
    )
    if install_project:
        # No build isolation: imroc is built with the pinned setuptools installed above,
        # not with whatever the index offers that day.
        _step(
            "Installing imroc itself",
            python,
            *PIP_INSTALL,
            "--no-deps",
            "--no-build-isolation",
            "-e",
            ROOT,
        )
    stamp.write_text(fingerprint)  # last: a set-up that stopped half way is done again
    return python


def explain_and_exit(failure: SetupFailed, env_dir: Path = VENV) -> None:
    """Print a failed set-up as one plain sentence with what to try, and exit non-zero."""
    print(
        f"\nSet-up stopped: {failure} Delete the {env_dir.name} folder and run the same "
        "command again; if it fails again, check that this computer can reach the package "
        "index.",
        file=sys.stderr,
    )
    sys.exit(1)


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


def demo(args: list[str]) -> None:
    env = _env(DEBUG=os.environ.get("DEBUG", "1"))
    imroc = python_in(VENV).with_name("imroc")
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
    _run(python_in(VENV), "-m", "pytest", *parallel, *args, env=env)


def install(args: list[str]) -> None:
    print("imroc is installed in .venv.", flush=True)


def main() -> None:
    commands = {"demo": demo, "test": test, "install": install}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        sys.exit(2)
    if sys.argv[1] == "install" and sys.argv[2:]:
        print("python3 dev.py install takes no arguments.", file=sys.stderr)
        sys.exit(2)
    try:
        ensure_environment()
    except SetupFailed as failure:
        explain_and_exit(failure)
    except KeyboardInterrupt:
        print("\nSet-up interrupted; it will start again next time.", file=sys.stderr)
        sys.exit(130)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
