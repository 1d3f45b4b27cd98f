"""Facet counts of the events listing in a bounded number of queries.

A facet that is itself filtered is counted on the rows filtered by everything else, so its other
options keep meaningful counts; the others come from one GROUPING SETS scan (semaine.facets).
"""

from django.db.models import Count

from events.models import Event
from semaine.facets import Facets, cached_facets, grouping_sets
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
    if "places" in active:
        # Seats move with every registration, which does not bump the listing version.
        return _facet_counts(filterset, active)
    return cached_facets(
        prefix="events",
        version=data_versions()[0],
        active=active,
        compute=lambda: _facet_counts(filterset, active),
    )


def _facet_counts(filterset, active) -> Facets:
    facet_columns = filterset.FACETS
    free = {name: column for name, column in facet_columns.items() if name not in active}
    total, counts = grouping_sets(filterset.qs, free)
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
