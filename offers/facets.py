"""Facet counts of the offers listing in a bounded number of queries.

As for events: the facets without an active filter are counted together in one GROUPING SETS
scan of the filtered rows (which also gives the total); a facet that is itself filtered is
counted on the rows filtered by everything else, so its other options keep meaningful counts.
At most 1 + (number of active faceted filters) queries, whatever the number of offers, and
none while the listing version (bumped by a trigger on every write) stays the same.
"""

import functools

from offers.models import LISTING_VERSION
from semaine.facets import Facets, cached_facets, count_facets
from semaine.facets import facet_options as shared_facet_options
from semaine.models import Trade
from semaine.pagecache import data_versions


@functools.cache
def _trade_codes() -> dict[str, str]:
    # Reference data, loaded by a migration: cached per process like the filters' choices.
    return {str(pk): code for pk, code in Trade.objects.current().values_list("pk", "code")}


def facet_counts(filterset) -> Facets:
    """Counts of the filtered offers by facet, cached under the offers' listing version."""
    version = data_versions().get(LISTING_VERSION, 0)
    return cached_facets(
        prefix="offers",
        version=version,
        active=filterset.active_filters,
        compute=lambda: _facet_counts(filterset, version),
    )


def _facet_counts(filterset, version) -> Facets:
    total, counts = count_facets(filterset, prefix="offers", version=version)
    # Counted by trade id (in the covering index), shown by code.
    codes = _trade_codes()
    counts["metier"] = {codes[pk]: n for pk, n in counts["metier"].items() if pk in codes}
    return Facets(total=total, counts=counts)


def facet_options(filterset, facets: Facets) -> dict:
    """Options of each faceted field with their counts, e.g. ("CDI", "CDI", 42, True)."""
    options = shared_facet_options(
        filterset, facets, ("nature", "region", "departement", "metier", "temps", "contrat")
    )
    options["alternance"] = facets.count("alternance", "1")
    return options
