"""/offres/flux.atom: the Atom feed of the offers listing's selection (semaine.feeds)."""

from offers.filters import OfferFilter
from offers.models import LISTING_VERSION
from semaine.feeds import ListingFeed, listing_feed_view
from semaine.models import VOCABULARY_VERSION


class OfferFeed(ListingFeed):
    """The open offers of a selection, newest published first: the listing's own order."""

    filterset_class = OfferFilter
    listing_url_name = "offers:list"
    feed_url_name = "offers:feed"
    noun = "Offres d'emploi et formations"
    description_template = "offers/feeds/entry.html"

    def subtitle(self, filterset) -> str:
        return f"Les {self.max_entries} offres de cette sélection publiées le plus récemment."

    def ordered(self, queryset):
        return queryset.select_related("department").order_by("-published_at", "-id")

    def item_title(self, offer) -> str:
        return offer.title

    def item_author_name(self, offer) -> str | None:
        return (offer.employer or offer.organisation) or None

    def item_pubdate(self, offer):
        return offer.published_at

    def item_updateddate(self, offer):
        return max(offer.published_at, offer.source_updated_at or offer.published_at)

    def item_categories(self, offer) -> list[str]:
        categories = [offer.get_nature_display()]
        if offer.contract_type:
            categories.append(offer.get_contract_type_display())
        return categories


feed = listing_feed_view(OfferFeed(), LISTING_VERSION, VOCABULARY_VERSION)
