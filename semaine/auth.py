"""Authentication backend: django-axes' lockout check, and a per-username limit on failures.

django-axes locks a username from one address after AXES_FAILURE_LIMIT failures (so that nobody
can lock a colleague out everywhere). A brute force spread over many addresses stays under that:
LOGIN_USERNAME_RATE_LIMIT counts the failures of one username from every address, and beyond it
refuses that username's logins until the period ends. It is generous (20 an hour by default),
so that locking an account out on purpose takes as long as guessing its password is hopeless.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils.crypto import salted_hmac
from django_ratelimit.core import get_usage

GROUP = "login-username"


def _usage(request, username: str, *, increment: bool) -> dict | None:
    rate = settings.LOGIN_USERNAME_RATE_LIMIT if settings.RATE_LIMITS else None
    if rate is None or not username:
        return None
    # Hashed with the secret key, as the rate limits' addresses: no username in clear.
    key = salted_hmac("semaine.auth.username", username.strip().lower()).hexdigest()
    return get_usage(
        request, group=GROUP, key=lambda group, request: key, rate=rate, increment=increment
    )


def username_locked(request, username: str) -> bool:
    usage = _usage(request, username, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        _usage(request, str(credentials.get("username") or ""), increment=True)


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out login attempt; never logs anyone in by itself.

    Only logins coming from a request (the admin's login form) can be brute-forced, so a call
    without a request (a management command, the test client's `login()`) is left to the next
    backend instead of raising as django-axes does.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if username_locked(request, username or ""):
            # Django's authenticate() stops at PermissionDenied and reports a failed login.
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)
