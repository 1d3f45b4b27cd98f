"""A query as SQL: the rows it finds, and the order of relevance among them.

A phrase of the vocabulary matches a row whose text has any of its alternatives (French full
text, accents ignored) or that is tagged with one of its trades; plain words match as the
French full text always did; all the parts of a query must match. How a listing's rows know
their trades is the listing's business: it passes `trade_match(trade_ids)`, the condition of
being tagged with one of those trades.

A phrase's condition is « its words are in the row's search vector, or the row is among those
its trades tag ». It is run once per search and data version, over all the listing's rows
(semaine.search.service): when the trades' condition is one an index serves (a column of the
row, or a list of ids, not a subquery), PostgreSQL reads the full-text index and that index and
combines the two (a BitmapOr), instead of checking the text of every row.
"""

from collections.abc import Callable, Sequence
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.functions import Cast

from semaine.search.query import CONFIG, Branch, Phrase, Query
from semaine.search.text import key

TradeMatch = Callable[[Sequence[int]], Q]


class _Among(Func):
    arg_joiner = " = ANY("
    template = "%(expressions)s::bigint[])"
    output_field = BooleanField()


def among_ids(ids: str) -> Func:
    """The condition of a row's id being one of `ids`, a comma-separated text (id_list()):
    `pk = ANY('{…}'::bigint[])`, one parameter however many ids, looked up through a hash. (An
    IN list of thousands costs its planning time, and a Python list of ids one conversion an id
    in Django and psycopg: a quarter of a second for a broad search.)"""
    return _Among(F("pk"), Value(f"{{{ids}}}"))


def id_list(column: str, **extra) -> StringAgg:
    """The aggregate giving `column`'s values as the comma-separated text among_ids() reads."""
    return StringAgg(Cast(column, TextField()), ",", default="", **extra)


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


def _phrase_condition(phrase: Phrase, trade_match: TradeMatch) -> Q:
    in_text = Q(search_vector=_any_of(phrase.alternatives))
    if not phrase.trade_ids:
        return in_text
    return in_text | trade_match(phrase.trade_ids)


def _branch_condition(branch: Branch, trade_match: TradeMatch) -> Q:
    parts = [_phrase_condition(p, trade_match) for p in branch.phrases]
    if branch.words:
        parts.append(
            Q(search_vector=SearchQuery(" ".join(branch.words), config=CONFIG, search_type="plain"))
        )
    parts.extend(Q(search_vector=_any_of([e])) for e in branch.exact)
    parts.extend(~Q(search_vector=_any_of([e])) for e in branch.excluded)
    return reduce(and_, parts)


def condition(query: Query, trade_match: TradeMatch) -> Q | None:
    """The rows `query` finds; None when it has nothing searchable (then it finds none)."""
    branches = [b for b in query.branches if not b.is_empty]
    if not branches:
        return None
    return reduce(or_, (_branch_condition(b, trade_match) for b in branches))


def _in_title(texts, *, acronyms: bool) -> str:
    """to_tsquery text finding `texts` in a title (weight A of the search vectors: see the
    apps' triggers): « aide-soignant » is « aide:A <-> soignant:A ». A weight in the query costs
    nothing more than the match itself, unlike filtering each row's vector."""
    return " | ".join(
        " <-> ".join(f"{word}:A" for word in key(t).split())
        for t in texts
        if _is_acronym(t) == acronyms and key(t)
    )


def relevant(query: Query, trade_match: TradeMatch) -> Q | None:
    """The rows whose title or trades match the query: they come first, before those that
    only mention it further down, in a description."""
    texts = [a for p in query.phrases for a in p.alternatives]
    texts += [e for b in query.branches for e in b.exact] + query.plain_words
    searches = [
        SearchQuery(raw, config=config, search_type="raw")
        for raw, config in (
            (_in_title(texts, acronyms=False), CONFIG),
            (_in_title(texts, acronyms=True), "simple"),
        )
        if raw
    ]
    if not searches:
        return None
    first = Q(search_vector=reduce(or_, searches))
    if query.trade_ids:
        first |= trade_match(query.trade_ids)
    return first
