"""The partners' JSON API: /api/v1/… (versioned in the path), its schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from events.api import EventViewSet
from offers.api import OfferViewSet
from semaine.ratelimit import rate_limited

app_name = "api"

router = SimpleRouter()
router.register("evenements", EventViewSet, basename="evenement")
router.register("offres", OfferViewSet, basename="offre")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", rate_limited("api", as_json=True)(SpectacularAPIView.as_view()), name="schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    path(
        "docs/",
        rate_limited("api")(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
]
