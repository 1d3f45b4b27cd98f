"""The listing pages (events, a region's events, offers): one view for filters, facets and pages.

A listing is a GET form of filters (a ListingFilterSet, semaine.filters) over rows, with the
count of each option and the rows cut in pages. A subclass names its filter set, its template
and the context name of its rows, and may say how a page's rows are loaded, which filters its
URL fixes, and what else its template shows. Its URL pattern takes `as_view()` wrapped in
semaine.pagecache.versioned_page with the data versions the page shows.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.views import View

from semaine.geo.distance import distance_km
from semaine.middleware import allow_geolocation
from semaine.search.service import relevance_tiers


def known_params(request, names) -> list[tuple[str, str]]:
    """The query string's parameters among `names` with a value, in order: the others change
    nothing on a page that reads only those."""
    return [(k, v) for k, values in request.GET.lists() if k in names for v in values if v]


def canonical_query(params: list[tuple[str, str]]) -> str:
    """A page cache key's query (semaine.pagecache): one page, however its parameters are
    ordered or padded."""
    # Sorted by name only: the order of one name's values can matter (a checkbox after its
    # hidden default, the last value counts).
    return urlencode(sorted(params, key=lambda item: item[0]))


class Concatenated:
    """The ids of two querysets, one after the other, cut in pages: a Paginator's object list
    when the total is known (a near-me listing's nearby events, then the online ones)."""

    def __init__(self, first, second):
        self.first, self.second = first, second

    def __getitem__(self, window: slice) -> list:
        start, stop = window.start or 0, window.stop
        ids = list(self.first[start:stop])
        if len(ids) == stop - start:
            return ids
        # Fewer than asked: the first ends here (or, on a page past it, count its rows).
        before = start + len(ids) if ids or not start else self.first.count()
        return ids + list(self.second[max(0, start - before) : stop - before])


class ListingView(View):
    # GET and HEAD only, as @require_safe: anything else is a 405 naming them.
    http_method_names = ["get", "head"]

    filterset_class = None  # a semaine.filters.ListingFilterSet
    template_name: str = ""
    rows_name = "rows"  # the context name of the page's rows
    per_page = 20
    # Parameters the page reads beyond its filter set's filters.
    page_params: tuple[str, ...] = ("page",)
    # Filters the page shows outside its folding panel of filters (the search boxes): the
    # « Filtres » button counts the others.
    search_box_filters: tuple[str, ...] = ("q", "lieu")

    def fixed_filters(self) -> dict[str, str]:
        """Filters the URL itself sets (a region page's region), over the query string's."""
        return {}

    def rows(self):
        """The queryset a page's rows are loaded from, with what their cards show joined."""
        raise NotImplementedError

    def paginated(self, filterset):
        """What the pages are cut from: ids only, which an index gives in the listing's order
        without reading the rows (deep pages skip index entries); a search's most relevant
        rows, then the others (semaine.search.service.relevance_tiers). Read from the rows
        held in memory when the process has them (semaine.rowindex)."""
        pages = filterset.indexed_pages()
        if pages is not None:
            return pages
        ids = filterset.qs.values_list("pk", flat=True)
        tiers = relevance_tiers(ids)
        return ids if tiers is None else Concatenated(*tiers)

    def page_rows(self, object_list):
        """The rows of one page, loaded by id with their joins, in the page's order."""
        ids = list(object_list)
        rows = self.rows().in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]

    def get_context_data(self, **context) -> dict:
        """What the template shows beyond the listing."""
        return context

    @classmethod
    def known_params(cls, request) -> list[tuple[str, str]]:
        """The query string's filters and page, in order, without the parameters the listing
        does not know or leaves empty: they change nothing on the page."""
        return known_params(request, {*cls.filterset_class.base_filters, *cls.page_params})

    @classmethod
    def cache_query(cls, request) -> str:
        """The page cache's key for this query: one page, however its parameters are ordered
        or padded (semaine.pagecache)."""
        return canonical_query(cls.known_params(request))

    def get(self, request, *args, **kwargs):
        fixed = self.fixed_filters()
        data = QueryDict(mutable=True)
        for name, value in self.known_params(request):
            data.appendlist(name, value)
        for name, value in fixed.items():
            data[name] = value
        filterset = self.filterset_class(data)
        facets = filterset.facet_counts()
        paginator = Paginator(self.paginated(filterset), self.per_page)
        paginator.count = facets.total  # already counted with the facets: no second COUNT(*)
        requested = data.get("page", "1")
        page = paginator.get_page(requested)
        page.object_list = self.page_rows(page.object_list)
        place = filterset.place
        if place is not None:
            # Rows loaded apart from the filtered query (offers: by id) lack its distance.
            for row in page.object_list:
                if getattr(row, "distance_km", None) is None and row.latitude is not None:
                    row.distance_km = distance_km(
                        place.latitude, place.longitude, row.latitude, row.longitude
                    )
        page_error = (
            ""
            if requested == str(page.number)
            else f"La page « {requested[:20]} » n'existe pas : voici la page {page.number}."
        )
        # The page links keep the filters; the URL already says the fixed ones.
        query = data.copy()
        for name in ("page", *fixed):
            query.pop(name, None)
        chips = [
            (chip, self.without_chip(query, chip))
            for chip in filterset.chips()
            if chip.name not in fixed
        ]
        context = {
            "filter": filterset,
            "chips": chips,
            "panel_filter_count": sum(
                chip.name not in self.search_box_filters for chip, _ in chips
            ),
            "facets": facets,
            "options": filterset.facet_options(facets),
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            self.rows_name: page.object_list,
            "page_error": page_error,
            "querystring": query.urlencode(),
        }
        response = render(request, self.template_name, self.get_context_data(**context))
        return allow_geolocation(response)  # the place field's « Autour de moi » button

    def without_chip(self, query: QueryDict, chip) -> str:
        """The link that removes one active filter (semaine.filters.Chip): the page's query
        string without it, page and fixed filters already out; the bare page when nothing
        is left."""
        query = query.copy()
        if chip.value is None:
            query.pop(chip.name, None)
        else:
            query.setlist(chip.name, [v for v in query.getlist(chip.name) if v != chip.value])
        for name in chip.also:
            query.pop(name, None)
        rest = query.urlencode()
        return f"?{rest}" if rest else self.request.path
