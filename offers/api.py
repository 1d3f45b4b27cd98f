"""Read-only JSON API of the job and training offers (/api/v1/offres/), filtered by OfferFilter."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from offers.filters import OfferFilter
from offers.models import LISTING_VERSION, Offer
from offers.serializers import OfferSerializer
from semaine.api import (
    ListOnlyFilterMixin,
    PageNumberPagination,
    cached_action,
    documented_responses,
)
from semaine.models import VOCABULARY_VERSION


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
    # Cached under the data versions the answers show, once DRF has counted the request.
    list = cached_action(LISTING_VERSION, VOCABULARY_VERSION)(mixins.ListModelMixin.list)
    retrieve = cached_action(LISTING_VERSION)(mixins.RetrieveModelMixin.retrieve)

    def get_queryset(self):
        # The list shows open offers, as the offers page does; a detail URL also finds a
        # closed offer (bookmarks, shared links), as the offer's page does.
        offers = Offer.objects.for_listing()
        return offers.open() if self.action == "list" else offers
