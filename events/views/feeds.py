"""/evenements/flux.atom: the Atom feed of the listing's selection (semaine.feeds)."""

from events.filters import EventFilter
from events.models import AVAILABILITY_VERSION, LISTING_VERSION
from semaine.feeds import ListingFeed, listing_feed_view
from semaine.models import VOCABULARY_VERSION


class EventFeed(ListingFeed):
    """The events of a selection most recently published or changed first: a reader shows what
    is new, the job dating added tomorrow, not the same next fifty events every day. An event
    cancelled later comes back to the top, titled as cancelled."""

    filterset_class = EventFilter
    listing_url_name = "events:list"
    feed_url_name = "events:feed"
    noun = "Événements"
    description_template = "events/feeds/entry.html"

    def subtitle(self, filterset) -> str:
        return (
            f"Les {self.max_entries} événements de cette sélection publiés ou modifiés le plus "
            "récemment."
        )

    def ordered(self, queryset):
        return queryset.select_related("department", "organiser").order_by("-updated_at", "-id")

    def item_title(self, event) -> str:
        return f"Annulé : {event.title}" if event.is_cancelled else event.title

    def item_author_name(self, event) -> str:
        return event.organiser.name

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):
        return event.updated_at

    def item_categories(self, event) -> list[str]:
        return [event.get_type_display(), event.get_modalite_display()]


# The cards' versions: availability, since an entry says « Complet » as the cards do.
feed = listing_feed_view(EventFeed(), LISTING_VERSION, AVAILABILITY_VERSION, VOCABULARY_VERSION)
