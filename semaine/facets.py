"""Facet counting shared by the listings (events, offers).

All facets without an active filter are counted in one GROUPING SETS scan of the filtered rows,
which also gives the total. Counts are cached under a *listing version*
(semaine.pagecache.data_versions), which a PostgreSQL trigger bumps when a transaction that can
change a listing commits, so a change made in the admin or by an import shows at once on every
instance.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, connections
from django.db.models import Count, F

CACHE_SECONDS = 60


@dataclass
class Facets:
    total: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # Set when the counts are cached: fragments depending on them only can share the key.
    cache_key: str | None = None

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


def _cache_key(kind: str, version, active: dict) -> str:
    normalised = json.dumps(
        {k: sorted(map(str, v)) if isinstance(v, list) else v for k, v in active.items()},
        sort_keys=True,
        default=str,
    )
    digest = hashlib.sha256(normalised.encode()).hexdigest()[:32]
    return f"{kind}:{version}:{digest}"


def cached_facets(*, prefix: str, version, active: dict, compute) -> Facets:
    """`compute()` once per listing version and combination of active filters."""
    key = _cache_key(f"{prefix}:facets", version, active)
    facets = cache.get(key)
    if facets is None:
        facets = compute()
        facets.cache_key = key
        cache.set(key, facets, CACHE_SECONDS)
    return facets


def counts_without(filterset, name: str, compute, *, prefix: str, version) -> dict[str, int]:
    """`compute(rows)`: the counts of facet `name` on the rows of every other active filter.

    Cached under those other filters, so listings that differ only by `name` share them: the
    events of Brittany and of Occitania count their regions on the same rows. These are the
    broadest, costliest counts of a page.
    """
    active = filterset.active_filters
    others = {k: v for k, v in active.items() if k != name}
    key = _cache_key(f"{prefix}:counts:{name}", version, others)
    counts = cache.get(key)
    if counts is None:
        counts = compute(filterset.without(name).qs if name in active else filterset.qs)
        cache.set(key, counts, CACHE_SECONDS)
    return counts


def count_facets(filterset, *, prefix: str, version) -> tuple[int, dict[str, dict[str, int]]]:
    """Total and counts of every facet in `filterset.FACETS` (filter name -> column).

    The facets without an active filter come from one GROUPING SETS scan of the filtered rows;
    each active one is counted on the rows of the other filters (counts_without).
    """
    active = filterset.active_filters
    free = {name: column for name, column in filterset.FACETS.items() if name not in active}
    total, counts = grouping_sets(filterset.qs, free)
    for name, column in filterset.FACETS.items():
        if name in active:
            counts[name] = counts_without(
                filterset, name, column_counts(column), prefix=prefix, version=version
            )
    return total, counts


def column_counts(column: str):
    """A `compute` for counts_without: rows per value of `column`."""

    def count(rows) -> dict[str, int]:
        values = rows.order_by().values_list(column).annotate(n=Count("*")).order_by()
        return {facet_value(value): n for value, n in values if value not in (None, "")}

    return count


def cached_fragment(key: str | None, render):
    """HTML rendered once per `key` (a facets cache key) for as long as the facets live."""
    if key is None:
        return render()
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, CACHE_SECONDS)
    return html


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
