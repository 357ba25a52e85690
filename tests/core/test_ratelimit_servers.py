"""Rate limits hold across app servers: two real gunicorn processes share one count.

Each test starts two app servers on this machine against the test database, then sends
password reset requests to them in turn. The limit is three an hour from one address: the
fourth request is refused whichever server it reaches. Once with the counts in the database,
once in Redis.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.db import connection

from imroc.core import ratelimit


def _database_url() -> str:
    info = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{info['NAME']}"
    password = f":{info['PASSWORD']}" if info.get("PASSWORD") else ""
    return (
        f"postgres://{info['USER']}{password}@{info['HOST']}:{info['PORT'] or 5432}/{info['NAME']}"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _start(port: int, env: dict, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "imroc.wsgi", "--bind", f"127.0.0.1:{port}"]
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the app server on {port} stopped")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except (urllib.error.URLError, OSError):  # refused, or still starting (timed out)
            time.sleep(0.2)
    raise AssertionError(f"the app server on {port} did not start")


@pytest.fixture
def two_servers(transactional_db, tmp_path, request):
    store = request.param
    if store == "redis" and not _redis_answers():
        pytest.fail("Redis is not answering on 127.0.0.1:6379; .ci/run starts it")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        # A new key each time: the counts' keys depend on it, so no earlier run's count in
        # Redis (kept for an hour) is met again.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "IMROC_TESTING": "1",
        "IMROC_DATA_DIR": str(tmp_path),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "IMROC_RATE_LIMITS": "password-reset-address=3/3600",
        "REDIS_URL": "redis://127.0.0.1:6379/0" if store == "redis" else "",
    }
    ports = [_free_port(), _free_port()]
    log = open(tmp_path / "servers.log", "wb")  # noqa: SIM115  (closed below)
    processes = [_start(port, env, log) for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_until_up(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        log.close()


@pytest.mark.parametrize("two_servers", ["database", "redis"], indirect=True)
def test_two_app_servers_share_one_count(two_servers):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    first = f"http://127.0.0.1:{two_servers[0]}/accounts/password-reset/"
    with opener.open(first, timeout=10) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())

    def ask(port: int, n: int) -> int:
        url = f"http://127.0.0.1:{port}/accounts/password-reset/"
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1), "email": f"person{n}@example.org"}
        ).encode()
        request = urllib.request.Request(url, body, headers={"Referer": url})
        try:
            with opener.open(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    # Alternate between the servers: each alone has seen at most two or three requests.
    answers = [ask(two_servers[n % 2], n) for n in range(6)]
    assert answers == [200, 200, 200, 429, 429, 429]  # 200: the "check your email" page


def test_the_limit_names_in_settings_are_checked():
    with pytest.raises(ValueError, match="name=tries/seconds"):
        ratelimit.parse_overrides("no-such-limit=3/60")
    with pytest.raises(ValueError, match="at least 1 try"):
        ratelimit.parse_overrides("api-token=0/60")
    assert ratelimit.parse_overrides(" api-token=5/60 , my-data-contact=1/10") == {
        "api-token": (5, 60),
        "my-data-contact": (1, 10),
    }
