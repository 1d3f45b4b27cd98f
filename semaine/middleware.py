import contextlib
import os
import re

import corsheaders.middleware
from corsheaders.conf import conf as cors_conf
from corsheaders.signals import check_request_enabled
from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, setting_changed
from django.db import DatabaseError, connection
from django.dispatch import receiver
from django.utils import translation
from django.utils.functional import SimpleLazyObject, empty

from semaine.db_router import public_read
from semaine.logging import request_id_var

# Letters, digits and - _ . : up to 128 characters (UUIDs, AWS/GCP trace ids); nothing that could
# forge a log line or a header.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def allow_geolocation(response):
    """Lets the page's own scripts ask for the visitor's position (« Autour de moi »): only
    on the pages that offer the button; every other page keeps geolocation=()."""
    response.headers["Permissions-Policy"] = settings.PERMISSIONS_POLICY_GEOLOCATION
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


# The site's policy as a header, built once per process (and again when a test changes a
# setting): django-csp builds it on every response, the largest cost of a trivial request.
# None when the settings need django-csp's code on every response (a report-only policy,
# excluded prefixes).
_csp_policy: dict[str, str | None] = {}


@receiver(setting_changed)
def _forget_csp_header(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _csp_policy.clear()


def site_csp_header() -> str | None:
    if "header" not in _csp_policy:
        special = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or (
            settings.CONTENT_SECURITY_POLICY or {}
        ).get("EXCLUDE_URL_PREFIXES")
        _csp_policy["header"] = None if special else build_policy()
    return _csp_policy["header"]


# As django-csp: a nonce asked for after the header is written is an error, not a nonce silently
# missing from the policy. One for every request: it holds nothing, and raises each time.
_NONCE_AFTER_THE_HEADER = CheckableLazyObject(CSPMiddleware._csp_nonce_post_response)


class SiteMiddleware:
    """What every request and every answer of the site gets, in one middleware (it was four,
    each a step of the chain on every request):

    - **a request id**, echoed in the X-Request-ID response header and in every log line
      written while serving it. A sane id from the load balancer is kept, so one request can
      be followed from the proxy to the application; anything else is replaced;
    - **the language**: the site speaks one (settings.LANGUAGES). What Django's
      LocaleMiddleware would choose on every request, reading Accept-Language and the URL to
      pick among one language, is known once: it is activated and said in Content-Language; no
      Vary on Accept-Language, since no answer depends on it;
    - **the Content-Security-Policy** of django-csp, the site's policy built once per process.
      A response that brings its own (django-csp's decorators, or `_csp_replace` as the widget
      sets it), a page that used a nonce, a report-only policy, an excluded prefix, an error
      page under DEBUG: django-csp's own code;
    - **Permissions-Policy**, which Django does not set (a view may set its own first:
      `allow_geolocation`).

    First in MIDDLEWARE, so that every log line of the request has its id and every answer,
    Django's SSL redirect included, its headers."""

    REQUEST_ID_HEADER = "X-Request-ID"

    def __init__(self, get_response):
        if len(settings.LANGUAGES) != 1:
            raise ImproperlyConfigured(
                "SiteMiddleware serves one language; with several LANGUAGES, use "
                "django.middleware.locale.LocaleMiddleware."
            )
        self.get_response = get_response
        self.language = settings.LANGUAGES[0][0]
        self.csp = CSPMiddleware(get_response)

    def __call__(self, request):
        # META, not request.headers: that builds a dict of every header on first use.
        incoming = request.META.get("HTTP_X_REQUEST_ID")
        if incoming and _SANE_REQUEST_ID.fullmatch(incoming):
            request_id = incoming
        else:
            request_id = os.urandom(16).hex()  # as uuid4().hex, a fifth of its time
        request.request_id = request_id
        # Cleared when the response is finished, not here: Django logs a 4xx or 5xx ("Not Found",
        # "Internal Server Error") after the middleware returns, and that line needs the id too.
        request_id_var.set(request_id)
        translation.activate(self.language)
        request.LANGUAGE_CODE = self.language
        self.csp.process_request(request)  # request.csp_nonce, made when a template uses it

        response = self.get_response(request)

        response = self._content_security_policy(request, response)
        headers = response.headers
        headers[self.REQUEST_ID_HEADER] = request_id
        headers.setdefault("Content-Language", self.language)
        headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    def _content_security_policy(self, request, response):
        header = site_csp_header()
        if (
            header is None
            or getattr(request, "_csp_nonce", None) is not None
            or any(name.startswith("_csp_") for name in vars(response))
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return self.csp.process_response(request, response)
        if header:  # empty: no policy (CONTENT_SECURITY_POLICY = None), as django-csp
            response.headers.setdefault(CSP_HEADER, header)
        request.csp_nonce = _NONCE_AFTER_THE_HEADER
        return response


class LazyMessageMiddleware(MessageMiddleware):
    """Django's messages, with their storage made when a view or a template first uses it:
    public pages never do, and Django's middleware makes it (and saves it) on every request."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response  # never used: nothing was added, nothing was read
        return super().process_response(request, response)


class CorsMiddleware(corsheaders.middleware.CorsMiddleware):
    """django-cors-headers' middleware, stepping aside at once on the paths CORS_URLS_REGEX
    leaves out (every page but the API and the exports) when no receiver of its
    `check_request_enabled` signal could let them in: the work it does there (the path matched
    twice, the signal sent, headers looked at) changes nothing on those answers."""

    def __call__(self, request):
        if (
            self.async_mode
            or check_request_enabled.receivers
            or re.match(cors_conf.CORS_URLS_REGEX, request.path_info)
        ):
            return super().__call__(request)
        request._cors_enabled = False  # as django-cors-headers leaves it
        return self.get_response(request)
