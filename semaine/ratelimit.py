"""Per-IP rate limits: registration POSTs, exports and the API, counted by django-ratelimit.

django-ratelimit counts: one atomic increment per request in the default cache (Redis with
CACHE_URL, so the count holds across every web process), in a fixed window per rate period.
What stays here is what it leaves to its user: the key (the client's network, `client_network`:
its IPv4 address, or the /64 of its IPv6 address, since one subscriber holds a whole /64), the
rates (the settings `<SCOPE>_RATE_LIMIT`, parsed by `parse_rate`; `RATE_LIMITS=off` turns every
scope off) and the 429 answers with Retry-After. Its `ratelimit` decorator is not used: the
exception it raises carries neither the scope nor the wait, which the answers need.

The API applies the same budget through DRF's throttle hook (semaine.api.ApiRateThrottle counts
with `retry_after`): DRF's built-in throttles would rewrite a list of timestamps per address on
every request, racing between processes (DRF's docs say so).
"""

import ipaddress
from functools import wraps

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django_ratelimit.core import get_usage

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(name: str, raw: str) -> tuple[int, int] | None:
    """Parse a rate such as "20/h" into (requests, seconds); "0" or "off" turns the limit off.

    Checked here, when the settings load: django-ratelimit's own parser reads "1/week" as one a
    second and fails on every request on "20".
    """
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


# An IPv6 subscriber (a home, a phone, a server) is given a whole /64 and picks any address in
# it: counted address by address, one machine would have 2**64 budgets.
IPV6_NETWORK_PREFIX = 64


def network_of(address: str) -> str:
    """What one client is counted as: an IPv4 address itself, an IPv6 address's /64 (an
    IPv4-mapped IPv6 address as its IPv4). Anything else (no address, a unix socket) as is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.IPv6Network(f"{ip}/{IPV6_NETWORK_PREFIX}", strict=False))
    return str(ip)


def client_network(request) -> str:
    """The client's network (`network_of` its `client_ip`): the unit of every per-client count.
    django-axes keeps `client_ip`, the address itself, which it stores and shows to staff."""
    return network_of(client_ip(request))


def network_key(request, *, purpose: str = "semaine.ratelimit") -> str:
    """The client's network hashed with the secret key: what the cache and the database keep,
    never the address in clear (IPv4 addresses are few enough to be tried one by one, so
    django-ratelimit's own unsalted hash would not hide them)."""
    return salted_hmac(purpose, client_network(request)).hexdigest()


def _key(scope: str, request) -> str:
    return network_key(request)


def _rate(scope: str, request) -> tuple[int, int] | None:
    # Read on each request rather than when a view is decorated: settings changed at run time
    # (as tests do) apply.
    if not settings.RATE_LIMITS:
        return None
    return getattr(settings, f"{scope.upper()}_RATE_LIMIT", None)


def retry_after(request, *, scope: str) -> int:
    """Count this request against its network's budget in `scope`; seconds to wait if over it,
    else 0."""
    usage = get_usage(request, group=scope, key=_key, rate=_rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return 0
    # The window may end within this very second (time_left 0): one second then.
    return max(1, usage["time_left"])


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = round(seconds / 60)
    return f"{minutes} minutes"


def rate_limit_message(seconds: int) -> str:
    return f"Trop de requêtes depuis votre adresse. Réessayez dans {_wait_text(seconds)}."


def too_many_requests(request, seconds: int, *, as_json: bool = False):
    """The 429 answer: a JSON body for the API, a French page elsewhere; Retry-After on both."""
    message = rate_limit_message(seconds)
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
