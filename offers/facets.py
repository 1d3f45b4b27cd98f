"""Facet counts of the offers listing in a bounded number of queries.

As for events: the facets without an active filter are counted together in one GROUPING SETS
scan of the filtered rows (which also gives the total); a facet that is itself filtered is
counted on the rows filtered by everything else, so its other options keep meaningful counts.
At most 1 + (number of active faceted filters) queries, whatever the number of offers, and
none while the listing version (bumped by a trigger on every write) stays the same.
"""

import functools

from django.db.models import Count

from semaine.facets import Facets, cached_facets, facet_value, grouping_sets
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
    active = filterset.active_filters
    if "q" in active:
        # Free-text searches are too varied to be worth caching.
        return _facet_counts(filterset)
    return cached_facets(
        prefix="offers",
        version=data_versions()[2],
        active=active,
        compute=lambda: _facet_counts(filterset),
    )


def _facet_counts(filterset) -> Facets:
    active = filterset.active_filters
    free = {name: column for name, column in COLUMNS.items() if name not in active}
    total, counts = grouping_sets(filterset.qs, free)
    for name in [n for n in COLUMNS if n in active]:
        data = filterset.data.copy()
        data.pop(name, None)
        others = type(filterset)(data, queryset=filterset.queryset)
        counts[name] = {
            facet_value(value): n
            for value, n in others.qs.order_by()
            .values_list(COLUMNS[name])
            .annotate(n=Count("*"))
            .order_by()
            if value not in (None, "")
        }
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
