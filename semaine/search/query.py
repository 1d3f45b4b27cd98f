"""What a query means: its words, the vocabulary phrases found in it, and its syntax.

A query is cut in words (semaine.search.text), then the longest phrases of the vocabulary
(SearchTerm) are found in it, each word in the singular too: « monitrices éducatrices en
EHPAD » is the phrase « monitrice éducatrice » (trade K1208, words « moniteur éducateur »…),
the phrase « EHPAD » (words « maison de retraite »…) and the plain word « en », a stop word
of the French text search that is dropped. The syntax of the former web search is kept:
"an exact phrase" (searched as written, not expanded), -excluded words, and `or` between two
alternatives.
"""

import hashlib
import re
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.db import connections

from semaine.models import VOCABULARY_VERSION
from semaine.pagecache import version_key
from semaine.search.text import MAX_PHRASE_WORDS, MAX_TERMS, singular, words

# The alternatives of one phrase searched at most: bounded work, whatever the admin holds.
MAX_ALTERNATIVES = 24
CACHE_SECONDS = 300
CONFIG = "french_unaccent"

_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Phrase:
    """A phrase of the vocabulary found in a query: every word it stands for, its trades."""

    typed: str  # the words of the query it covers, normalised
    label: str  # the entry's own spelling (« infirmière »)
    alternatives: tuple[str, ...]  # itself first, then the words it expands to
    trade_ids: tuple[int, ...]


@dataclass(frozen=True)
class Branch:
    """What one alternative of a query asks for: all its parts must match."""

    phrases: tuple[Phrase, ...] = ()
    words: tuple[str, ...] = ()  # plain words, searched as the French full text does
    exact: tuple[str, ...] = ()  # "quoted phrases"
    excluded: tuple[str, ...] = ()  # -words or -"phrases"

    @property
    def is_empty(self) -> bool:
        return not (self.phrases or self.words or self.exact or self.excluded)


@dataclass(frozen=True)
class Query:
    """A query as understood; `text` is how it reads back (with a word corrected, say)."""

    text: str
    branches: tuple[Branch, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        """Nothing searchable: only stop words, punctuation or emoji."""
        return all(b.is_empty for b in self.branches)

    @property
    def phrases(self) -> list[Phrase]:
        return [p for b in self.branches for p in b.phrases]

    @property
    def trade_ids(self) -> list[int]:
        return sorted({t for p in self.phrases for t in p.trade_ids})

    @property
    def plain_words(self) -> list[str]:
        return [w for b in self.branches for w in b.words]


def _tokens(text: str) -> list[list[tuple[str, str]]]:
    """Branches of (kind, normalised text) tokens; kind is "word", "exact" or "excluded"."""
    branches: list[list[tuple[str, str]]] = [[]]
    count = 0
    for quoted, bare in _TOKEN.findall(text):
        if count >= MAX_TERMS:
            break
        if quoted or (bare and bare.startswith('"')):
            phrase = " ".join(words(quoted))
            if phrase:
                branches[-1].append(("exact", phrase))
                count += 1
            continue
        if bare.lower() == "or" and branches[-1]:
            branches.append([])
            continue
        excluded = bare.startswith("-") and len(bare) > 1
        parts = words(bare[1:] if excluded else bare)
        if not parts:
            continue
        if excluded:
            branches[-1].append(("excluded", " ".join(parts)))
            count += 1
        else:
            parts = parts[: MAX_TERMS - count]
            branches[-1].extend(("word", w) for w in parts)
            count += len(parts)
    return [b for b in branches if b] or [[]]


def _candidate_keys(branches) -> set[str]:
    keys = set()
    for branch in branches:
        plain = [text for kind, text in branch if kind == "word"]
        for start in range(len(plain)):
            for end in range(start + 1, min(start + MAX_PHRASE_WORDS, len(plain)) + 1):
                span = plain[start:end]
                keys.add(" ".join(span))
                keys.add(" ".join(singular(w) for w in span))
    return keys


# The vocabulary entries among the candidate keys, and which single words the French text search
# drops (« de », « la », « as »…): one query.
_LOOKUP_SQL = """
SELECT term.key, term.phrase, term.expansions,
       coalesce(array_agg(trade.id ORDER BY trade.id) FILTER (WHERE trade.id IS NOT NULL), '{}')
FROM semaine_searchterm AS term
LEFT JOIN semaine_searchterm_trades AS link ON link.searchterm_id = term.id
LEFT JOIN semaine_trade AS trade ON trade.id = link.trade_id AND trade.version = 'v4'
WHERE term.key = ANY(%(keys)s)
GROUP BY term.id
UNION ALL
SELECT w, NULL, NULL, NULL FROM unnest(%(singles)s::text[]) AS w
WHERE numnode(plainto_tsquery(%(config)s::regconfig, w)) = 0
"""


def _lookup(keys: set[str], singles: set[str], using: str) -> tuple[dict[str, Phrase], set[str]]:
    """The phrases of the vocabulary among `keys`, and the stop words among `singles`."""
    found, stop = {}, set()
    if not keys and not singles:
        return found, stop
    params = {"keys": sorted(keys), "singles": sorted(singles), "config": CONFIG}
    with connections[using].cursor() as cursor:
        cursor.execute(_LOOKUP_SQL, params)
        rows = cursor.fetchall()
    for k, phrase, expansions, trade_ids in rows:
        if phrase is None:
            stop.add(k)
            continue
        found[k] = Phrase(
            typed=k,
            label=phrase,
            alternatives=tuple(dict.fromkeys([phrase, *expansions]))[:MAX_ALTERNATIVES],
            trade_ids=tuple(trade_ids),
        )
    return found, stop


def _branch(tokens, found: dict[str, Phrase], stop: set[str]) -> Branch:
    phrases, plain, exact, excluded = [], [], [], []
    run = [text for kind, text in tokens if kind == "word"]
    i = 0
    while i < len(run):
        for end in range(min(i + MAX_PHRASE_WORDS, len(run)), i, -1):
            span = run[i:end]
            phrase = found.get(" ".join(span)) or found.get(" ".join(singular(w) for w in span))
            if phrase:
                phrases.append(replace(phrase, typed=" ".join(span)))
                i = end
                break
        else:
            if run[i] not in stop:
                plain.append(run[i])
            i += 1
    for kind, text in tokens:
        if kind == "exact" and text not in stop:
            exact.append(text)
        elif kind == "excluded" and text not in stop:
            excluded.append(text)
    return Branch(
        phrases=tuple(dict.fromkeys(phrases)),
        words=tuple(dict.fromkeys(plain)),
        exact=tuple(exact),
        excluded=tuple(excluded),
    )


def understand(text: str, *, using: str = "default") -> Query:
    """The meaning of `text`, cached under the vocabulary's data version."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:40]
    cache_key = f"search:query:{version_key((VOCABULARY_VERSION,))}:{digest}"
    query = cache.get(cache_key)
    if query is None:
        query = _understand(text, using)
        cache.set(cache_key, query, CACHE_SECONDS)
    return query


def _understand(text: str, using: str) -> Query:
    branches = _tokens(text)
    singles = {t for b in branches for _, t in b}
    found, stop = _lookup(_candidate_keys(branches), singles, using)
    return Query(text=text, branches=tuple(_branch(b, found, stop) for b in branches))
