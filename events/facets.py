"""Facet counts of the events listing in a bounded number of queries.

A facet that is itself filtered is counted on the rows filtered by everything else, so its other
options keep meaningful counts; the others come from one GROUPING SETS scan (semaine.facets).
"""

from django.db.models import Count

from events.models import LISTING_VERSION, SEATS_VERSION, Event
from semaine.facets import Facets, cached_facets, count_facets, counts_without
from semaine.models import Trade
from semaine.pagecache import data_versions


def _fold_sectors(counts: dict[str, int]) -> dict[str, int]:
    folded: dict[str, int] = {}
    for sectors, n in counts.items():
        for letter in sectors:
            folded[letter] = folded.get(letter, 0) + n
    return folded


def _trade_counts(queryset) -> dict[str, int]:
    through = Event.trades.through
    rows = (
        through.objects.filter(
            event_id__in=queryset.order_by().values("pk"), trade__version=Trade.Version.V4
        )
        .values_list("trade__code")
        .annotate(n=Count("event_id"))
        .order_by()
    )
    return dict(rows)


def facet_counts(filterset) -> Facets:
    """Facet counts and total of the filtered listing (cached under the listing version)."""
    active = filterset.active_filters
    versions = data_versions()
    listing, seats = versions.get(LISTING_VERSION, 0), versions.get(SEATS_VERSION, 0)
    # "With seats left" moves with registrations, which bump the seats version only.
    version = f"{listing}.{seats}" if "places" in active else listing
    return cached_facets(
        prefix="events",
        version=version,
        active=active,
        compute=lambda: _facet_counts(filterset, version),
    )


def _facet_counts(filterset, version) -> Facets:
    total, counts = count_facets(filterset, prefix="events", version=version)
    # Trades are many to many: counted on their own table.
    counts["metier"] = counts_without(
        filterset, "metier", _trade_counts, prefix="events", version=version
    )
    counts["secteur"] = _fold_sectors(counts["secteur"])
    return Facets(total=total, counts=counts)
