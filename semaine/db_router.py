"""Read replicas: public reads go to a replica, everything else to the primary.

With DATABASE_REPLICA_URLS set, settings add one `replica<N>` alias per URL. A request is served
from a replica only when it is a public read: a GET or HEAD, outside the admin and the views
marked @reads_primary (registration), from somebody who has not just written (the `primary`
cookie, set for a few seconds after every successful write, pins their next requests to the
primary, so the person who just registered sees their registration and the seats it took even
if the replica lags).
Everything outside a request (management commands, the shell, tests) reads the primary: only the
requests we have vetted go to a replica.

The replica is chosen once per request, so the data versions of the page cache
(semaine.pagecache.data_versions) and the rows of the page come from the same server: a page is
never cached under versions newer than the rows it shows.
"""

import random
import threading

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed

PRIMARY = "default"
# Session, user, login-lockout and admin-log rows are written by any request and read by the
# next one, possibly on another instance: they always live on the primary.
PRIMARY_APPS = {"sessions", "auth", "admin", "axes", "contenttypes"}
PIN_COOKIE = "primary"
# Signed: a visitor who forges the cookie would send every read of theirs to the primary.
PIN_SALT = "semaine.db_router.pin"

_state = threading.local()


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def current_read_alias() -> str:
    """The alias this thread's reads go to: a replica chosen for the request, else the primary."""
    return getattr(_state, "alias", None) or PRIMARY


def use_replica(alias: str | None) -> None:
    _state.alias = alias


def reads_primary(view):
    """Marks a view whose reads must see the writes just made (seat counters, the person's
    registration): it reads the primary even on a GET. The admin reads it by its path."""
    view.reads_primary = True
    return view


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_APPS:
            return PRIMARY
        return current_read_alias()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas are copies of the primary: an object read there relates to any other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas follow the primary through streaming replication; never migrate them.
        return db == PRIMARY


class ReplicaMiddleware:
    """Chooses where a request reads from (see the module docstring), and sets the pin cookie
    after a write."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.replicas = replica_aliases()
        if not self.replicas:
            # Every read goes to the primary: out of the chain, rather than a step of every
            # request that does nothing.
            raise MiddlewareNotUsed

    def __call__(self, request):
        use_replica(None)
        if self._public_read(request):
            use_replica(random.choice(self.replicas))
        try:
            response = self.get_response(request)
        finally:
            use_replica(None)
        wrote = request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400
        if wrote:
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=PIN_SALT,
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "reads_primary", False):
            use_replica(None)

    @staticmethod
    def _public_read(request) -> bool:
        return public_read(request) and not _pinned(request)


def public_read(request) -> bool:
    """A visitor's read: a GET or HEAD outside the admin (semaine.middleware's statement
    timeout keys on it too)."""
    return request.method in ("GET", "HEAD") and not request.path.startswith("/admin/")


def _pinned(request) -> bool:
    if PIN_COOKIE not in request.COOKIES:
        return False
    pin = request.get_signed_cookie(
        PIN_COOKIE, default=None, salt=PIN_SALT, max_age=settings.REPLICA_PIN_SECONDS
    )
    return pin == "1"
