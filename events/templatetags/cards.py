"""Event cards, each rendered once per version of what it shows.

A card (`includes/event_card.html`) shows an event's own fields, its organiser's name and, for
its last seats, how many are left: what the `events` and `availability` data versions stand for
(semaine.pagecache). The same events come back on page after page of different selections (the
soonest of a region, of a trade, near a town), and twenty cards were two thirds of the rendering
of a listing page computed afresh: each is kept as HTML under those versions, its heading level
and the distance it shows, for as long as a cached page.
"""

from django import template
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from events.models import AVAILABILITY_VERSION, LISTING_VERSION
from semaine.pagecache import PAGE_SECONDS, version_key

register = template.Library()


def _distance(km) -> str:
    # Finer than the card shows it (« à 12 km »): the same text for the same key.
    return "" if km is None else f"{km:.2f}"


@register.simple_tag
def event_cards(events, heading="h2"):
    """The cards of `events`, in order, with `heading` as their title's level."""
    events = list(events)
    if not events:
        return ""
    versions = version_key((LISTING_VERSION, AVAILABILITY_VERSION))
    keys = [
        f"card:{versions}:{heading}:{event.pk}:{_distance(getattr(event, 'distance_km', None))}"
        for event in events
    ]
    cards = cache.get_many(keys)
    made = {}
    card = get_template("includes/event_card.html")
    for key, event in zip(keys, events, strict=True):
        if key not in cards:
            made[key] = cards[key] = card.render({"event": event, "heading": heading})
    if made:
        cache.set_many(made, PAGE_SECONDS)
    return mark_safe("".join(cards[key] for key in keys))  # noqa: S308 - rendered templates
