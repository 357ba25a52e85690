"""One-time links and kiosk addresses: signed public ids, unguessable, never stored.

Whether a link still works (used, cancelled, expired) is kept on the link itself, so a
token copied after use or expiry opens nothing.
"""

from __future__ import annotations

import uuid

from django.core import signing

LINK = "imroc.surveys.link"
KIOSK = "imroc.surveys.kiosk"


def make(salt: str, public_id: uuid.UUID) -> str:
    return signing.Signer(salt=salt, sep=".").sign(public_id.hex)


def read(salt: str, token: str) -> uuid.UUID | None:
    """The public id inside a token, or None when it is forged or mangled."""
    try:
        return uuid.UUID(hex=signing.Signer(salt=salt, sep=".").unsign(token))
    except (signing.BadSignature, ValueError):
        return None
