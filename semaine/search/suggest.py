"""The trades a search box suggests while someone types (/api/v1/metiers/?q=)."""

from django.db.models import Min
from django.db.models.functions import Length

from semaine.models import SearchTerm, Trade
from semaine.search.query import understand
from semaine.search.text import key

MAX_SUGGESTIONS = 8
# What is looked up of a query being typed: the beginning of a trade's name is enough.
MAX_TYPED = 60


def suggested_trade_ids(text: str, *, limit: int = MAX_SUGGESTIONS) -> list[int]:
    """ROME 4.0 trades for `text`, best first: those its words mean (« IDE », « AS »), then
    those of the vocabulary's words that begin with it (« infirm », « aide-soi »), shortest
    word first (the trade's own name before its specialities)."""
    typed = key(text[:MAX_TYPED])
    if not typed:
        return []
    ids = list(dict.fromkeys(understand(typed).trade_ids))
    starting = (
        SearchTerm.objects.filter(key__startswith=typed, trades__version=Trade.Version.V4)
        .values("trades__id")
        .annotate(shortest=Min(Length("key")))
        .order_by("shortest", "trades__id")
        .values_list("trades__id", flat=True)[: limit * 2]
    )
    ids.extend(pk for pk in starting if pk not in ids)
    return ids[:limit]
