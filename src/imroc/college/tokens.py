"""Private links for learners, who have no account: signed, unguessable, never stored."""

from __future__ import annotations

import uuid

from django.core import signing

PLACE = "imroc.college.place"
FEEDBACK = "imroc.college.feedback"
MY_DATA = "imroc.college.my-data"
MY_DATA_DAYS = 7


def _signer(salt: str) -> signing.Signer:
    return signing.Signer(salt=salt, sep=".")


def make(salt: str, public_id: uuid.UUID) -> str:
    if salt == MY_DATA:
        return signing.TimestampSigner(salt=salt, sep=".").sign(public_id.hex)
    return _signer(salt).sign(public_id.hex)


def read(salt: str, token: str) -> uuid.UUID | None:
    """The public id inside a token, or None when it is forged, mangled or (for data) expired."""
    try:
        if salt == MY_DATA:
            value = signing.TimestampSigner(salt=salt, sep=".").unsign(
                token, max_age=MY_DATA_DAYS * 86400
            )
        else:
            value = _signer(salt).unsign(token)
        return uuid.UUID(hex=value)
    except (signing.BadSignature, ValueError):
        return None
