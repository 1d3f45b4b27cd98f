"""An alert's selection: the query string of a listing, read by that listing's own FilterSet.

`/alertes/nouvelle/?region=84&type=job_dating` follows what `/evenements/?region=84&type=job_dating`
lists; `&nature=offres` makes it the offers listing's (whose own `nature` filter, emploi or
formation, stays beside it). The query is normalised (the filters the listing knows, with a value,
in a canonical order; not the sort), so that one selection written two ways is one alert and is
computed once for all its subscribers.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import parse_qsl

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse

from alerts.models import Nature
from events.filters import EventFilter
from events.models import Event
from offers.filters import OfferFilter
from offers.models import Offer
from semaine.filters import ListingFilterSet
from semaine.listing import canonical_query

# Parameters that change the order of a listing, not what it lists.
NOT_SELECTION = {"tri"}


@dataclass(frozen=True)
class Listing:
    filterset_class: type[ListingFilterSet]
    url_name: str
    noun: str  # « événements »
    everything: str  # the label of a selection without filters
    # The column that says when a row appeared on the site: what a digest calls new.
    new_since: str

    def rows(self) -> QuerySet:
        model = self.filterset_class._meta.model
        return model.objects.for_listing()


LISTINGS = {
    Nature.EVENTS: Listing(
        EventFilter, "events:list", "événements", "Tous les événements", "published_at"
    ),
    Nature.OFFERS: Listing(
        OfferFilter, "offers:list", "offres", "Toutes les offres d'emploi et de formation",
        "created_at",
    ),
}  # fmt: skip


def nature_of(data: QueryDict) -> tuple[str, list[tuple[str, str]]]:
    """The listing a query string names, and its other parameters (`nature=offres` is ours; the
    offers' own nature filter, emploi or formation, is theirs)."""
    params = [(k, v) for k, values in data.lists() for v in values]
    nature = Nature.OFFERS if ("nature", Nature.OFFERS) in params else Nature.EVENTS
    return nature, [
        (k, v) for k, v in params if not (k == "nature" and v in (Nature.OFFERS, Nature.EVENTS))
    ]


class Selection:
    """A listing's filters as an alert keeps them: `query` is normalised."""

    def __init__(self, nature: str, params: list[tuple[str, str]]):
        self.nature = nature
        self.listing = LISTINGS[nature]
        names = set(self.listing.filterset_class.base_filters) - NOT_SELECTION
        self.query = canonical_query([(k, v) for k, v in params if k in names and v])
        self._filterset = None

    @classmethod
    def from_request(cls, data: QueryDict) -> "Selection":
        return cls(*nature_of(data))

    @classmethod
    def stored(cls, nature: str, query: str) -> "Selection":
        return cls(nature, parse_qsl(query))

    @classmethod
    def of(cls, alert) -> "Selection":
        """The selection an alert follows."""
        return cls.stored(alert.nature, alert.query)

    @property
    def filterset(self) -> ListingFilterSet:
        if self._filterset is None:
            data = QueryDict(self.query)
            self._filterset = self.listing.filterset_class(data, queryset=self.listing.rows())
        return self._filterset

    def errors(self) -> list[str]:
        """Why the listing would ignore some of these filters, in its words (« Région : … »)."""
        form = self.filterset.form
        if form.is_valid():
            return []
        messages = []
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.extend(f"{label} : {error}" if label else error for error in errors)
        return messages

    @property
    def label(self) -> str:
        chips = " · ".join(chip.label for chip in self.filterset.chips())
        return chips or self.listing.everything

    @property
    def listing_url(self) -> str:
        """The listing of the selection, absolute (the e-mails' link)."""
        url = settings.SITE_URL + reverse(self.listing.url_name)
        return f"{url}?{self.query}" if self.query else url

    def new_items(self, since: datetime.datetime, until: datetime.datetime) -> QuerySet:
        """The rows of the selection that appeared on the site in (since, until], not cancelled,
        as (id, appeared) pairs in that order."""
        column = self.listing.new_since
        rows = self.filterset.qs.order_by().filter(
            **{f"{column}__gt": since, f"{column}__lte": until}
        )
        if self.nature == Nature.EVENTS:
            rows = rows.filter(status=Event.Status.PUBLISHED)
        else:
            rows = rows.filter(status=Offer.Status.OPEN)
        return rows.values_list("pk", column).order_by(column, "pk")
