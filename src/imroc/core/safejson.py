"""JSON from outside, read with limits: how large, how deeply nested, and only real numbers.

``json.loads`` recurses once per level of ``[`` or ``{``, so a body of a few thousand
brackets raises RecursionError (a crash, not a refusal), and it reads ``NaN``, ``Infinity``
and ``1e999`` as numbers nobody can add up. ``loads`` checks the size and the depth before
parsing, so nothing too deep ever reaches the parser, and refuses numbers that are not
finite and text holding half a character (a lone ``\\ud800`` escape, which no page and no
database can hold). Every refusal is a ``JSONLimitError``: a ``ValueError`` with a plain
message, so code that already catches ``ValueError`` for bad JSON refuses these in the same
way.

The limits come from settings (``IMROC_JSON_MAX_DEPTH``, ``IMROC_JSON_MAX_BYTES``); a caller
that rightly reads more (a bulk upload, a bundle) passes its own ``max_bytes``.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from imroc.core.uploads import human_size

# Everything but brackets and quotes is deleted before the depth is counted.
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
# Opening brackets become 2 and closing ones 0, so "each byte minus 1" is +1 or -1.
_LEVELS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")
_CHUNK = 1024 * 1024
# "\ud800" and its kind: an escape that may be half of a character written as two escapes.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class JSONLimitError(ValueError):
    """JSON refused before or while parsing, with a message a person can act on."""


class TooLarge(JSONLimitError):
    pass


class TooDeep(JSONLimitError):
    pass


class NotANumber(JSONLimitError):
    pass


class BrokenText(JSONLimitError):
    pass


def _as_bytes(raw: bytes | bytearray | str) -> bytes:
    return raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else bytes(raw)


def too_deep(raw: bytes | bytearray | str, limit: int) -> bool:
    """Whether ``[`` and ``{`` nest more than ``limit`` deep, counting only those outside
    strings. Unbalanced input may give either answer: the parser refuses it afterwards anyway.

    Runs at the speed of the C string functions, not of a Python loop over every byte.
    """
    data = _as_bytes(raw)
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    # Escaped backslashes, then escaped quotes, can hide no structure: drop them, so every
    # quote left opens or closes a string. Then keep only brackets and quotes.
    marks = data.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    # Two quotes side by side can go: whether a mark is inside a string depends only on how
    # many quotes come before it, and that count keeps its parity. This removes every string
    # holding no brackets; the rest are cut out by keeping what lies between them.
    marks = marks.replace(b'""', b"")
    if b'"' in marks:
        marks = b"".join(marks.split(b'"')[::2])
    levels = marks.translate(_LEVELS)
    if b"\x02" * (limit + 1) in levels:
        return True
    level = 0
    for start in range(0, len(levels), _CHUNK):
        chunk = levels[start : start + _CHUNK]
        if max(accumulate(map((-1).__add__, chunk), initial=level)) > limit:
            return True
        level += sum(chunk) - len(chunk)
    return False


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotANumber(_("The number %(number)s is too large.") % {"number": text[:40]})
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # more digits than Python reads (4,300): never a real count
        raise NotANumber(_("A whole number in the JSON is too long.")) from None


def _constant(name: str):
    raise NotANumber(
        _("%(name)s is not a number JSON allows. Send a real number, or null.") % {"name": name}
    )


def loads(
    raw: bytes | bytearray | str, *, max_depth: int | None = None, max_bytes: int | None = None
) -> Any:
    """Parse JSON text, or raise ``JSONLimitError`` (too large, too deep, not a real number)
    or another ``ValueError`` (not JSON at all, or not text)."""
    if max_depth is None:
        max_depth = settings.IMROC_JSON_MAX_DEPTH
    if max_bytes is None:
        max_bytes = settings.IMROC_JSON_MAX_BYTES
    data = _as_bytes(raw)
    if len(data) > max_bytes:
        raise TooLarge(
            _("The JSON is too large: send at most %(size)s.") % {"size": human_size(max_bytes)}
        )
    if too_deep(data, max_depth):
        raise TooDeep(
            _(
                "The JSON is nested too deeply: lists and objects may be at most %(depth)d levels deep."
            )
            % {"depth": max_depth}
        )
    try:
        value = json.loads(raw, parse_float=_float, parse_int=_int, parse_constant=_constant)
    except RecursionError:  # cannot happen within the limit; refused the same way if it does
        raise TooDeep(_("The JSON is nested too deeply.")) from None
    if _SURROGATE_ESCAPE.search(data):
        refuse_half_characters(value)
    return value


def refuse_half_characters(value: Any) -> None:
    """Raise ``BrokenText`` if any text in ``value`` (lists and dicts included, keys too)
    holds half a character: "\\ud800" with no second half, as JSON and YAML escapes can
    write. No page and no database can hold it. A whole pair, as some programs write emoji,
    is fine."""
    stack, seen = [value], set()
    while stack:
        item = stack.pop()
        if isinstance(item, dict | list):
            if id(item) in seen:  # YAML can make a list that holds itself
                continue
            seen.add(id(item))
            stack.extend([*item.keys(), *item.values()] if isinstance(item, dict) else item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise BrokenText(
                    _(
                        "Some text holds half a character (a \\ud800-style escape), which "
                        "cannot be stored. Send it as UTF-8 text."
                    )
                ) from None
