"""Project-wide checks: production settings, the scoping lint, the imroc command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import lint_scoping  # noqa: E402
import roles_table  # noqa: E402


def _clean_env(**extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    env.update(extra)
    return env


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = _clean_env(
        DEBUG="0",
        IMROC_TESTING="0",
        SECRET_KEY="k" * 20 + "-production-secret-" + "q9Z!x" * 8,
        ALLOWED_HOSTS="imroc.example.org",
        IMROC_HTTPS="1",
        IMROC_DATA_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", "imroc.cli", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_stops_with_a_clear_message(tmp_path):
    env = _clean_env(DEBUG="0", IMROC_TESTING="0", IMROC_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "imroc.cli", "check"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment when DEBUG is off." in result.stderr


def test_views_do_not_use_model_managers_directly():
    assert lint_scoping.main([]) == 0


def test_scoping_lint_catches_a_direct_query(tmp_path, capsys):
    app = tmp_path / "someapp"
    app.mkdir()
    (app / "views.py").write_text("def goals(request):\n    return Goal.objects.all()\n")
    assert lint_scoping.main([str(tmp_path)]) == 1
    assert "views.py:2: Goal.objects used in a view" in capsys.readouterr().out


def test_imroc_spc_runs_without_django_or_environment(tmp_path):
    data = tmp_path / "points.csv"
    rows = ["date,value"] + [
        f"2024-01-{day:02d},{value}"
        for day, value in enumerate([5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 6, 5, 7, 6], 1)
    ]
    data.write_text("\n".join(rows) + "\n")
    code = "import sys; from imroc.cli import main; sys.argv = ['imroc', 'spc', sys.argv[1], '--format', 'json']; main()"
    result = subprocess.run(
        [sys.executable, "-c", code, str(data)],
        capture_output=True,
        text=True,
        env=_clean_env(),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["chart"] == "xmr"
    assert len(out["points"]) == 14
    assert "django" not in result.stderr.lower()


def test_the_role_table_in_docs_matches_every_routes_access_marker():
    assert roles_table.main(["--check"]) == 0


def test_the_role_table_check_fails_when_a_route_is_missing(tmp_path, monkeypatch, capsys):
    doc = tmp_path / "roles.md"
    text = roles_table.DOC.read_text()
    doc.write_text("\n".join(line for line in text.splitlines() if "`sites:people`" not in line))
    monkeypatch.setattr(roles_table, "DOC", doc)

    assert roles_table.main(["--check"]) == 1
    assert "does not match" in capsys.readouterr().out


def test_every_file_the_architecture_guide_names_exists():
    import re

    guide = (ROOT / "docs" / "architecture.md").read_text()
    named = set(re.findall(r"`((?:src|tests|docs|tools)/[^`<>*]+?)`", guide))
    named |= {f"src/{p}" for p in re.findall(r"`(imroc/[^`<>*]+?\.py)`", guide)}
    assert len(named) > 15
    missing = sorted(p for p in named if not (ROOT / p.split(" ")[0]).exists())
    assert not missing, f"docs/architecture.md names files that do not exist: {missing}"
