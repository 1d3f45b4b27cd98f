"""Checks shared by the facet summaries' tests (semaine.summary): the table against a recount,
and a listing's counts from the summary against its counts over the rows."""

from django.core.cache import cache
from django.db import connection
from django.http import QueryDict


def stored(summary) -> dict:
    """The summary table's keys that count something."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT shape, filters, value, n FROM {summary.table} WHERE n <> 0")  # noqa: S608
        return {(shape, filters, value): n for shape, filters, value, n in cursor.fetchall()}


def recounted(summary) -> dict:
    """The same keys counted afresh from the listed rows, as the summary defines them."""
    keys = summary.counted_keys_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT shape, filters, value, sum(n) FROM ({keys}) AS k"  # noqa: S608
            " GROUP BY shape, filters, value"
        )
        return {(shape, filters, value): n for shape, filters, value, n in cursor.fetchall()}


def assert_summary_exact(summary):
    assert stored(summary) == recounted(summary)


def nonzero(facets) -> tuple[int, dict]:
    return facets.total, {
        name: {value: n for value, n in counts.items() if n}
        for name, counts in facets.counts.items()
    }


def listing_counts(filterset_class, query: str, *, summary: bool, **kwargs):
    """The counts a listing shows for `query`, read from its summary or counted over the
    rows (the way a selection the summary does not keep is counted)."""
    cache.clear()  # the counts of a filter's other options are cached, whatever `now`
    filterset = filterset_class(QueryDict(query), **kwargs)
    filterset.row_index = lambda: None  # the rows in memory: tests/semaine/test_rowindex.py
    if summary:
        assert filterset.summary_selection() is not None, f"{query!r} is not summarised"
    else:
        filterset.summary_selection = lambda: None
    return nonzero(filterset.count_facets())


def assert_counts_as_scanned(filterset_class, queries, **kwargs):
    """Every query's counts are the same from the summary as over the rows."""
    for query in queries:
        from_summary = listing_counts(filterset_class, query, summary=True, **kwargs)
        scanned = listing_counts(filterset_class, query, summary=False, **kwargs)
        assert from_summary == scanned, (query, from_summary, scanned)
