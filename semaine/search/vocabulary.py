"""The search vocabulary as shipped: ROME job titles' gender forms and acronyms, and the
sector's own words (semaine/reference/vocabulary.py), loaded into SearchTerm by a migration.

National staff then edit it in the admin; a later migration that calls sync_vocabulary() again
adds what the shipped data gained and leaves their entries alone (it only adds trades and words
to an entry, never takes any away).
"""

import re
from dataclasses import dataclass, field

from semaine.reference.appellations import APPELLATIONS
from semaine.reference.vocabulary import GROUPS
from semaine.search.text import key

# « (IDE) », « -IADE- », « - IBODE » at the end: acronyms written in a ROME title.
_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9-]{1,9})\)|-\s*([A-Z][A-Z0-9]{1,9})\s*-?\s*$")
# « Diplômé(e) », « Infirmier(ère) »: gender endings in parentheses, dropped.
_GENDER_ENDING = re.compile(r"\((?:e|ne|le|ère|ière|euse|trice|ive)\)", re.IGNORECASE)


def title_forms(label: str) -> tuple[list[str], list[str]]:
    """The gender forms and the acronyms of a ROME title.

    « Infirmier / Infirmière de bloc opératoire (IBODE) » gives the forms « Infirmier de bloc
    opératoire » and « Infirmière de bloc opératoire », and the acronym « IBODE »: the words
    before the slash are the masculine of as many words after it, the rest is shared.
    """
    acronyms = [a or b for a, b in _ACRONYM.findall(label)]
    text = _ACRONYM.sub(" ", label)
    text = _GENDER_ENDING.sub("", text).replace("(", " ").replace(")", " ")
    if "/" not in text:
        return [" ".join(text.split())], acronyms
    left, right = (part.split() for part in text.split("/", 1))
    masculine = left + right[len(left) :]
    return [" ".join(masculine), " ".join(right)], acronyms


@dataclass
class Entry:
    phrase: str
    kind: str
    trades: set[str] = field(default_factory=set)
    expansions: dict[str, str] = field(default_factory=dict)  # key -> phrase


def _kind(phrase: str, default: str) -> str:
    return "sigle" if " " not in phrase and phrase.isupper() else default


def shipped_entries(trade_codes: set[str]) -> dict[str, Entry]:
    """Every entry of the shipped vocabulary by key, keeping only the trades of `trade_codes`.

    A word of several groups (« AVS »: a social carer, and a school assistant) gets the words
    and trades of all of them. A word that would expand to nothing (a title without a second
    gender, of a trade the site does not list) is no entry: full text finds it as it is.
    """
    entries: dict[str, Entry] = {}

    def add_group(phrases: list[str], codes, default_kind: str):
        keys = {key(p): p for p in phrases if key(p)}
        for k, phrase in keys.items():
            entry = entries.setdefault(k, Entry(phrase=phrase, kind=_kind(phrase, default_kind)))
            entry.trades.update(c for c in codes if c in trade_codes)
            for other_key, other in keys.items():
                if other_key != k:
                    entry.expansions.setdefault(other_key, other)

    # The sector's own words first: their spelling is the one shown (« infirmière »).
    for phrases, codes in GROUPS:
        add_group(list(phrases), codes, "mot")
    for label, code in APPELLATIONS:
        forms, acronyms = title_forms(label)
        add_group(forms + acronyms, (code,), "rome")
    return {k: e for k, e in entries.items() if e.trades or e.expansions}


def sync_vocabulary(apps=None) -> None:
    """Create the shipped entries, or add their trades and words to existing ones."""
    if apps is None:
        from django.apps import apps
    term_model = apps.get_model("semaine", "SearchTerm")
    trade_model = apps.get_model("semaine", "Trade")
    trades = dict(trade_model.objects.filter(version="v4").values_list("code", "pk"))
    entries = shipped_entries(set(trades))
    existing = {t.key: t for t in term_model.objects.filter(key__in=entries)}
    new = [
        term_model(key=k, phrase=e.phrase, kind=e.kind, expansions=list(e.expansions.values()))
        for k, e in entries.items()
        if k not in existing
    ]
    term_model.objects.bulk_create(new, batch_size=1000)
    for k, term in existing.items():
        known = {key(x) for x in term.expansions} | {k}
        added = [p for ek, p in entries[k].expansions.items() if ek not in known]
        if added:
            term.expansions = [*term.expansions, *added]
            term.save(update_fields=["expansions"])
    ids = dict(term_model.objects.filter(key__in=entries).values_list("key", "pk"))
    through = term_model.trades.through
    through.objects.bulk_create(
        [
            through(searchterm_id=ids[k], trade_id=trades[code])
            for k, e in entries.items()
            for code in sorted(e.trades)
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
