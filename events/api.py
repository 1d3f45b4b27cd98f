"""Read-only JSON API of the events (/api/v1/evenements/), filtered by EventFilter.

Conditional requests come from Django's ConditionalGetMiddleware: it hashes each rendered
page into an ETag and answers 304 to a matching If-None-Match. A hash of the content (rather
than the latest `updated_at`) also notices seats taken and events leaving the selection.
"""

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets

from events.filters import EventFilter
from events.models import LISTING_VERSION, SEATS_VERSION, Event
from events.serializers import EventSerializer, trade_index, with_trades
from semaine.api import (
    ListOnlyFilterMixin,
    PageNumberPagination,
    cached_action,
    documented_responses,
)


@extend_schema_view(
    list=extend_schema(
        summary="Événements",
        description=(
            "Les événements publiés (et annulés) de la Semaine, avec les mêmes filtres que la page "
            "/evenements/. Sans filtre de dates ni `passes`, seulement ceux qui ne sont pas "
            "terminés. Une valeur de filtre invalide donne une erreur 400."
        ),
        parameters=[
            OpenApiParameter("page_size", int, description="Nombre par page (20 ; au plus 100)")
        ],
        responses=documented_responses(EventSerializer, listing=True),
    ),
    retrieve=extend_schema(
        summary="Un événement", responses=documented_responses(EventSerializer, listing=False)
    ),
)
class EventViewSet(ListOnlyFilterMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = EventSerializer
    filterset_class = EventFilter
    pagination_class = PageNumberPagination
    queryset = Event.objects.none()  # for the schema; get_queryset() is the real one
    lookup_value_regex = r"[0-9]+"
    # Cached under the data versions the answers show, once DRF has counted the request.
    list = cached_action(LISTING_VERSION, SEATS_VERSION)(mixins.ListModelMixin.list)
    retrieve = cached_action(LISTING_VERSION, SEATS_VERSION)(mixins.RetrieveModelMixin.retrieve)

    def get_queryset(self):
        return with_trades(Event.objects.public().for_listing())

    def get_serializer_context(self):
        # Codes and labels of the trades, read once per response rather than per event.
        return {**super().get_serializer_context(), "trades": trade_index()}
