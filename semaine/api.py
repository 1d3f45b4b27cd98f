"""What both JSON APIs share: pagination, documented answers, list-only filtering, and the
serializers of the shared vocabulary (territories, trades)."""

import functools

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import pagination, serializers
from rest_framework.exceptions import ErrorDetail, NotFound, Throttled, ValidationError
from rest_framework.throttling import BaseThrottle

from semaine.pagecache import versioned_page
from semaine.ratelimit import rate_limit_message, retry_after


class ApiRateThrottle(BaseThrottle):
    """Every API request counts in the `api` budget (API_RATE_LIMIT) of its client address.

    DRF's throttle hook, counted like the pages' limits (semaine.ratelimit: django-ratelimit,
    one atomic increment in the shared cache, TRUSTED_PROXY_COUNT, RATE_LIMITS=off).
    """

    scope = "api"

    def allow_request(self, request, view):
        self.seconds = retry_after(request._request, scope=self.scope)
        return not self.seconds

    def wait(self):
        return self.seconds


def exception_handler(exc, context):
    """DRF's handler, with the site's French 429 message (Retry-After comes from `exc.wait`)."""
    # Imported here: rest_framework.views reads the throttle classes (this module) on import.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Throttled) and exc.wait:
        exc.detail = ErrorDetail(rate_limit_message(exc.wait), code=exc.default_code)
    return drf_exception_handler(exc, context)


def cached_action(*reads: str):
    """The page cache (semaine.pagecache.versioned_page) on a viewset's action.

    On the action rather than on dispatch: DRF has then counted the request against its
    throttles (a cached answer is still a request) and chosen the renderer, so a fresh answer
    can be rendered before it is cached.
    """

    def decorator(action):
        @functools.wraps(action)
        def wrapped(viewset, request, *args, **kwargs):
            def view(request, *args, **kwargs):
                response = action(viewset, request, *args, **kwargs)
                return viewset.finalize_response(request, response, *args, **kwargs)

            return versioned_page(*reads)(view)(request, *args, **kwargs)

        return wrapped

    return decorator


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
