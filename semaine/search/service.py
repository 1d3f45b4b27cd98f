"""One search, as a listing runs it: understand, correct a typo if needed, filter, order."""

import hashlib
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.cache import cache
from django.db.models import Value

from semaine.models import VOCABULARY_VERSION, Trade
from semaine.pagecache import version_key
from semaine.search.matching import TradeRows, condition, relevance
from semaine.search.query import Query, understand
from semaine.search.typos import corrected

CACHE_SECONDS = 300
# How close a trade's label must be to a query with no result to be suggested.
SUGGESTED_TRADE_SIMILARITY = 0.4


@dataclass(frozen=True)
class Search:
    """A listing's search: `typed` as the visitor typed it, `used` what is searched (the same,
    or with a typo corrected when the words as typed exist nowhere in the listing's rows)."""

    typed: Query
    used: Query

    @property
    def is_corrected(self) -> bool:
        return self.used.text != self.typed.text

    def filter(self, queryset, trade_rows: TradeRows):
        """The rows of `queryset` the search finds, the most relevant first unless the
        queryset is already ordered on purpose (another filter's order wins)."""
        found = condition(self.used, trade_rows)
        if found is None:
            return queryset.filter(Value(False))
        queryset = queryset.filter(found)
        if not queryset.query.order_by:
            first = relevance(self.used, trade_rows)
            if first is not None:
                queryset = queryset.order_by(first, *queryset.model._meta.ordering)
        return queryset

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


def search(text: str, *, lexicon, versions: tuple[str, ...], exact: bool = False) -> Search:
    """The search of `text` over a listing whose rows are `lexicon` (its base queryset), whose
    content moves with the data versions `versions`. `exact`: no typo correction."""
    typed = understand(text, using=lexicon.db)
    if exact or typed.is_empty:
        return Search(typed=typed, used=typed)
    digest = hashlib.sha256(f"{lexicon.model._meta.label}:{text}".encode()).hexdigest()[:40]
    cache_key = f"search:fix:{version_key((VOCABULARY_VERSION, *versions))}:{digest}"
    fixed = cache.get(cache_key)
    if fixed is None:
        fixed = corrected(typed, lexicon) or False
        cache.set(cache_key, fixed, CACHE_SECONDS)
    return Search(typed=typed, used=fixed or typed)
