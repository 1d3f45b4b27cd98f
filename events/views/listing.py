"""The events listing and a region's events: the shared listing view (semaine.listing)."""

from django.shortcuts import get_object_or_404

from events.filters import EventFilter
from events.models import AVAILABILITY_VERSION, LISTING_VERSION, Event
from semaine.listing import Concatenated, ListingView
from semaine.models import VOCABULARY_VERSION, Region
from semaine.pagecache import versioned_page
from semaine.ratelimit import rate_limited


class EventListView(ListingView):
    """/evenements/: upcoming events, filtered, with the count of each option."""

    filterset_class = EventFilter
    template_name = "events/event_list.html"
    rows_name = "events"

    def rows(self):
        return Event.objects.for_listing()

    def paginated(self, filterset):
        # Near me, sorted by distance: the nearby events, then the online ones by date.
        if filterset.sorted_by_distance and filterset.online_after_nearby() is not None:
            return Concatenated(
                super().paginated(filterset.nearby_only()),
                super().paginated(filterset.online_only()),
            )
        return super().paginated(filterset)

    def get_context_data(self, **context) -> dict:
        return {**context, "region": None, "departments": (), "feed_query": context["querystring"]}


class RegionEventListView(EventListView):
    """/evenements/region/<code>/: the listing with the region fixed, and its departments."""

    def get(self, request, *args, region_code, **kwargs):
        self.region = get_object_or_404(Region, code=region_code)
        return super().get(request, *args, **kwargs)

    def fixed_filters(self) -> dict[str, str]:
        return {"region": self.region.code}

    def get_context_data(self, **context) -> dict:
        # The feed's selection names the region that this page's URL fixes.
        query = "&".join(filter(None, [f"region={self.region.code}", context["querystring"]]))
        return {
            **context,
            "region": self.region,
            "departments": self.region.departments.all(),
            "feed_query": query,
        }


# Availability, not seats: the cards say how many seats are left only for the last ones
# (Event.FEW_SEATS), and "with seats left" changes only when an event becomes full or not.
# And the search vocabulary: an edit in the admin changes what the keywords find, at once.
event_list = rate_limited("pages")(
    versioned_page(
        LISTING_VERSION, AVAILABILITY_VERSION, VOCABULARY_VERSION, query=EventListView.cache_query
    )(EventListView.as_view())
)
region_event_list = rate_limited("pages")(
    versioned_page(
        LISTING_VERSION, AVAILABILITY_VERSION, VOCABULARY_VERSION, query=EventListView.cache_query
    )(RegionEventListView.as_view())
)
