"""Every write to API tokens: create (the token is shown once) and revoke. Audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from imroc.api.models import ApiToken
from imroc.core import audit
from imroc.core.services import ServiceError

TOKEN_START = "imroc_"  # noqa: S105 - the visible start of every token, not a secret
LAST_USED_EVERY = dt.timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(
    user, *, actor, name: str, scope: str = ApiToken.Scope.READ, expires_at=None
) -> tuple[ApiToken, str]:
    """Make a token for a person. Returns the stored token and the secret, which is never kept."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(
            gettext("Say what the token is for, such as “monthly data upload”."), "name"
        )
    if scope not in ApiToken.Scope.values:
        raise ServiceError(gettext("Choose read only, or read and write."), "scope")
    if expires_at is not None and expires_at <= timezone.now():
        raise ServiceError(gettext("The expiry date must be in the future."), "expires_at")
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100], prefix=prefix, token_hash=hash_token(raw),
            scope=scope, expires_at=expires_at,
        )  # fmt: skip
        audit.record(
            actor, "api_token.create", token,
            after={"name": token.name, "prefix": prefix, "scope": scope, "expires_at": expires_at,
                   "user": user.get_username()},
        )  # fmt: skip
    return token, raw


def revoke_token(token: ApiToken, *, actor) -> ApiToken:
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at", "updated_at"])
        audit.record(
            actor, "api_token.revoke", locked,
            before={"revoked_at": None}, after={"revoked_at": locked.revoked_at, "prefix": locked.prefix},
        )  # fmt: skip
    return locked


def token_for_secret(raw: str) -> ApiToken | None:
    """The active token with this secret, or None. Notes when it was last used (at most once a minute)."""
    if not raw or not raw.startswith(TOKEN_START) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        # Bookkeeping, not a change to anyone's data: not audited.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_of(user):
    return ApiToken.objects.filter(user=user)
