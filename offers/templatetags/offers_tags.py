"""Offers shown on an event's page, which belongs to the other app.

The tag lives here, not in `events`, because offers depend on events and never the reverse: an
event page loads this library and the events app stays free of offers.
"""

from django import template

from offers.models import LISTING_VERSION
from offers.related import event_related_offers
from semaine.cards import cached_cards

register = template.Library()


@register.inclusion_tag("offers/related_offers.html")
def related_offers(event):
    return {"event": event, "offers": event_related_offers(event=event)}


@register.simple_tag
def offer_cards(offers, heading="h2"):
    """The cards of `offers`, in order, kept as HTML under the `offers` version they show
    (semaine.cards)."""
    return cached_cards(
        offers,
        template="offers/offer_card.html",
        name="offer",
        versions=(LISTING_VERSION,),
        heading=heading,
    )
