"""Read-only JSON API of the events (/api/v1/evenements/), filtered by EventFilter.

Conditional requests come from Django's ConditionalGetMiddleware: it hashes each rendered
page into an ETag and answers 304 to a matching If-None-Match. A hash of the content (rather
than the latest `updated_at`) also notices seats taken and events leaving the selection.
"""

from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import pagination, viewsets
from rest_framework.exceptions import NotFound, ValidationError

from events.filters import EventFilter
from events.models import Event
from events.serializers import EventSerializer, trade_index, with_trades
from semaine.pagecache import versioned_page
from semaine.ratelimit import rate_limited


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` and `page_size` (at most 100: a bigger one is capped, not refused)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            # A page past the end is a bad parameter, not a missing resource.
            number = request.query_params.get(self.page_query_param, "")[:20]
            raise ValidationError(
                {self.page_query_param: [_("La page « %s » n'existe pas.") % number]}
            ) from None


def documented_responses(serializer, *, listing: bool) -> dict:
    """Every answer the API gives, for its schema: a client (and schemathesis) may rely on it."""
    responses = {
        200: serializer(many=True) if listing else serializer,
        429: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="Trop de requêtes depuis cette adresse : réessayer après `Retry-After`.",
        ),
    }
    if listing:
        responses[400] = OpenApiResponse(
            OpenApiTypes.OBJECT, description="Filtre ou page invalide : messages par paramètre."
        )
    else:
        responses[404] = OpenApiResponse(OpenApiTypes.OBJECT, description="Introuvable.")
    return responses


class ListOnlyFilterMixin:
    """Filters (and their default period) select the list; a detail URL finds any visible row."""

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


# Counted before the page cache: a cached answer costs little but is still a request.
@method_decorator(rate_limited("api", as_json=True), name="dispatch")
@method_decorator(versioned_page, name="dispatch")
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

    def get_queryset(self):
        return with_trades(Event.objects.visible().for_listing())

    def get_serializer_context(self):
        # Codes and labels of the trades, read once per response rather than per event.
        return {**super().get_serializer_context(), "trades": trade_index()}
