"""Writes to accounts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from imroc.core import audit


def create_user(*, username: str, password: str, display_name: str, actor, email: str = ""):
    User = get_user_model()
    with transaction.atomic():
        user = User(username=username, display_name=display_name, email=email)
        user.set_password(password)
        user.save()
        audit.record(actor, "user.create", user, after={"username": username, "name": display_name})
    return user


def set_password(user, password: str, *, actor) -> None:
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        # The new value is never written to the log.
        audit.record(actor, "user.password", user, after={"password": "changed"})
