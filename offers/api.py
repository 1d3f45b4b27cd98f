"""Read-only JSON API of the job and training offers (/api/v1/offres/), filtered by OfferFilter."""

from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from offers.filters import OfferFilter
from offers.models import LISTING_VERSION, Offer
from offers.serializers import OfferSerializer
from semaine.api import ListOnlyFilterMixin, PageNumberPagination, documented_responses
from semaine.pagecache import versioned_page
from semaine.ratelimit import rate_limited


# Counted before the page cache: a cached answer costs little but is still a request.
@method_decorator(rate_limited("api", as_json=True), name="dispatch")
@method_decorator(versioned_page(LISTING_VERSION), name="dispatch")
@extend_schema_view(
    list=extend_schema(
        summary="Offres d'emploi et de formation",
        description=(
            "Les offres ouvertes, les plus récentes d'abord, avec les mêmes filtres que la page "
            "/offres/. Une valeur de filtre invalide donne une erreur 400."
        ),
        parameters=[
            OpenApiParameter("page_size", int, description="Nombre par page (20 ; au plus 100)")
        ],
        responses=documented_responses(OfferSerializer, listing=True),
    ),
    retrieve=extend_schema(
        summary="Une offre (ouverte ou close)",
        responses=documented_responses(OfferSerializer, listing=False),
    ),
)
class OfferViewSet(ListOnlyFilterMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = OfferSerializer
    filterset_class = OfferFilter
    pagination_class = PageNumberPagination
    queryset = Offer.objects.none()  # for the schema; get_queryset() is the real one
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        # The list shows open offers, as the offers page does; a detail URL also finds a
        # closed offer (bookmarks, shared links), as the offer's page does.
        offers = Offer.objects.for_listing()
        return offers.open() if self.action == "list" else offers
