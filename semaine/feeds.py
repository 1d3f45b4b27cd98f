"""Atom feeds of a listing's selection: the same query string, the same FilterSet, as entries.

A feed is Django's syndication framework (django.contrib.syndication) over a listing's
ListingFilterSet: `/evenements/flux.atom?region=84&type=job_dating` lists what
`/evenements/?region=84&type=job_dating` lists. Invalid filters are ignored as the listing
ignores them (the page says so; a feed reader has nobody to tell), so a feed never fails on its
query string. An app subclasses ListingFeed with its FilterSet, its listing's URL name, the
order of its entries and what an entry says; its URL pattern wraps the instance with
`listing_feed_view` (page cache under the versions it reads, rate limit of the pages).

Every link is absolute on settings.SITE_URL, never the request's host: a feed is polled for
months by readers that keep its addresses, and a cached feed (semaine.pagecache) is served to
everyone.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import QueryDict
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from semaine.listing import canonical_query, known_params
from semaine.pagecache import versioned_page
from semaine.ratelimit import rate_limited

# Entries in a feed: what a reader shows at once, and a bounded query and page to cache.
MAX_ENTRIES = 50


class ListingFeed(Feed):
    feed_type = Atom1Feed
    filterset_class = None  # a semaine.filters.ListingFilterSet
    listing_url_name = ""  # the listing the feed follows ("events:list")
    feed_url_name = ""  # this feed's own URL name
    noun = ""  # what the feed lists, capitalised: « Événements »
    max_entries = MAX_ENTRIES

    @classmethod
    def params(cls, request) -> list[tuple[str, str]]:
        """The query string's filters with a value, in order: the others change nothing."""
        return known_params(request, set(cls.filterset_class.base_filters))

    @classmethod
    def cache_query(cls, request) -> str:
        """The page cache's key for this feed: one feed however its parameters are ordered."""
        return canonical_query(cls.params(request))

    def get_object(self, request, *args, **kwargs):
        data = QueryDict(mutable=True)
        for name, value in self.params(request):
            data.appendlist(name, value)
        filterset = self.filterset_class(data)
        filterset.errors  # noqa: B018 - runs validation: invalid filters are left out
        return filterset

    def _absolute(self, url_name: str, filterset) -> str:
        query = filterset.applied_query()
        return settings.SITE_URL + reverse(url_name) + (f"?{query}" if query else "")

    def title(self, filterset) -> str:
        chips = " · ".join(chip.label for chip in filterset.chips())
        title = f"{self.noun} – Semaine des métiers du soin et de l'accompagnement"
        return f"{title} – {chips}" if chips else title

    def link(self, filterset) -> str:
        return self._absolute(self.listing_url_name, filterset)

    def feed_url(self, filterset) -> str:
        return self._absolute(self.feed_url_name, filterset)

    def feed_guid(self, filterset) -> str:
        return self.feed_url(filterset)

    def ordered(self, queryset):
        """The selection in the feed's order (the subclass says which)."""
        raise NotImplementedError

    def items(self, filterset):
        return self.ordered(filterset.qs)[: self.max_entries]

    def item_link(self, item) -> str:
        return settings.SITE_URL + item.get_absolute_url()


def listing_feed_view(feed: ListingFeed, *reads: str):
    """The view of `feed`: GET and HEAD only, cached under the data versions `reads` it shows
    (one entry per selection, however its query string is written), counted in the pages'
    rate limit as the listings are."""
    return rate_limited("pages")(
        require_safe(versioned_page(*reads, query=type(feed).cache_query)(feed))
    )
