"""One search, as a listing runs it: understand, correct a typo if needed, filter, order.

The rows a search finds are found once per data version, among all the rows of the listing
(its lexicon), with their relevance; their ids are cached, and every page, facet count, export
and other filter combination of the same search filters on them (`id = ANY(ids)`, a hashed
lookup) instead of checking the full text of every row again, three times a page.
"""

import functools
import hashlib
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.cache import cache
from django.db.models import Case, QuerySet, Value, When

from semaine.models import VOCABULARY_VERSION, Trade
from semaine.pagecache import version_key
from semaine.search.matching import TradeMatch, among_ids, condition, id_list, relevant
from semaine.search.query import Query, understand
from semaine.search.typos import corrected

CACHE_SECONDS = 300
# How close a trade's label must be to a query with no result to be suggested.
SUGGESTED_TRADE_SIMILARITY = 0.4


class Relevance(Case):
    """A search's order: its most relevant rows (`first`: the title or a trade matches) before
    the others."""

    def __init__(self, first):
        super().__init__(When(first, then=Value(0)), default=Value(1))
        self.first = first


def relevance_tiers(queryset):
    """A queryset Search.filter ranked, as two: its most relevant rows, then the others, each
    in the rest of its order; None when it is not ranked. Each walks the listing's index in its
    own order and stops at the page, where the ranked one sorts every row found."""
    order = queryset.query.order_by
    if not order or not isinstance(order[0], Relevance):
        return None
    first, rest = order[0].first, order[1:]
    return queryset.filter(first).order_by(*rest), queryset.exclude(first).order_by(*rest)


@dataclass(frozen=True)
class Search:
    """A listing's search: `typed` as the visitor typed it, `used` what is searched (the same,
    or with a typo corrected when the words as typed exist nowhere in the listing's rows)."""

    typed: Query
    used: Query
    # The listing's rows (its base queryset) and the data versions they move with.
    lexicon: QuerySet | None = field(default=None, compare=False)
    versions: tuple[str, ...] = ()

    @property
    def is_corrected(self) -> bool:
        return self.used.text != self.typed.text

    def filter(self, queryset, trade_match: TradeMatch, *, narrowed: bool = False):
        """The rows of `queryset` the search finds, the most relevant first unless the
        queryset is already ordered on purpose (another filter's order wins).

        `narrowed`: other filters cut the listing down (a region, a type…). Unless the
        search's rows are already cached, the search is then checked on the rows those filters
        leave, which their indexes find first, rather than on every row of the listing."""
        trade_match = _once_each(trade_match)
        ids = self.cached_ids()
        if ids is None and narrowed:
            found, first = condition(self.used, trade_match), relevant(self.used, trade_match)
            if found is None:
                return queryset.none()
        else:
            found_ids, first_ids = ids or self.found_ids(trade_match)
            found, first = among_ids(found_ids), first_ids and among_ids(first_ids)
        queryset = queryset.filter(found)
        if first and not queryset.query.order_by:
            queryset = queryset.order_by(Relevance(first), *queryset.model._meta.ordering)
        return queryset

    @property
    def _rows_key(self) -> str:
        return _cache_key("rows", self.lexicon, self.used.text, self.versions)

    def cached_ids(self) -> tuple[str, str] | None:
        """What found_ids() found under the current data versions, or None."""
        return cache.get(self._rows_key)

    def found_ids(self, trade_match: TradeMatch) -> tuple[str, str]:
        """The ids of the lexicon's rows the search finds, and of the most relevant among
        them (title or trade), as comma-separated texts (matching.id_list): found now, and
        cached for cached_ids() (its callers ask that first)."""
        ids = _find(self.used, self.lexicon, _once_each(trade_match))
        cache.set(self._rows_key, ids, CACHE_SECONDS)
        return ids

    def suggested_trades(self, limit: int = 3) -> list[Trade]:
        """The trades closest to the query, for a search that found nothing: those its
        phrases name, then those whose label is nearest to what was typed."""
        named = list(Trade.objects.filter(pk__in=self.used.trade_ids).order_by("code")[:limit])
        if len(named) >= limit or not self.typed.text.strip():
            return named
        near = (
            Trade.objects.current()
            .exclude(pk__in=[t.pk for t in named])
            .annotate(similarity=TrigramWordSimilarity(self.typed.text[:100], "label"))
            .filter(similarity__gte=SUGGESTED_TRADE_SIMILARITY)
            .order_by("-similarity", "code")[: limit - len(named)]
        )
        return named + list(near)


def _once_each(trade_match: TradeMatch) -> TradeMatch:
    """`trade_match` asked once per set of trades (the query's condition and its relevance
    both ask)."""
    cached = functools.cache(trade_match)
    return lambda trade_ids: cached(tuple(trade_ids))


def _cache_key(kind: str, lexicon: QuerySet, text: str, versions: tuple[str, ...]) -> str:
    """What is cached of `text` searched over `lexicon`, under the data versions it reads.
    Hashed: a query string can be long, and cache keys must stay short."""
    digest = hashlib.sha256(f"{lexicon.model._meta.label}:{text}".encode()).hexdigest()[:40]
    return f"search:{kind}:{version_key((VOCABULARY_VERSION, *versions))}:{digest}"


def _find(query: Query, lexicon: QuerySet, trade_match: TradeMatch) -> tuple[str, str]:
    """The ids of the lexicon's rows `query` finds, and of those among them whose title or
    trades match (the most relevant), as among_ids() reads them."""
    found = condition(query, trade_match)
    if found is None:
        return "", ""
    first = relevant(query, trade_match)
    rows = lexicon.order_by().filter(found)
    if first is None:
        return rows.aggregate(ids=id_list("pk"))["ids"], ""
    ids = rows.aggregate(found=id_list("pk"), first=id_list("pk", filter=first))
    return ids["found"], ids["first"]


def search(text: str, *, lexicon, versions: tuple[str, ...], exact: bool = False) -> Search:
    """The search of `text` over a listing whose rows are `lexicon` (its base queryset), whose
    content moves with the data versions `versions`. `exact`: no typo correction."""
    typed = understand(text, using=lexicon.db)
    if exact or typed.is_empty:
        return Search(typed=typed, used=typed, lexicon=lexicon, versions=versions)
    cache_key = _cache_key("fix", lexicon, text, versions)
    fixed = cache.get(cache_key)
    if fixed is None:
        fixed = corrected(typed, lexicon) or False
        cache.set(cache_key, fixed, CACHE_SECONDS)
    return Search(typed=typed, used=fixed or typed, lexicon=lexicon, versions=versions)
