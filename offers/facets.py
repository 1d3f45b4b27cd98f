"""Facet counts of the offers listing in a bounded number of queries.

As for events: the facets without an active filter are counted together in one GROUPING SETS
scan of the filtered rows (which also gives the total); a facet that is itself filtered is
counted on the rows filtered by everything else, so its other options keep meaningful counts.
At most 1 + (number of active faceted filters) queries, whatever the number of offers, and
none while the listing version (bumped by a trigger on every write) stays the same.
"""

import functools

from semaine.facets import Facets, cached_facets, column_counts, counts_without, grouping_sets
from semaine.facets import facet_options as shared_facet_options
from semaine.models import Trade
from semaine.pagecache import data_versions

# Filter name -> the column counted. All are in the `offer_facets` covering index, so the
# counts are an index-only scan; trades are counted by id and named by code afterwards.
COLUMNS = {
    "nature": "nature",
    "region": "region_id",
    "departement": "department_id",
    "metier": "trade_id",
    "contrat": "contract_type",
    "alternance": "work_study",
    "temps": "working_time",
}


@functools.cache
def _trade_codes() -> dict[str, str]:
    # Reference data, loaded by a migration: cached per process like the filters' choices.
    return {str(pk): code for pk, code in Trade.objects.current().values_list("pk", "code")}


def facet_counts(filterset) -> Facets:
    """Counts of the filtered offers by facet, cached under the offers' listing version."""
    version = data_versions()[2]
    return cached_facets(
        prefix="offers",
        version=version,
        active=filterset.active_filters,
        compute=lambda: _facet_counts(filterset, version),
    )


def _facet_counts(filterset, version) -> Facets:
    active = filterset.active_filters
    free = {name: column for name, column in COLUMNS.items() if name not in active}
    total, counts = grouping_sets(filterset.qs, free)
    for name, column in COLUMNS.items():
        if name in active:
            counts[name] = counts_without(
                filterset, name, column_counts(column), prefix="offers", version=version
            )
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
