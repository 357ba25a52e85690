"""Make a read-only API token for the load test through the API's own service (run inside Django)."""

from __future__ import annotations


def make_token(username: str, site: str) -> tuple[str, list[str]]:
    """A fresh read token for `username`. The API paths to read are found from the schema by locust."""
    from imroc.accounts.models import User
    from imroc.api import services
    from imroc.core.audit import SystemActor

    user = User.objects.get(username=username)
    _token, raw = services.create_token(user, actor=SystemActor("load test"), name="load test")
    return raw, []
