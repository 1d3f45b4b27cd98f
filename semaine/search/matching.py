"""A query as SQL: the rows it finds, and the order of relevance among them.

A phrase of the vocabulary matches a row whose text has any of its alternatives (French full
text, accents ignored) or that is tagged with one of its trades; plain words match as the
French full text always did; all the parts of a query must match. How a listing's rows know
their trades is the listing's business: it passes `trade_rows(trade_ids)`, the ids of its rows
tagged with one of those trades (a values queryset).

A phrase's rows are the union of those its words find (the GIN index of the search vectors) and
of those its trades tag (an index of the trades), looked up by id: an OR of the two conditions
would test every candidate row instead.
"""

from collections.abc import Callable, Sequence
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery
from django.db.models import BooleanField, Case, F, Func, Q, QuerySet, Value, When

from semaine.search.query import CONFIG, Branch, Phrase, Query
from semaine.search.text import key

TradeRows = Callable[[Sequence[int]], QuerySet]


def _is_acronym(text: str) -> bool:
    return text.isupper() and len(text.split()) == 1


def _search(text: str, search_type: str) -> SearchQuery:
    if _is_acronym(text):
        # An acronym as written: the French stemmer cuts « DEAS » and « DEES » alike to « de »,
        # so a stemmed acronym would find the other one. Found in the index only when the
        # stemmer left it whole (« IDE », « EHPAD »); otherwise its words and trades find it.
        return SearchQuery(key(text), config="simple", search_type="plain")
    # Normalised: « aide-soignant » as a hyphenated word would also need the same hyphenated
    # word in the text (« aides-soignants » is another one), while the index also holds its parts.
    return SearchQuery(key(text), config=CONFIG, search_type=search_type)


def _any_of(texts, search_type: str = "phrase") -> SearchQuery:
    return reduce(or_, (_search(t, search_type) for t in texts))


def _phrase_condition(phrase: Phrase, model, trade_rows: TradeRows) -> Q:
    in_text = Q(search_vector=_any_of(phrase.alternatives))
    if not phrase.trade_ids:
        return in_text
    said = model._base_manager.filter(in_text).order_by().values("pk")
    return Q(pk__in=said.union(trade_rows(phrase.trade_ids)))


def _branch_condition(branch: Branch, model, trade_rows: TradeRows) -> Q:
    parts = [_phrase_condition(p, model, trade_rows) for p in branch.phrases]
    if branch.words:
        parts.append(
            Q(search_vector=SearchQuery(" ".join(branch.words), config=CONFIG, search_type="plain"))
        )
    parts.extend(Q(search_vector=_any_of([e])) for e in branch.exact)
    parts.extend(~Q(search_vector=_any_of([e])) for e in branch.excluded)
    return reduce(and_, parts)


def condition(query: Query, model, trade_rows: TradeRows) -> Q | None:
    """The rows of `model` `query` finds; None when it has nothing searchable (then none)."""
    branches = [b for b in query.branches if not b.is_empty]
    if not branches:
        return None
    return reduce(or_, (_branch_condition(b, model, trade_rows) for b in branches))


class TitleMatches(Func):
    """The row's title (weight A of its search vector, see the apps' triggers) matches."""

    output_field = BooleanField()

    def __init__(self, query: SearchQuery):
        super().__init__(F("search_vector"), query)

    def as_sql(self, compiler, connection, **extra):
        vector, query = self.get_source_expressions()
        vector_sql, vector_params = compiler.compile(vector)
        query_sql, query_params = compiler.compile(query)
        return f"ts_filter({vector_sql}, '{{a}}') @@ ({query_sql})", [
            *vector_params,
            *query_params,
        ]


def relevance(query: Query, trade_rows: TradeRows) -> Case | None:
    """0 for the rows whose title or trades match the query, 1 for the others (those that only
    mention it further down, in a description), to sort on before the listing's own order."""
    texts = [a for p in query.phrases for a in p.alternatives]
    texts += [e for b in query.branches for e in b.exact]
    plain = query.plain_words
    searches = [_any_of(texts)] if texts else []
    if plain:
        searches.append(_any_of(plain, "plain"))
    if not searches:
        return None
    in_title = Q(TitleMatches(reduce(or_, searches)))
    if query.trade_ids:
        in_title |= Q(pk__in=trade_rows(query.trade_ids))
    return Case(When(in_title, then=Value(0)), default=Value(1))
