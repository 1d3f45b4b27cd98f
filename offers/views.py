from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from events.models import AVAILABILITY_VERSION
from events.models import LISTING_VERSION as EVENTS_VERSION
from offers.filters import OfferFilter
from offers.jsonld import offer_jsonld
from offers.models import LISTING_VERSION, Offer
from offers.related import offer_related_events
from semaine.listing import ListingView
from semaine.models import VOCABULARY_VERSION
from semaine.pagecache import versioned_page
from semaine.ratelimit import rate_limited


class OfferListView(ListingView):
    """/offres/: open offers, most recent first, filtered, with the count of each option."""

    filterset_class = OfferFilter
    template_name = "offers/offer_list.html"
    rows_name = "offers"

    def rows(self):
        return Offer.objects.for_listing()


offer_list = rate_limited("pages")(
    versioned_page(LISTING_VERSION, VOCABULARY_VERSION, query=OfferListView.cache_query)(
        OfferListView.as_view()
    )
)


@require_safe
@versioned_page(LISTING_VERSION, EVENTS_VERSION, AVAILABILITY_VERSION)  # and the events' cards
def offer_detail(request, pk, slug):
    # Closed offers stay reachable (bookmarks, shared links) and say they are closed.
    offer = get_object_or_404(Offer.objects.for_listing(), pk=pk)
    if slug != offer.slug:
        return redirect(offer, permanent=True)
    return render(
        request,
        "offers/offer_detail.html",
        {
            "offer": offer,
            "jsonld": offer_jsonld(offer),
            "events": offer_related_events(offer=offer),
        },
    )
