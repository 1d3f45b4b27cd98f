"""Facet counts of the events listing in a bounded number of queries.

Facets without an active filter are counted together in one GROUPING SETS scan of the
filtered rows (which also gives the total). A facet that is itself filtered is counted on
the rows filtered by everything else, so its other options keep meaningful counts.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Count

from events.models import Event
from semaine.models import Trade


@dataclass
class Facets:
    total: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # Set when the counts may be cached: fragments that depend on them only can share the key.
    cache_key: str | None = None

    def count(self, name: str, value: str) -> int:
        return self.counts.get(name, {}).get(value, 0)


def _grouping_sets(queryset, columns: list[str]) -> tuple[int, dict[str, dict[str, int]]]:
    # "pk" keeps rows apart should the queryset be DISTINCT.
    inner_sql, params = queryset.order_by().values("pk", *columns).query.sql_with_params()
    quoted = [connection.ops.quote_name(c) for c in columns]
    select = ", ".join([*quoted, *(f"GROUPING({c})" for c in quoted), "COUNT(*)"])
    sets = ", ".join([*(f"({c})" for c in quoted), "()"])
    sql = f"SELECT {select} FROM ({inner_sql}) AS filtered GROUP BY GROUPING SETS ({sets})"  # noqa: S608 - identifiers are ours
    counts: dict[str, dict[str, int]] = {c: {} for c in columns}
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            values, flags, n = row[: len(columns)], row[len(columns) : -1], row[-1]
            if all(flags):
                total = n
                continue
            for column, value, flag in zip(columns, values, flags, strict=True):
                if not flag and value is not None:
                    counts[column][str(value)] = n
    return total, counts


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


# Counting all facets of a broad selection scans most of the table: the result is cached, keyed by
# the listing version (bumped by a database trigger on every write that matters), so a change
# made in the admin shows at once, and expires soon anyway since "upcoming" moves with the clock.
FACETS_TTL = 60


def listing_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM events_listing_version")
        return cursor.fetchone()[0]


def facet_counts(filterset) -> Facets:
    """Facet counts and total of the filtered listing (cached, see FACETS_TTL)."""
    active = filterset.active_filters
    if "places" in active:
        # Seats move with every registration, which does not bump the listing version.
        return _facet_counts(filterset, active)
    canonical = sorted((name, repr(value)) for name, value in active.items())
    digest = hashlib.sha256(repr(canonical).encode()).hexdigest()[:32]
    key = f"events:facets:{listing_version()}:{digest}"
    facets = cache.get(key)
    if facets is None:
        facets = _facet_counts(filterset, active)
        facets.cache_key = key
        cache.set(key, facets, FACETS_TTL)
    return facets


def cached_fragment(key: str | None, render):
    """HTML rendered once per `key` (a facets cache key) for as long as the facets live."""
    if key is None:
        return render()
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, FACETS_TTL)
    return html


def _facet_counts(filterset, active) -> Facets:
    facet_columns = filterset.FACETS
    free = [name for name in facet_columns if name not in active]
    total, by_column = _grouping_sets(filterset.qs, [facet_columns[n] for n in free])
    counts = {name: by_column[facet_columns[name]] for name in free}
    for name in [n for n in facet_columns if n in active] + (
        ["metier"] if "metier" in active else []
    ):
        data = filterset.data.copy()
        data.pop(name, None)
        others = type(filterset)(data, queryset=filterset.queryset, now=filterset.now)
        if name == "metier":
            counts["metier"] = _trade_counts(others.qs)
        else:
            column = facet_columns[name]
            counts[name] = {
                str(value): n
                for value, n in others.qs.order_by().values_list(column).annotate(n=Count("pk"))
                if value is not None
            }
    if "metier" not in counts:
        counts["metier"] = _trade_counts(filterset.qs)
    if "secteur" in counts:
        counts["secteur"] = _fold_sectors(counts["secteur"])
    return Facets(total=total, counts=counts)
