"""Start the session clocks when someone signs in."""

from __future__ import annotations

from imroc.accounts import reauth, twofactor


def stamp_session_at_sign_in(sender, request, user, **kwargs):
    """Password just checked: start the reauth, idle and absolute clocks, and decide whether
    this session still has to pass two-factor authentication."""
    session = getattr(request, "session", None)
    if session is None:
        return
    reauth.stamp_login(session, verified=not twofactor.needed_at_sign_in(user))
