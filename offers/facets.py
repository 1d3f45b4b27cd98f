"""Facet counts of the offers listing in a bounded number of queries.

As for events: the facets without an active filter are counted together in one GROUPING SETS
scan of the filtered rows (which also gives the total); a facet that is itself filtered is
counted on the rows filtered by everything else, so its other options keep meaningful counts.
At most 1 + (number of active faceted filters) queries, whatever the number of offers, and
none for a minute after the same filters were counted (the cache is shared by instances when
CACHE_URL points at Redis).
"""

import functools
import hashlib
import json
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F

from semaine.models import Trade

CACHE_SECONDS = 60

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


@dataclass
class Facets:
    total: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, name: str, value: str) -> int:
        return self.counts.get(name, {}).get(value, 0)


@functools.cache
def _trade_codes() -> dict[str, str]:
    # Reference data, loaded by a migration: cached per process like the filters' choices.
    return {str(pk): code for pk, code in Trade.objects.current().values_list("pk", "code")}


def _key(value) -> str:
    # Booleans are counted under the URL value that selects them ("1").
    if value is True:
        return "1"
    if value is False:
        return "0"
    return str(value)


def _grouping_sets(queryset, names: list[str]) -> tuple[int, dict[str, dict[str, int]]]:
    aliases = {f"facet_{name}": F(COLUMNS[name]) for name in names}
    if not aliases:
        return queryset.count(), {}
    inner_sql, params = queryset.order_by().values(**aliases).query.sql_with_params()
    quoted = [connection.ops.quote_name(alias) for alias in aliases]
    select = ", ".join([*quoted, *(f"GROUPING({c})" for c in quoted), "COUNT(*)"])
    sets = ", ".join([*(f"({c})" for c in quoted), "()"])
    sql = f"SELECT {select} FROM ({inner_sql}) AS filtered GROUP BY GROUPING SETS ({sets})"  # noqa: S608 - identifiers are ours
    counts: dict[str, dict[str, int]] = {name: {} for name in names}
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            values, flags, n = row[: len(names)], row[len(names) : -1], row[-1]
            if all(flags):
                total = n
                continue
            for name, value, flag in zip(names, values, flags, strict=True):
                if not flag and value not in (None, ""):
                    counts[name][_key(value)] = n
    return total, counts


def _cache_key(active: dict) -> str | None:
    # Free-text searches are too varied to be worth caching; every other combination of
    # filters is a small, bounded set of keys.
    if "q" in active:
        return None
    normalised = json.dumps(
        {k: sorted(v) if isinstance(v, list) else v for k, v in active.items()},
        sort_keys=True,
        default=str,
    )
    return "offers:facets:" + hashlib.sha256(normalised.encode()).hexdigest()[:32]


def facet_counts(filterset, *, cache_seconds: int = CACHE_SECONDS) -> Facets:
    """Counts of the filtered offers by facet, cached for `cache_seconds` (0: not cached).

    A few seconds of lag on counts is fine for offers refreshed by a daily import, and it
    spares the database a scan of every open offer on each visit of the listing.
    """
    key = _cache_key(filterset.active_filters) if cache_seconds else None
    facets = cache.get(key) if key else None
    if facets is None:
        facets = _facet_counts(filterset)
        if key:
            cache.set(key, facets, cache_seconds)
    return facets


def _facet_counts(filterset) -> Facets:
    active = filterset.active_filters
    free = [name for name in COLUMNS if name not in active]
    total, counts = _grouping_sets(filterset.qs, free)
    for name in [n for n in COLUMNS if n in active]:
        data = filterset.data.copy()
        data.pop(name, None)
        others = type(filterset)(data, queryset=filterset.queryset)
        counts[name] = {
            _key(value): n
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
    form = filterset.form
    cleaned = getattr(form, "cleaned_data", {}) or {}
    options = {}
    for name in ("nature", "region", "departement", "metier", "temps", "contrat"):
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
    options["alternance"] = facets.count("alternance", "1")
    return options
