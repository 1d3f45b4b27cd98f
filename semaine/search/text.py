"""How a query and the vocabulary are compared: one normal form for both.

Case, accents, hyphens and apostrophes do not matter (« Aide-soignante », « aide soignante »,
« AIDE SOIGNANTE » are one key), and neither does a plural: each word is also looked up in the
singular (« infirmières » finds « infirmière »). Acronyms are short and some end in s (AS,
DEAS, DEASS): the exact key is always tried first, so « DEASS » never becomes « DEAS ».
"""

import re
import unicodedata

# The words of a query past this number are ignored: 30 words are already more than anyone
# types, and each word costs lookups (bounded work whatever is sent).
MAX_TERMS = 30
# The longest phrase of the vocabulary looked up, in words (« accompagnant éducatif et social
# en structure collective » is 7).
MAX_PHRASE_WORDS = 8

# Letters and digits of any script are words; anything else (punctuation, emoji) separates them.
_NOT_A_WORD = re.compile(r"[\W_]+")


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Ligatures NFKD leaves alone (« sœur », « cæcum »).
    return stripped.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")


def words(value: str) -> list[str]:
    """The normalised words of `value`: lower case, no accent, split on anything else."""
    return [w for w in _NOT_A_WORD.split(strip_accents(value).lower()) if w]


def key(value: str) -> str:
    """The vocabulary key of a word or phrase: « Aide-soignante » → « aide soignante »."""
    return " ".join(words(value))


def singular(word: str) -> str:
    """A French plural's singular, good enough for lookups (never shown)."""
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"  # sociaux → social, hospitaliers is handled below
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        return word[:-1]
    return word


def singular_key(value: str) -> str:
    return " ".join(singular(w) for w in value.split())
