"""`python3 dev.py`'s set-up, run as a newcomer runs it: a new virtual environment that starts
with the pip bundled in the interpreter, then the two locks.

The install test is slow (it installs every locked package into a throwaway environment), so it
runs once per CI run, with the SQLite suite; it needs the package index, or pip's cache.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements"
ONCE_PER_CI_RUN = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="installs packages, not data: once per CI run is enough"
)

# A script run inside the new environment: every lock line that applies to this platform is
# installed at exactly its pinned version. It prints the mismatches, one a line.
CHECK_PINS = """
import importlib.metadata, sys
from packaging.requirements import Requirement
wrong = []
for line in open(sys.argv[1]).read().splitlines():
    requirement = Requirement(line)
    if requirement.marker and not requirement.marker.evaluate():
        continue
    pinned = next(iter(requirement.specifier)).version
    try:
        installed = importlib.metadata.version(requirement.name)
    except importlib.metadata.PackageNotFoundError:
        installed = "missing"
    if installed != pinned:
        wrong.append(f"{requirement.name}: locked {pinned}, installed {installed}")
print("\\n".join(wrong))
"""


def _pins(lock: Path) -> list[str]:
    """The requirement lines of a hash-pinned lock, without hashes or comments."""
    text = re.sub(r"\\\n\s*--hash=\S+", "", lock.read_text())
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith(("#", "--"))
    ]


def _base_python() -> str:
    """The interpreter a newcomer would type `python3` for, not this suite's .venv."""
    return getattr(sys, "_base_executable", sys.executable)


def _copy_project(destination: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("dev.py", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, destination / name)
    shutil.copytree(REQUIREMENTS, destination / "requirements", ignore=ignore)
    shutil.copytree(ROOT / "src", destination / "src", ignore=ignore)
    return destination


def _clean_env() -> dict[str, str]:
    """What a newcomer's fresh shell has: no PYTHONPATH or virtual environment of ours."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}


def _dev(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_base_python(), "dev.py", *args],
        cwd=project,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def test_bootstrap_lock_pins_the_same_pip_as_the_main_lock():
    bootstrap = {
        Requirement(line).name: str(Requirement(line).specifier)
        for line in _pins(REQUIREMENTS / "bootstrap.lock")
    }
    main = {
        Requirement(line).name: str(Requirement(line).specifier)
        for line in _pins(REQUIREMENTS / "dev.lock")
    }
    assert set(bootstrap) == {"pip", "setuptools"}
    assert bootstrap["pip"] == main["pip"], "keep requirements/bootstrap.lock's pip at dev.lock's"
    for line in _pins(REQUIREMENTS / "bootstrap.lock"):
        assert str(Requirement(line).specifier).startswith("=="), line


def test_every_lock_line_carries_a_hash():
    for lock in ("bootstrap.lock", "dev.lock", "base.lock"):
        text = (REQUIREMENTS / lock).read_text()
        entries = re.findall(r"^(\S+==\S+)(.*?)(?=^\S|\Z)", text, flags=re.MULTILINE | re.DOTALL)
        assert entries, lock
        for pin, rest in entries:
            assert "--hash=sha256:" in rest, f"{lock}: {pin} has no hash"


@pytest.mark.slow
@ONCE_PER_CI_RUN
def test_a_fresh_clone_installs_from_the_bundled_pip(tmp_path):
    project = _copy_project(tmp_path)

    first = _dev(project, "install")

    assert first.returncode == 0, first.stdout + first.stderr
    assert "Updating pip in .venv to the pinned version" in first.stdout
    assert "Installing the locked dependencies" in first.stdout
    python = project / ".venv" / "bin" / "python"
    installed_pins = tmp_path / "pins.txt"
    installed_pins.write_text(
        "\n".join(_pins(REQUIREMENTS / "bootstrap.lock") + _pins(REQUIREMENTS / "dev.lock"))
    )
    check = subprocess.run(
        [python, "-c", CHECK_PINS, installed_pins],
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.strip() == ""
    imroc = subprocess.run(
        [python, "-c", "import imroc, pathlib; print(pathlib.Path(imroc.__file__).parent)"],
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(imroc.stdout.strip()) == project / "src" / "imroc"  # the editable install

    second = _dev(project, "install")

    assert second.returncode == 0, second.stdout + second.stderr
    assert "Installing" not in second.stdout
    assert "Updating pip" not in second.stdout


@pytest.mark.slow
@ONCE_PER_CI_RUN
def test_a_failed_step_says_which_and_leaves_no_mark_of_a_complete_install(tmp_path):
    project = _copy_project(tmp_path)
    # The bundled pip refuses this line at once, without going to the index.
    with (project / "requirements" / "dev.lock").open("a") as lock:
        lock.write("this is not a requirement ===\n")

    failed = _dev(project, "install")

    assert failed.returncode == 1
    assert "Set-up stopped: Installing requirements/dev.lock failed" in failed.stderr
    assert "Delete the .venv folder and run the same command again" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert not (project / ".venv" / ".imroc-installed").exists()

    again = _dev(project, "install")

    assert again.returncode == 1, "a half-installed .venv must not count as complete"
    assert "Installing the locked dependencies" in again.stdout


def test_dev_py_refuses_unknown_commands_and_stray_arguments(tmp_path):
    project = tmp_path
    shutil.copy2(ROOT / "dev.py", project / "dev.py")

    unknown = _dev(project, "serve")
    stray = _dev(project, "install", "--now")

    assert unknown.returncode == 2
    assert "python3 dev.py demo" in unknown.stdout
    assert stray.returncode == 2
    assert "takes no arguments" in stray.stderr
    assert not (project / ".venv").exists()
