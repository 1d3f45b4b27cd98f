"""Typo tolerance: a query word found nowhere is corrected to the nearest known word.

The known words (SearchWord) are those of the vocabulary and of the titles, places and
organisations of events and offers, kept by triggers. A word is corrected only when the full
text of the listing's rows has no lexeme for it at all (so the query as typed finds nothing),
to a known word at most one typo away from 5 letters and two from 9 (an inversion of two
letters is one typo): « infirmeire » becomes « infirmière », « aide-soigant » « aide-soignant ».
The candidates are the nearest by trigrams (pg_trgm, the GiST index of SearchWord).
"""

import re

from django.contrib.postgres.search import SearchQuery, TrigramDistance

from semaine.models import SearchWord
from semaine.search.query import CONFIG, Query, understand
from semaine.search.text import words

# Corrected per query at most: each costs two index lookups.
MAX_CORRECTIONS = 3
CANDIDATES = 12
_WORD = re.compile(r"\w+")


def allowed_typos(word: str) -> int:
    if len(word) >= 9:
        return 2
    return 1 if len(word) >= 5 else 0


def typo_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, inversions."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]


def nearest_word(word: str, *, using: str = "default") -> str | None:
    """The known word closest to `word` within its allowed typos, as it is written."""
    allowed = allowed_typos(word)
    if not allowed:
        return None
    candidates = (
        SearchWord.objects.using(using)
        .annotate(distance=TrigramDistance("word", word))
        .order_by("distance")
        .values_list("word", "display")[:CANDIDATES]
    )
    best = None
    for rank, (candidate, display) in enumerate(candidates):
        distance = typo_distance(word, candidate)
        if 0 < distance <= allowed and (best is None or (distance, rank) < best[:2]):
            best = (distance, rank, display)
    return best[2] if best else None


def _unknown_words(query: Query, lexicon) -> list[str]:
    candidates = list(
        dict.fromkeys(w for w in query.plain_words if allowed_typos(w) and not w.isdigit())
    )[:MAX_CORRECTIONS]
    if not candidates:
        return []
    known = set(
        SearchWord.objects.using(lexicon.db)
        .filter(word__in=candidates)
        .values_list("word", flat=True)
    )
    return [
        w
        for w in candidates
        if w not in known
        and not lexicon.filter(
            search_vector=SearchQuery(w, config=CONFIG, search_type="plain")
        ).exists()
    ]


def corrected(query: Query, lexicon) -> Query | None:
    """`query` with its words unknown to `lexicon` (a listing's rows) corrected, if any is."""
    fixes = {}
    for word in _unknown_words(query, lexicon):
        fix = nearest_word(word, using=lexicon.db)
        if fix:
            fixes[word] = fix
    if not fixes:
        return None

    def fix(match):
        found = words(match.group())
        return fixes.get(found[0], match.group()) if len(found) == 1 else match.group()

    return understand(_WORD.sub(fix, query.text), using=lexicon.db)
