"""/api/v1/openapi.json is built once per process and prefix, then answered from the cache."""

from __future__ import annotations

import threading

import pytest
from django.test import override_settings

from imroc.api.api import api


@pytest.fixture
def builds(monkeypatch):
    """Counts real builds: wraps the builder, which still builds the schema each time it runs."""
    real = api.build_openapi_schema
    calls: list[str] = []

    def counting(path_prefix):
        calls.append(path_prefix)
        return real(path_prefix)

    api._forget_schema()
    monkeypatch.setattr(api, "build_openapi_schema", counting)
    yield calls
    api._forget_schema()


def test_second_request_is_the_same_schema_without_a_rebuild(client, builds):
    first = client.get("/api/v1/openapi.json")
    second = client.get("/api/v1/openapi.json")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.json()["paths"]
    assert builds == ["/api/v1/"]


def test_callers_cannot_change_the_kept_schema(builds):
    one = api.get_openapi_schema(path_prefix="/api/v1/")
    one["paths"].clear()
    one["info"]["title"] = "changed"
    two = api.get_openapi_schema(path_prefix="/api/v1/")
    assert two["paths"] and two["info"]["title"] == "imroc API"
    assert len(builds) == 1


def test_each_prefix_has_its_own_schema(builds):
    api.get_openapi_schema(path_prefix="/api/v1/")
    other = api.get_openapi_schema(path_prefix="/elsewhere/")
    assert all(path.startswith("/elsewhere/") for path in other["paths"])
    assert builds == ["/api/v1/", "/elsewhere/"]


def test_a_changed_setting_forgets_the_schema(client, builds):
    client.get("/api/v1/openapi.json")
    with override_settings(NINJA_PAGINATION_PER_PAGE=7):
        client.get("/api/v1/openapi.json")
    client.get("/api/v1/openapi.json")
    # Built at first, again after the setting changed, and again when it changed back.
    assert len(builds) == 3


def test_threads_asking_at_once_build_it_once(builds):
    start = threading.Barrier(8)
    results: list[dict] = []

    def ask():
        start.wait()
        results.append(api.get_openapi_schema(path_prefix="/api/v1/"))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and all(r == results[0] for r in results)
    assert builds == ["/api/v1/"]
