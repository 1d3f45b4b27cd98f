"""Whole public pages cached under the data versions they read.

PostgreSQL triggers bump named versions, rows of `semaine_data_version`, when a writing
transaction commits (semaine/0004; each app's migrations create its own rows and triggers: the
events app "events", "seats" and "availability" (what the listings' cards say of the seats),
the offers app "offers", semaine/0005 "editions"). A page is cached under the versions it reads,
so any change to what it shows shows at once on every instance, however it was made (admin,
import, registration, bulk update), while a change to what it does not show leaves it cached: a
registration far from an event's last seats moves "seats", not the listings nor the offers. The
short lifetime covers what moves with the clock ("upcoming", registration closing when an event
starts). Reading the versions is one cheap query per request.

One entry per page holds its last rendering with the versions it was made under: it answers
while those are current and younger than PAGE_SECONDS; and when the database cannot be reached
(the versions cannot even be read), it is served as it is, marked stale, for STALE_SECONDS at
most after it was made. Past that, or for a page never cached, the site answers 503
(semaine/errors.py).
"""

import functools
import hashlib
import re
import threading
import time

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connections
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.http import quote_etag
from django.utils.text import compress_string

from semaine.db_router import current_read_alias
from semaine.errors import DATABASE_UNAVAILABLE

PAGE_SECONDS = 60
# How old a page may be when served during a database outage.
STALE_SECONDS = 15 * 60

_VERSIONS_SQL = "SELECT name, value FROM semaine_data_version"


_request = threading.local()


@receiver(request_started)
def _request_started(**kwargs):
    _request.active, _request.versions = True, None


@receiver(request_finished)
def _request_finished(**kwargs):
    _request.active, _request.versions = False, None


def data_versions() -> dict[str, int]:
    """Every data version by name; read once per request (the page cache, the facet counts and
    the other versioned caches all need them), afresh every time outside a request."""
    versions = getattr(_request, "versions", None)
    if versions is None:
        # From the server the request's rows come from (a replica, or the primary): versions
        # and rows then agree, even when the replica lags.
        with connections[current_read_alias()].cursor() as cursor:
            cursor.execute(_VERSIONS_SQL)
            versions = dict(cursor.fetchall())
        if getattr(_request, "active", False):
            _request.versions = versions
    return versions


# Headers a cached page keeps beyond its type (a PDF's file name).
KEPT_HEADERS = ("Content-Disposition",)


def _cached_response(cached, request) -> HttpResponse:
    content, content_type, gzipped, headers = cached
    response = HttpResponse(content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    if gzipped is not None and re_accepts_gzip.search(accepted):
        # Compressed once when cached rather than on every request: a third of what serving
        # a cached page costs. GZipMiddleware leaves an encoded response alone.
        response.content = gzipped
        response["Content-Encoding"] = "gzip"
        if "ETag" in headers:
            # As GZipMiddleware marks the ETag of what it compresses: the same page, other bytes.
            response["ETag"] = "W/" + headers["ETag"]
    else:
        response.content = content
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def _compressed(content: bytes) -> bytes | None:
    if len(content) < 200:  # as GZipMiddleware: not worth it
        return None
    gzipped = compress_string(content)
    return gzipped if len(gzipped) < len(content) else None


def version_key(names: tuple[str, ...] = ()) -> str:
    """The versions `names` (all of them when empty) as a cache-key part: "events=4.seats=9"."""
    versions = data_versions()
    return ".".join(f"{name}={versions.get(name, 0)}" for name in (names or sorted(versions)))


def versioned_page(*reads: str, query=None):
    """Cache the 200 responses of a public GET view (no cookies set, nothing per person) under
    the data versions `reads` it shows; every version when none is named.

    `query(request)`, when given, is the part of the query string the page depends on, in a
    canonical form (semaine.listing.ListingView.cache_query): requests that differ only by
    unknown, empty or reordered parameters then share one page instead of one each.
    """

    def decorator(view):
        return _versioned_page(view, reads, query)

    return decorator


_MAIN_RE = re.compile(rb'(<main\b[^>]*>\s*<div class="wrap">)')
STALE_NOTICE = (
    '<div class="alert" role="status"><p>Le service est momentanément perturbé : cette page '
    "date de {minutes} et peut ne plus être à jour (places restantes, nouveaux événements). "
    "Réessayez dans quelques minutes pour vous inscrire.</p></div>"
)


def _stale_response(payload, made_at: float, request) -> HttpResponse:
    content, content_type, gzipped, headers = payload
    age = max(0, int(time.time() - made_at))
    if content_type.startswith("text/html") and _MAIN_RE.search(content):
        # Said on the page itself, where a person reads it: the seats shown may be gone.
        minutes = "moins d'une minute" if age < 60 else f"{age // 60} min"
        notice = STALE_NOTICE.format(minutes=minutes).encode()
        content = _MAIN_RE.sub(lambda m: m.group(1) + notice, content, count=1)
        # Other bytes than those the ETag names: ConditionalGetMiddleware hashes them afresh.
        headers = {name: value for name, value in headers.items() if name != "ETag"}
        payload = (content, content_type, None, headers)
    response = _cached_response(payload, request)
    # RFC 9111 marks a stale answer with its Age; the Warning header says why, for people
    # reading the headers; no cache downstream may keep it.
    response["Age"] = str(age)
    response["Warning"] = '110 - "Response is Stale"'
    response["Cache-Control"] = "no-store"
    response["X-Page-Cache"] = "stale"
    return response


def _versioned_page(view, reads: tuple[str, ...], query):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        # Hashed: a query string can be long, and cache keys must stay short (memcached: 250).
        full_path = f"{request.path}?{query(request)}" if query else request.get_full_path()
        key = "page:" + hashlib.sha256(full_path.encode()).hexdigest()[:40]
        try:
            versions = version_key(reads)
        except DATABASE_UNAVAILABLE:
            entry = cache.get(key)
            if entry is None:
                raise
            _, made_at, payload = entry
            return _stale_response(payload, made_at, request)
        entry = cache.get(key)
        if entry is not None:
            made_under, made_at, payload = entry
            if made_under == versions and time.time() - made_at < PAGE_SECONDS:
                return _cached_response(payload, request)
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)) and not response.is_rendered:
            response.render()  # a REST framework or template response
        if response.status_code == 200 and not response.streaming and not response.cookies:
            content = response.content
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            # Hashed once, when cached: ConditionalGetMiddleware would hash the page's bytes
            # on every request (as it does, it names the uncompressed page).
            headers["ETag"] = quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest())
            payload = (content, response["Content-Type"], _compressed(content), headers)
            cache.set(key, (versions, time.time(), payload), STALE_SECONDS)
        return response

    return wrapped
