from __future__ import annotations

import json
import logging

import pytest
from django.db import connection
from django.test import RequestFactory

from imroc.core import audit
from imroc.core.logging import JsonFormatter
from imroc.core.models import AuditEvent
from imroc.core.views import server_error


@pytest.mark.django_db
def test_healthz_reports_a_real_database_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b'{"status":"ok","database":"ok"}'
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_says_so_when_the_database_is_gone(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("database is gone")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b'href="#main"' in response.content  # the base layout, with its skip link


def test_server_error_page_needs_no_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Sorry, something went wrong" in response.content


def test_log_lines_are_json_with_extra_fields():
    record = logging.makeLogRecord(
        {"name": "imroc.test", "levelname": "INFO", "msg": "hello %s", "args": ("there",)}
    )
    record.site = "ashdown"
    record.request_id = "abc"
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "hello there"
    assert entry["site"] == "ashdown"
    assert entry["request_id"] == "abc"
    assert entry["level"] == "info"


@pytest.mark.django_db
def test_audit_refuses_a_write_without_an_actor(site):
    with pytest.raises(audit.MissingActorError):
        audit.record(None, "site.touch", site)
    with pytest.raises(audit.MissingActorError):
        audit.record(object(), "site.touch", site)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_audit_records_system_actors_and_values(site):
    event = audit.record(
        audit.SystemActor("tests"), "site.touch", site, site=site, before={"a": 1}, after={"a": 2}
    )
    assert event.actor is None
    assert event.actor_label == "system:tests"
    assert event.site_public_id == site.public_id
    assert event.object_id == str(site.public_id)
    assert (event.before, event.after) == ({"a": 1}, {"a": 2})


@pytest.mark.django_db
def test_request_id_header_is_set(client):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 36


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
