"""Listing cards, each rendered once per version of what it shows.

A card (an event's, an offer's) shows its row's own fields and what its listing joins to them:
what the listing's data versions stand for (semaine.pagecache). The same rows come back on page
after page of different selections (the soonest events of a region, of a trade, near a town),
and twenty cards were two thirds of the rendering of a listing page computed afresh: each is
kept as HTML under those versions, its heading level and the distance it shows, for as long as
a cached page.
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from semaine.pagecache import PAGE_SECONDS, version_key


def _distance(km) -> str:
    # Finer than a card shows it (« à 12 km »): the same text for the same key.
    return "" if km is None else f"{km:.2f}"


def cached_cards(
    rows: Iterable, *, template: str, name: str, versions: tuple[str, ...], heading: str
) -> SafeString:
    """The cards of `rows`, in order: `template` rendered with each row as `name` and
    `heading` as its title's level, kept under the data versions `versions` it shows."""
    rows = list(rows)
    if not rows:
        return mark_safe("")  # noqa: S308 - empty
    prefix = f"card:{template}:{version_key(versions)}:{heading}"
    keys = [f"{prefix}:{row.pk}:{_distance(getattr(row, 'distance_km', None))}" for row in rows]
    cards = cache.get_many(keys)
    made = {}
    card = get_template(template)
    for key, row in zip(keys, rows, strict=True):
        if key not in cards:
            made[key] = cards[key] = card.render({name: row, "heading": heading})
    if made:
        cache.set_many(made, PAGE_SECONDS)
    return mark_safe("".join(cards[key] for key in keys))  # noqa: S308 - rendered templates
