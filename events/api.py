"""Read-only JSON API of the events (/api/v1/evenements/), filtered by EventFilter.

Conditional requests come from Django's ConditionalGetMiddleware: it hashes each rendered
page into an ETag and answers 304 to a matching If-None-Match. A hash of the content (rather
than the latest `updated_at`) also notices seats taken and events leaving the selection.
"""

from django.db.models import Count
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from events.filters import EventFilter
from events.models import LISTING_VERSION, SEATS_VERSION, Event
from events.serializers import EventSerializer, trade_index, with_trades
from semaine.api import (
    ListOnlyFilterMixin,
    PageNumberPagination,
    cached_action,
    documented_responses,
)
from semaine.models import VOCABULARY_VERSION, Trade
from semaine.search.suggest import suggested_trade_ids


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
    list = cached_action(LISTING_VERSION, SEATS_VERSION, VOCABULARY_VERSION)(
        mixins.ListModelMixin.list
    )
    retrieve = cached_action(LISTING_VERSION, SEATS_VERSION)(mixins.RetrieveModelMixin.retrieve)

    def get_queryset(self):
        return with_trades(Event.objects.public().for_listing())

    def get_serializer_context(self):
        # Codes and labels of the trades, read once per response rather than per event.
        return {**super().get_serializer_context(), "trades": trade_index()}


class TradeSuggestionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code ROME 4.0")
    label = serializers.CharField()
    upcoming_events = serializers.IntegerField(help_text="Événements publiés à venir")


class TradeSuggestionsSerializer(serializers.Serializer):
    results = TradeSuggestionSerializer(many=True)


@extend_schema(
    summary="Métiers suggérés",
    description=(
        "Les métiers (ROME 4.0) que désignent des mots en cours de saisie, le plus probable "
        "d'abord : libellé, code ROME et nombre d'événements publiés à venir. Comprend les "
        "sigles, diplômes et formes féminines (`IDE`, `DEAS`, `monitrice`). Sert aux "
        "suggestions de la zone de recherche ; le code se passe au filtre `metier`."
    ),
    parameters=[OpenApiParameter("q", str, description="Mots saisis (60 caractères lus)")],
    responses={
        200: TradeSuggestionsSerializer,
        429: documented_responses(TradeSuggestionsSerializer, listing=False)[429],
    },
)
class TradeSuggestionView(APIView):
    """/api/v1/metiers/?q=: here because events know their trades (and count them)."""

    @cached_action(LISTING_VERSION, VOCABULARY_VERSION)
    def get(self, request):
        ids = suggested_trade_ids(request.query_params.get("q", ""))
        trades = Trade.objects.in_bulk(ids)
        through = Event.trades.through
        counts = dict(
            through.objects.filter(
                trade_id__in=ids,
                event__in=Event.objects.published().upcoming().values("pk"),
            )
            .values_list("trade_id")
            .annotate(n=Count("event_id"))
            .order_by()
        )
        results = [
            {
                "code": trades[pk].code,
                "label": trades[pk].label,
                "upcoming_events": counts.get(pk, 0),
            }
            for pk in ids
            if pk in trades
        ]
        return Response(TradeSuggestionsSerializer({"results": results}).data)
