import contextlib
import re
import uuid

from django.conf import settings
from django.core.signals import request_finished
from django.db import DatabaseError, connection
from django.dispatch import receiver

from semaine.db_router import public_read
from semaine.logging import request_id_var

# Letters, digits and - _ . : up to 128 characters (UUIDs, AWS/GCP trace ids); nothing that could
# forge a log line or a header.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


class SecurityHeadersMiddleware:
    """Headers Django does not set itself; the CSP comes from django-csp."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def allow_geolocation(response):
    """Lets the page's own scripts ask for the visitor's position (« Autour de moi »): only
    on the pages that offer the button; every other page keeps geolocation=()."""
    response.headers["Permissions-Policy"] = settings.PERMISSIONS_POLICY_GEOLOCATION
    return response


class RequestIdMiddleware:
    """Gives every request an id, echoed in the X-Request-ID response header and in every log
    line written while serving it. A sane id from the load balancer is kept, so one request can
    be followed from the proxy to the application; anything else is replaced."""

    HEADER = "X-Request-ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(self.HEADER, "")
        request_id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Cleared when the response is finished, not here: Django logs a 4xx or 5xx ("Not Found",
        # "Internal Server Error") after the middleware returns, and that line needs the id too.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[self.HEADER] = request_id
        return response


@receiver(request_finished)
def _forget_request_id(**kwargs):
    request_id_var.set("")


class StatementTimeoutMiddleware:
    """Web processes open their connections with a short statement_timeout (READ_STATEMENT_
    TIMEOUT_MS, set by semaine/wsgi.py), so that no public read runs a query for seconds.
    Writes and staff pages need longer (a registration waits for its event's row lock in a
    rush; an import writes a thousand rows): they get WRITE_STATEMENT_TIMEOUT_MS for the
    request, and the connection its default back afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.READ_STATEMENT_TIMEOUT_MS or public_read(request):
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, false)",
                    [str(settings.WRITE_STATEMENT_TIMEOUT_MS)],
                )
        except DatabaseError:
            # The database is away: the view answers that outage itself (the registration
            # form shown again as typed, semaine/errors.py), not this middleware.
            connection.close_if_unusable_or_obsolete()
            return self.get_response(request)
        try:
            return self.get_response(request)
        finally:
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
