"""What both JSON APIs share: pagination, documented answers, list-only filtering, and the
serializers of the shared vocabulary (territories, trades)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import pagination, serializers
from rest_framework.exceptions import NotFound, ValidationError


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


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class TradeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code ROME")
    label = serializers.CharField()
