"""The database away is an outage, not a crash: a French 503 page (JSON for the API) with
`Retry-After`, instead of the 500 of an unexpected error.

Django turns any exception of a view or a middleware into the `handler500` view
(`semaine.urls`); this one answers 503 when the exception says the database cannot be reached.
Pages of the page cache are served stale meanwhile (`semaine.pagecache`), and the registration
form is shown again with what the person typed (`events.views.registration`).
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

# A lost connection, a server refusing connections or shutting down, a statement cancelled:
# transient by nature, and what psycopg raises for each.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
UNAVAILABLE_MESSAGE = "Le service est momentanément indisponible, réessayez dans quelques minutes."
RETRY_AFTER_SECONDS = 120


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, else the French page."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE_MESSAGE}, status=503)
    else:
        # Rendered without the request's context processors: they read the database.
        html = loader.render_to_string("503.html", {"message": UNAVAILABLE_MESSAGE})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: 503 when the database is away, else the French 500 page."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Erreur du serveur."}, status=500)
    return HttpResponse(loader.render_to_string("500.html"), status=500)
