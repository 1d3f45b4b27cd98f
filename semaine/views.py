from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from events import stats


def home(request):
    return render(request, "semaine/home.html", stats.home_figures())


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
