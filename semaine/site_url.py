"""The site's own address, SITE_URL, checked against where the site is really served.

Every absolute link the site hands out starts with SITE_URL: e-mails (written by the workers,
outside any request), feeds, exports, the API's `url`, the widget snippet of the partners' page.
A SITE_URL that is not the site's address gives links that look fine on the page and are dead
once copied. Under `make run` it follows the port served on (semaine.settings, from PORT); in
production it must be set, and a mismatch is said where someone will see it: a warning in the
logs when a process starts (a host ALLOWED_HOSTS refuses can never be right) and on the first
request that came on another host, and a notice to staff on the partners' page.
"""

import logging
import threading
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http.request import split_domain_port, validate_host

logger = logging.getLogger("semaine.site_url")

DEFAULT_PORTS = {"http": 80, "https": 443}
# Requests of probes and scrapers come on an internal address, not the public one.
UNCHECKED_PATHS = ("/healthz", "/readyz", "/metrics")
# Per process: the addresses already warned about (a warning once, not one a request), and the
# (SITE_URL, scheme, Host, X-Forwarded-Host) already checked, so that a request on an address
# seen before costs one set lookup. Bounded, in case ALLOWED_HOSTS lets any host in.
MAX_WARNED_HOSTS = 100
_warned: set[str | tuple[str, ...]] = set()
_lock = threading.Lock()


def _origin(scheme: str, host: str) -> tuple[str, str]:
    """(host name, port) with the scheme's default port left out: « semaine-soin.fr:443 » over
    https is « semaine-soin.fr »."""
    domain, port = split_domain_port(host.lower())
    if port and int(port) == DEFAULT_PORTS.get(scheme):
        port = ""
    return domain, port


def site_origin() -> tuple[str, str]:
    parts = urlsplit(settings.SITE_URL)
    return _origin(parts.scheme, parts.netloc)


def request_origin(request) -> tuple[str, str] | None:
    """The host and port `request` came on; None for a host ALLOWED_HOSTS refuses (Django
    answers 400 to it anyway)."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    return _origin(request.scheme, host)


def request_mismatch(request) -> str:
    """The address `request` came on (« http://127.0.0.1:8001 ») when SITE_URL names another
    host or port; "" when they agree (the scheme is not compared: behind a proxy that ends TLS,
    a request may look like http without being so)."""
    origin = request_origin(request)
    if origin is None or origin == site_origin():
        return ""
    domain, port = origin
    return f"{request.scheme}://{domain}{':' + port if port else ''}"


def start_problem() -> str:
    """What is wrong with SITE_URL before any request, in English for the logs ("" if nothing
    can be told): a host that ALLOWED_HOSTS refuses is never the one requests come on."""
    domain, _ = site_origin()
    if not domain:
        return f"SITE_URL {settings.SITE_URL!r} is not an absolute URL (https://host)."
    if settings.ALLOWED_HOSTS and not validate_host(domain, settings.ALLOWED_HOSTS):
        return (
            f"SITE_URL {settings.SITE_URL} names a host that ALLOWED_HOSTS "
            f"({', '.join(settings.ALLOWED_HOSTS)}) refuses: every absolute link in e-mails, "
            "exports, feeds, the API and the widget snippet points elsewhere."
        )
    return ""


def warn_at_start() -> None:
    problem = start_problem()
    if problem:
        logger.warning(problem)


def warn_once(request) -> None:
    """Log, once per process and host, a request that came on another address than SITE_URL."""
    if request.path.startswith(UNCHECKED_PATHS):
        return
    meta = request.META
    seen = (
        settings.SITE_URL,
        request.scheme,
        meta.get("HTTP_HOST", ""),
        meta.get("HTTP_X_FORWARDED_HOST", ""),
    )
    if seen in _warned:
        return
    served_on = request_mismatch(request)
    with _lock:
        if len(_warned) >= MAX_WARNED_HOSTS:
            return
        _warned.add(seen)
        if not served_on or served_on in _warned:
            return
        _warned.add(served_on)
    logger.warning(
        "SITE_URL is %s but this site is served on %s: absolute links (e-mails, exports, feeds, "
        "API, widget snippet) point elsewhere. Set SITE_URL to the site's public address.",
        settings.SITE_URL,
        served_on,
    )


class SiteUrlCheckMiddleware:
    """Warns in the logs of the first request that came on another address than SITE_URL, with
    DEBUG off (under `make run`, SITE_URL follows the port it serves on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DEBUG:
            warn_once(request)
        return self.get_response(request)
