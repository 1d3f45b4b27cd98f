"""Authentication backend: django-axes' lockout check, tolerant of request-less calls."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out login attempt; never logs anyone in by itself.

    Only logins coming from a request (the admin's login form) can be brute-forced, so a call
    without a request (a management command, the test client's `login()`) is left to the next
    backend instead of raising as django-axes does.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
