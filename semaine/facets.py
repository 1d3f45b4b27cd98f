"""Facet counting shared by the listings (events, offers).

The facets without an active filter are counted in one GROUPING SETS scan of the filtered rows,
which also gives the total; a facet that is itself filtered is counted on the rows of the other
filters, so its other options keep meaningful counts, and those counts are cached under the
other filters (counts_without): listings that differ by that filter share them. What a listing
counts beyond its columns (the events' trades, many to many) is its filter set's business
(semaine.filters.ListingFilterSet.count_facets).

The counts of one combination of filters are cached under the data versions the filter set
reads (semaine.pagecache.data_versions: a PostgreSQL trigger bumps them when a transaction that
can change a listing commits), so a change made in the admin or by an import shows at once on
every instance. The short lifetime covers what moves with the clock ("upcoming").
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, connections
from django.db.models import Count, F

from semaine.pagecache import version_key

CACHE_SECONDS = 60


@dataclass
class Facets:
    total: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, name: str, value: str) -> int:
        return self.counts.get(name, {}).get(value, 0)


def facet_value(value) -> str:
    # Booleans are counted under the URL value that selects them ("1").
    if value is True:
        return "1"
    if value is False:
        return "0"
    return str(value)


def grouping_sets(queryset, columns: dict[str, str]) -> tuple[int, dict[str, dict[str, int]]]:
    """Total and per-value counts of each `columns` (facet name -> model field) in one scan."""
    names = list(columns)
    aliases = [f"facet_{name}" for name in names]
    # "pk" keeps rows apart should the queryset be DISTINCT.
    inner_sql, params = (
        queryset.order_by()
        .values(
            "pk", **{alias: F(columns[name]) for alias, name in zip(aliases, names, strict=True)}
        )
        .query.sql_with_params()
    )
    quoted = [connection.ops.quote_name(alias) for alias in aliases]
    select = ", ".join([*quoted, *(f"GROUPING({c})" for c in quoted), "COUNT(*)"])
    sets = ", ".join([*(f"({c})" for c in quoted), "()"])
    sql = f"SELECT {select} FROM ({inner_sql}) AS filtered GROUP BY GROUPING SETS ({sets})"  # noqa: S608 - identifiers are ours
    counts: dict[str, dict[str, int]] = {name: {} for name in names}
    total = 0
    # The queryset's own database: a replica for public pages (semaine.db_router).
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            values, flags, n = row[: len(names)], row[len(names) : -1], row[-1]
            if all(flags):
                total = n
                continue
            for name, value, flag in zip(names, values, flags, strict=True):
                if not flag and value not in (None, ""):
                    counts[name][facet_value(value)] = n
    return total, counts


def column_counts(queryset, column: str) -> dict[str, int]:
    """Rows of `queryset` per value of `column`."""
    values = queryset.order_by().values_list(column).annotate(n=Count("*")).order_by()
    return {facet_value(value): n for value, n in values if value not in (None, "")}


def count_facets(filterset) -> Facets:
    """Total and counts of every facet in `filterset.FACETS` (filter name -> column).

    Read from the listing's rows in memory (semaine.rowindex) when the process holds them at
    the request's data versions; else from the listing's summary table when it keeps the
    selection (semaine.summary); otherwise one GROUPING SETS scan for the facets without an
    active filter, then one count per active one on the rows of the other filters.
    """
    indexed = filterset.indexed
    if indexed is not None:
        total, counts = indexed.counts()
        return Facets(total=total, counts=counts)
    selection = filterset.summary_selection()
    if selection is not None:
        total, counts = filterset.SUMMARY.counts(
            selection, using=filterset.qs.db, now=getattr(filterset, "now", None)
        )
        return Facets(total=total, counts=counts)
    active = filterset.active_filters
    free = {name: column for name, column in filterset.FACETS.items() if name not in active}
    total, counts = grouping_sets(filterset.qs, free)
    for name, column in filterset.FACETS.items():
        if name in active:
            counts[name] = counts_without(
                filterset, name, lambda rows, column=column: column_counts(rows, column)
            )
    return Facets(total=total, counts=counts)


def counts_without(filterset, name: str, compute) -> dict[str, int]:
    """`compute(rows)` on the rows of every active filter but `name`, cached under those others.

    Listings that differ only by `name` share these counts: the events of Brittany and of
    Occitania count their regions on the same rows. They are the broadest counts of a page; a
    cold pass over the bench's listing URLs takes a fifth longer without this cache
    (docs/architecture.md, "Caching").
    """
    active = filterset.active_filters
    others = {k: v for k, v in active.items() if k != name}
    kind = f"{type(filterset).__name__}:{name}"
    key = _cache_key(kind, version_key(filterset.facet_versions()), others)
    counts = cache.get(key)
    if counts is None:
        counts = compute(filterset.without(name).qs if name in active else filterset.qs)
        cache.set(key, counts, CACHE_SECONDS)
    return counts


def _cache_key(kind: str, versions: str, active: dict) -> str:
    normalised = json.dumps(
        {k: sorted(map(str, v)) if isinstance(v, list) else v for k, v in active.items()},
        sort_keys=True,
        default=str,
    )
    digest = hashlib.sha256(normalised.encode()).hexdigest()[:32]
    return f"facets:{kind}:{versions}:{digest}"


def rows_cache_key(listing: str, versions: str, query: str) -> str:
    """The cache key of the ids of a listing's rows that the filters `query` keep."""
    return f"rows:{listing}:{versions}:{hashlib.sha256(query.encode()).hexdigest()[:32]}"


def cached_facets(filterset, versions: tuple[str, ...], compute) -> Facets:
    """`compute()` once per value of the data versions `versions` and combination of valid
    filters (invalid ones are ignored by the listing, so they do not split the cache)."""
    key = _cache_key(type(filterset).__name__, version_key(versions), filterset.active_filters)
    facets = cache.get(key)
    if facets is None:
        facets = compute()
        cache.set(key, facets, CACHE_SECONDS)
    return facets


def facet_options(filterset, facets: Facets, names) -> dict:
    """Options of each faceted field with their counts, e.g. ("76", "Occitanie", 42, True)."""
    form = filterset.form
    cleaned = getattr(form, "cleaned_data", {}) or {}
    options = {}
    for name in names:
        selected = cleaned.get(name) or ""
        options[name] = [
            (
                value,
                label,
                facets.count(name, value),
                value in selected if isinstance(selected, list) else value == selected,
            )
            for value, label in form.fields[name].choices
            if value != ""
        ]
    return options
