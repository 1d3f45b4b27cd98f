"""The partners' JSON API: /api/v1/… (versioned in the path), its schema and its docs."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from events.api import EventViewSet, TradeSuggestionView
from offers.api import OfferViewSet
from semaine.geo.api import CommuneView
from semaine.ratelimit import rate_limited

app_name = "api"


@rate_limited("api", as_json=True)
def not_found(request):
    # A client of the API reads JSON, also when it asks for a URL that does not exist
    # (/api/v1/evenements/abc/): not the site's HTML page.
    return JsonResponse({"detail": "Introuvable."}, status=404)


router = SimpleRouter()
router.register("evenements", EventViewSet, basename="evenement")
router.register("offres", OfferViewSet, basename="offre")

urlpatterns = [
    path("v1/communes/", CommuneView.as_view(), name="communes"),
    path("v1/metiers/", TradeSuggestionView.as_view(), name="metier-list"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    path(
        "docs/",
        # An HTML page: counted by the pages' decorator (its 429 is the French page).
        rate_limited("api")(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema", throttle_classes=[])
        ),
        name="docs",
    ),
    # Last: only what nothing above matched. Ending in "/", so that CommonMiddleware still
    # adds a missing slash to /api/v1/evenements first.
    re_path(r"^[\s\S]*/$", not_found),  # [\s\S]: line breaks in the path too
]
