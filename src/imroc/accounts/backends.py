"""The lockout check that runs before any password is checked (django-axes)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuse a username and address pair that has failed too often (see AXES_* settings).

    Sign-in through the web always passes the request, so it is always checked. A call to
    ``authenticate()`` without a request (a management command, or the test client's
    ``login()``) has no address to count failures against: the lockout does not apply, and
    the next backend checks the password as usual.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
