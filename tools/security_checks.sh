#!/usr/bin/env bash
# Security checks for CI: bandit over src/ and pip-audit over the locked dependencies.
# Run from anywhere: tools/security_checks.sh
set -uo pipefail
cd "$(dirname "$0")/.."

echo "== bandit (static security checks)"
if ! .venv/bin/bandit -q -r src -c pyproject.toml; then
  echo "bandit found a problem that is not explained. Fix it, or explain it on its line" >&2
  echo "('# noqa: Sxxx - reason  # nosec') or in [tool.bandit] in pyproject.toml." >&2
  exit 1
fi
echo "bandit: no unexplained findings"

echo "== pip-audit (known vulnerabilities in requirements/base.lock)"
# --strict: a dependency that could not be checked fails the run, so "no known
# vulnerabilities" always means every pinned package was looked up.
output=$(.venv/bin/pip-audit -r requirements/base.lock --disable-pip --no-deps --strict \
  --progress-spinner off 2>&1)
status=$?
echo "$output"
if [ "$status" -ne 0 ]; then
  if echo "$output" | grep -q "Found [0-9]* known vulnerabilit"; then
    echo "pip-audit found known vulnerabilities (above). Upgrade the packages in the lock files." >&2
    exit 1
  fi
  cat >&2 <<'MSG'
pip-audit could not check every locked package against the vulnerability database.
It asks PyPI's JSON API (https://pypi.org/pypi/<name>/<version>/json), which must be
reachable and must know each pinned version; a package mirror or no network makes the
lookup fail. That is not a vulnerability, but an unchecked package is not a checked one,
so this step fails. Run it where PyPI is reachable, or set IMROC_ALLOW_UNAUDITED=1 to
report this as a warning instead (say so in the CI log you hand over).
MSG
  if [ "${IMROC_ALLOW_UNAUDITED:-0}" = "1" ]; then
    echo "IMROC_ALLOW_UNAUDITED=1: carrying on without a complete dependency audit." >&2
    exit 0
  fi
  exit 1
fi
