"""Security headers, a strict CSP the templates obey, and a clean `imroc check --deploy`."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

SRC = Path(__file__).resolve().parents[2] / "src" / "imroc"
EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict([*part.strip().split(" ", 1), ""][:2] for part in header.split(";") if part.strip())


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/no-such-page/"])
def test_every_response_has_the_strict_policy_and_headers(client, path):
    response = client.get(path)
    policy = _policy(response)
    for directive, value in EXPECTED.items():
        assert policy[directive] == value, directive
    assert policy["style-src"].startswith("'self'")
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert "http" not in response["Content-Security-Policy"]  # no other origin
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_signed_in_pages_have_the_policy_too(lead_client, site):
    response = lead_client.get(f"/sites/{site.slug}/")
    assert response.status_code == 200
    assert _policy(response)["script-src"] == "'self'"


def test_the_one_allowed_style_hash_matches_the_500_page():
    page = (SRC / "templates" / "500.html").read_text()
    (style,) = re.findall(r"<style>(.*?)</style>", page, re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    allowed = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]
    assert f"'sha256-{digest}'" in allowed
    assert len(allowed) == 2


INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)", re.I),
        "an inline <script>",
    ),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
    (re.compile(r"<style", re.I), "a <style> block"),
]
# Not served to a browser with the policy: the PDF reports' print styles, rendered by the PDF
# engine; and the 500 page, whose style has its own hash in the policy (test above).
NOT_BROWSER_PAGES = {"templates/500.html", "reports/templates/reports/_pdf_style.html"}


def test_no_template_has_inline_script_or_style():
    problems = []
    for path in SRC.rglob("templates/**/*.html"):
        rel = str(path.relative_to(SRC))
        if rel in NOT_BROWSER_PAGES or rel.endswith("_pdf.html"):
            continue
        text = path.read_text()
        for pattern, what in INLINE:
            if pattern.search(text):
                problems.append(f"{rel}: {what}")
    assert not problems, "\n".join(problems)


def test_no_python_module_emits_style_attributes():
    """Charts and other HTML built in Python use presentation attributes and classes."""
    problems = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"""[\s'"]style=\\?["']""", line):
                problems.append(f"{path.relative_to(SRC)}:{number}")
    assert not problems, problems


@pytest.mark.django_db
def test_sign_in_cookies_are_http_only_and_same_site(client, site_lead):
    response = client.post(
        "/accounts/login/", {"username": "lead-a", "password": "a-long-test-password"}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def _imroc(env, *args):
    base = {
        "PATH": os.environ["PATH"],
        "IMROC_TESTING": "0",
        "IMROC_DATA_DIR": "/tmp/imroc-deploy-check",
    }
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env={**base, "DJANGO_SETTINGS_MODULE": "imroc.settings", **env},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_deploy_is_clean_with_production_settings():
    env = {"SECRET_KEY": "k" * 20 + "Zq8-vX3_pL0wR6tY1uI9oP4aS7dF2gH5jK", "IMROC_HTTPS": "1",
           "ALLOWED_HOSTS": "example.org"}  # fmt: skip
    result = _imroc(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    shown = _imroc(env, "shell", "-v", "0", "-c", (
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_NAME, s.IMROC_REQUIRE_2FA)"
    ))  # fmt: skip
    assert shown.stdout.split() == ["31536000", "True", "True", "True", "__Host-sessionid", "True"]
