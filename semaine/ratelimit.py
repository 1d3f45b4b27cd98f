"""Per-IP rate limits in Django's cache: registration POSTs, exports and the API.

One mechanism for the three: a fixed window counted in the shared cache. It is cheap, and with
CACHE_URL (Redis) it holds across all web processes. Each scope reads its rate from the setting
`<SCOPE>_RATE_LIMIT` (parsed by `parse_rate`); `RATE_LIMITS=off` turns every scope off.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import JsonResponse
from django.shortcuts import render

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(name: str, raw: str) -> tuple[int, int] | None:
    """Parse a rate such as "20/h" into (requests, seconds); "0" or "off" turns the limit off."""
    value = raw.strip().lower()
    if value in {"0", "off", ""}:
        return None
    count, _, unit = value.partition("/")
    if not count.isdigit() or int(count) < 1 or unit not in _PERIODS:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate: use e.g. 20/h, 5/m, 100/d, or 0 to turn it off."
        )
    return int(count), _PERIODS[unit]


def client_ip(request) -> str:
    """The visitor's address: behind N trusted proxies, the Nth address from the right of
    X-Forwarded-For (the left part is written by the client and can be forged)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "")


def retry_after(request, *, scope: str) -> int:
    """Count this request against its IP's budget in `scope`; seconds to wait if over it, else 0.

    The IP is hashed with the secret key so the cache holds no address in clear.
    """
    rate = getattr(settings, f"{scope.upper()}_RATE_LIMIT", None)
    if not rate or not settings.RATE_LIMITS:
        return 0
    limit, period = rate
    now = int(time.time())
    window = now // period
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()
    key = f"rate:{scope}:{digest[:24]}:{period}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        return period - now % period or period
    return 0


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = round(seconds / 60)
    return f"{minutes} minutes"


def too_many_requests(request, seconds: int, *, as_json: bool = False):
    """The 429 answer: a JSON body for the API, a French page elsewhere; Retry-After on both."""
    message = f"Trop de requêtes depuis votre adresse. Réessayez dans {_wait_text(seconds)}."
    if as_json:
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def rate_limited(scope: str, *, as_json: bool = False):
    """View decorator: every request to the view counts in `scope`; over the budget, a 429."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            seconds = retry_after(request, scope=scope)
            if seconds:
                return too_many_requests(request, seconds, as_json=as_json)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
