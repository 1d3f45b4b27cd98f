"""Event cards kept as HTML between pages (semaine.cards)."""

from django import template

from events.models import AVAILABILITY_VERSION, LISTING_VERSION
from semaine.cards import cached_cards

register = template.Library()


@register.simple_tag
def event_cards(events, heading="h2"):
    """The cards of `events`, in order, with `heading` as their title's level. A card shows its
    event, its organiser and, for its last seats, how many are left: the `events` and
    `availability` versions."""
    return cached_cards(
        events,
        template="includes/event_card.html",
        name="event",
        versions=(LISTING_VERSION, AVAILABILITY_VERSION),
        heading=heading,
    )
