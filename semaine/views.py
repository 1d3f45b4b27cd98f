"""The site's own pages: the home page (the one page that shows both apps, so this module is
one of the project's composition modules), health checks and the legal pages."""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, connections
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from events import stats
from events.models import AVAILABILITY_VERSION
from events.models import LISTING_VERSION as EVENTS_VERSION
from offers.models import LISTING_VERSION as OFFERS_VERSION
from offers.related import work_study_offers
from semaine.middleware import allow_geolocation
from semaine.models import EDITIONS_VERSION
from semaine.pagecache import versioned_page


@require_safe
@versioned_page(EVENTS_VERSION, AVAILABILITY_VERSION, OFFERS_VERSION, EDITIONS_VERSION)
def home(request):
    # The one page that shows both apps: the week's figures and the work-study offers.
    counts, offers = work_study_offers()
    context = {**stats.home_figures(), "work_study": {"counts": counts, "offers": offers}}
    return allow_geolocation(render(request, "semaine/home.html", context))


@never_cache
def metrics(request):
    """Prometheus metrics (METRICS=on), for the holder of METRICS_TOKEN."""
    from django_prometheus.exports import ExportToDjangoView

    token = settings.METRICS_TOKEN
    if token:
        allowed = constant_time_compare(request.headers.get("Authorization", ""), f"Bearer {token}")
    else:
        allowed = settings.DEBUG  # a developer's machine: the settings refuse it elsewhere
    if not allowed:
        response = HttpResponse("authentication required", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return ExportToDjangoView(request)


@never_cache
def healthz(request):
    """Liveness for load balancers: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        # Drop the broken connection so the next request reconnects.
        connection.close_if_unusable_or_obsolete()
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """Readiness for load balancers: 200 when every database (primary and replicas) and the
    cache answer, 503 naming what does not; an instance that fails it gets no traffic."""
    failures = []
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            connections[alias].close_if_unusable_or_obsolete()
            failures.append(f"database {alias}")
    probe = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(probe, "1", 5)
        if cache.get(probe) != "1":
            failures.append("cache")
        cache.delete(probe)
    except Exception:  # noqa: BLE001 - any cache client error (Redis down, timeout) means not ready
        failures.append("cache")
    if failures:
        body = "unavailable: " + ", ".join(failures)
        return HttpResponse(body, status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def accessibility(request):
    """The RGAA accessibility statement every French public-service site must publish."""
    return render(request, "semaine/accessibility.html", {"statement": ACCESSIBILITY_STATEMENT})


@require_safe
def legal_notice(request):
    return render(request, "semaine/legal_notice.html")


# Kept beside the view so that a new audit updates one place: the template only displays it.
ACCESSIBILITY_STATEMENT = {
    "rgaa_version": "4.1.2",
    # Without a complete RGAA audit, the official model requires "non conforme".
    "conformity": "non conforme",
    "established_on": "22 novembre 2026",
}


@require_safe
def privacy(request):
    """What the registration form collects, why, for how long, and the person's rights."""
    return render(
        request,
        "semaine/donnees_personnelles.html",
        {
            "retention_months": settings.REGISTRATION_RETENTION_MONTHS,
            "backup_keep": settings.BACKUP_KEEP,
            "confirm_minutes": settings.REGISTRATION_CONFIRM_MINUTES,
            "network_limit": settings.REGISTRATION_NETWORK_LIMIT,
            "alert_confirm_days": settings.ALERT_CONFIRM_DAYS,
            "alert_expiry_days": settings.ALERT_EXPIRY_DAYS,
            "alerts_per_address": settings.ALERTS_PER_ADDRESS,
        },
    )
