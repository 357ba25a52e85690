"""Work that runs after the response has gone back to the person who asked.

Some answers must not take longer for one person than another. "Email me a link to my data"
sends a message when the contact belongs to a learner and nothing otherwise; if the sending
happened inside the request, the time the page took would tell anyone whether a contact is a
learner. So the page answers first, the same way for everyone, and the work runs afterwards.

How it works: Django sends ``request_finished`` when the web server closes the response, after
the last byte has been written to the person's connection. Work queued with ``after_response``
during a request runs then, in the same thread, one item after another. A failing item is
logged and does not stop the others. Outside a request (the command line, a test calling a
service directly) the work runs at once, so nothing is ever silently skipped.

The app server's worker is busy until the work is done, so keep it short (one email). Slow work
belongs in a task queue.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.core.signals import request_finished, request_started
from django.db import connections
from django.dispatch import receiver

log = logging.getLogger(__name__)

_state = threading.local()


@receiver(request_started)
def _begin(sender, **kwargs) -> None:
    _state.pending = []


def after_response(work: Callable[..., object], *args, **kwargs) -> None:
    """Run ``work(*args, **kwargs)`` once the current response has been sent."""
    pending = getattr(_state, "pending", None)
    if pending is None:
        work(*args, **kwargs)
        return
    pending.append((work, args, kwargs))


@receiver(request_finished)
def _run_pending(sender, **kwargs) -> None:
    pending = getattr(_state, "pending", None)
    _state.pending = None
    if not pending:
        return
    for work, args, kwargs in pending:
        try:
            work(*args, **kwargs)
        except Exception:
            log.exception("work after the response failed: %s", getattr(work, "__name__", work))
    # Django tidied the request's connections before this ran; tidy up after our queries too.
    # (Never inside a transaction: a test's wrapping transaction must stay open.)
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
