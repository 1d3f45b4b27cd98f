"""What the events and offers listings filter alike: territory, free text, the active filters,
and the counts of each facet's options."""

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import django_filters
from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils.formats import date_format

from semaine import facets, rowindex
from semaine.geo.distance import bounding_box, distance_expression
from semaine.geo.places import MAX_PLACE_LENGTH, Resolution, resolve_place_cached
from semaine.models import VOCABULARY_VERSION, Commune, Department, Region, Trade
from semaine.pagecache import data_versions, version_key
from semaine.search.matching import id_list
from semaine.search.service import search

# A longer query is cut here rather than refused (the words past it are ignored).
MAX_QUERY_LENGTH = 200


# Reference vocabulary (INSEE territories, ROME trades) is loaded by migrations and read-only in
# the admin (semaine.admin.ReadOnlyAdmin): it only changes with a deploy, which restarts every
# process. Read once per process, never expired: a stale value cannot outlive the code that
# changed it. The same holds for every functools.cache of reference data.
@functools.cache
def region_choices():
    return [(r.code, r.name) for r in Region.objects.all()]


@functools.cache
def department_choices():
    return [(d.code, f"{d.code} – {d.name}") for d in Department.objects.all()]


@functools.cache
def trade_choices():
    return [(t.code, t.label) for t in Trade.objects.current()]


# Near-me search: `lieu` (a commune name, a postcode or an INSEE code), `rayon` in km, `tri`.
RADII_KM = (5, 10, 20, 30, 50, 100)
DEFAULT_RADIUS_KM = 30
SORT_BY_DISTANCE, SORT_BY_DATE = "distance", "date"


class PlaceField(forms.CharField):
    """What a visitor typed as a place, cleaned to the Commune it means (semaine.geo.places):
    a unique match, or the most populous of several; an unknown place is a validation error
    whose message says so and names the closest communes."""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        resolution = resolve_place_cached(text)
        if resolution.commune is None:
            # The message quotes what was typed, which may hold a "%": passed as a parameter,
            # never as the format string (DRF formats it again).
            raise ValidationError(
                "%(message)s",
                code="unknown_place",
                params={
                    "message": resolution.message
                    or "Lieu inconnu : indiquez une commune ou un code postal."
                },
            )
        return resolution.commune


class PlaceFilter(django_filters.CharFilter):
    field_class = PlaceField


class QueryField(forms.CharField):
    """The keywords, cut at MAX_QUERY_LENGTH characters."""

    def to_python(self, value):
        return super().to_python(value)[:MAX_QUERY_LENGTH]


class QueryFilter(django_filters.CharFilter):
    field_class = QueryField


@dataclass(frozen=True)
class Chip:
    """One active filter, as the listing shows it above the results: its link removes it."""

    label: str
    name: str  # the query parameter it removes
    value: str | None = None  # one value of a filter that takes several; None: all of them
    also: tuple[str, ...] = ()  # parameters that go with it (a place's radius and sort)


class ListingFilterSet(django_filters.FilterSet):
    """Filters named alike on every listing; the names are the public URL contract."""

    q = QueryFilter(
        label="Mots-clés",
        method="filter_q",
        help_text="Métier, sigle ou diplôme, employeur, ville…",
        widget=forms.TextInput(
            attrs={
                "maxlength": MAX_QUERY_LENGTH,
                # Trade suggestions while typing (static/js/suggest.js): choosing one filters
                # by the trade instead of the words. Without JavaScript, the words search.
                "data-suggest-url": reverse_lazy("api:metier-list"),
                "data-suggest-text": "label",
                "data-suggest-detail": "code",
                "data-suggest-fill": "metier=code",
                "data-suggest-clear": "q",
                "data-suggest-submit": "",
            }
        ),
    )
    # The keywords as typed, without typo correction (the « rechercher plutôt » link).
    exact = django_filters.BooleanFilter(method="filter_exact", widget=forms.HiddenInput)
    region = django_filters.ChoiceFilter(
        label="Région", field_name="region_id", choices=region_choices, empty_label="Toutes"
    )
    departement = django_filters.ChoiceFilter(
        label="Département",
        field_name="department_id",
        choices=department_choices,
        empty_label="Tous",
    )

    lieu = PlaceFilter(
        label="Lieu",
        method="filter_near",
        max_length=MAX_PLACE_LENGTH,
        help_text="Commune ou code postal",
    )
    rayon = django_filters.ChoiceFilter(
        label="Dans un rayon de",
        choices=[(str(km), f"{km} km") for km in RADII_KM],
        method="filter_near",
        empty_label=None,
    )
    tri = django_filters.ChoiceFilter(
        label="Trier par",
        choices=[(SORT_BY_DISTANCE, "Distance"), (SORT_BY_DATE, "Date")],
        method="filter_near",
        empty_label=None,
    )

    # Facets counted on the listing: filter name -> model column, counted together in one scan.
    FACETS: dict[str, str] = {}
    # Fields whose options the page shows with their counts.
    FACET_FIELDS: tuple[str, ...] = ()

    # Filters that take effect only with another one, and are shown within its chip.
    CHIP_WITHIN = {"rayon": "lieu", "tri": "lieu", "exact": "q"}
    # Filters that leave every row of the listing in (the search itself, orders, a radius
    # without a place, the past added): with only these, a search runs on all the rows.
    NOT_NARROWING = {"q", "exact", "tri", "rayon", "passes"}
    # Filters whose chip is not the filter's label or its choice's (booleans, mostly).
    CHIP_LABELS: dict[str, str] = {}
    # The listing's facet summary (a semaine.summary.FacetSummary): the counts of the
    # selections it keeps are read from it rather than counted over the rows.
    SUMMARY = None
    # Whether the rows are the listing's own, those SUMMARY counts (not a queryset given by
    # the caller); set by the subclasses' __init__.
    summarised = False
    # The data version of the rows SUMMARY counts (semaine.rowindex keeps them per version).
    ROWS_VERSION = ""
    # Filters that choose the listing's period themselves (the events' dates): without any,
    # the rows listed are those the listing's clock keeps at `now` (semaine.rowindex).
    PERIOD_FILTERS: frozenset[str] = frozenset()
    # What a part of a selection adds to be found over every period (index_parts).
    EVERY_PERIOD: dict[str, str] = {}

    def get_form_class(self):
        """One form class per listing, built once per process: django-filter builds one for
        every filter set, deep-copying some forty fields (a millisecond of every cold page).
        The fields depend on the class's filters only, and each form copies them again."""
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_class = form_class
        return form_class

    def facet_versions(self) -> tuple[str, ...]:
        """The data versions (semaine.pagecache) the counts of this listing read."""
        raise NotImplementedError

    def count_facets(self) -> facets.Facets:
        """Total and counts of every facet; a listing adds the facets that are not a column."""
        return facets.count_facets(self)

    def summary_selection(self) -> dict[str, list[str]] | None:
        """The active filters as SUMMARY keeps them (filter name -> the values kept), or None
        when the counts must be made over the rows (a search, a place, dates, three filters...).
        A filter that acts only with another one (a radius without a place) changes nothing."""
        if self.SUMMARY is None or not self.summarised:
            return None
        return self.as_summarised(
            {k: v for k, v in self.active_filters.items() if k not in self.CHIP_WITHIN}
        )

    def as_summarised(self, filters: dict) -> dict[str, list[str]] | None:
        """`filters` (name -> cleaned value) as SUMMARY keeps them, or None when it does not
        keep that selection."""
        if not self.SUMMARY.covers(filters):
            return None
        return {name: self.summary_values(name, value) for name, value in filters.items()}

    def summary_values(self, name: str, value) -> list[str]:
        """The values SUMMARY stores for filter `name` set to `value` (a list for a filter
        that takes several)."""
        return [facets.facet_value(v) for v in (value if isinstance(value, list) else [value])]

    # -- the selection in memory (semaine.rowindex) ---------------------------------------------

    def index_parts(self) -> tuple[list[tuple[str, QueryDict]], QueryDict | None]:
        """The selection cut in parts whose rows intersect to its rows: one per active filter
        (name, data), with the filters that act within it (a place's radius, a search's
        `exact`) and EVERY_PERIOD; then the data of the period filters, or None when the
        listing's clock sets the period."""
        active = self.active_filters
        parts, period = [], QueryDict(mutable=True)
        for name in self.filters:  # in a fixed order: the parts' cache keys
            if name not in active or name in self.CHIP_WITHIN:
                continue
            if name in self.PERIOD_FILTERS:
                period.setlist(name, self.data.getlist(name))
                continue
            data = QueryDict(mutable=True)
            for member, owner in [(name, name), *self.CHIP_WITHIN.items()]:
                if owner == name and member in active:
                    data.setlist(member, self.data.getlist(member))
            data.update(self.EVERY_PERIOD)
            parts.append((name, data))
        return parts, (period or None)

    def row_index(self) -> rowindex.RowIndex | None:
        """The listing's rows in memory at the request's data versions, or None (off, being
        rebuilt, or rows given by the caller rather than the listing's own)."""
        if self.SUMMARY is None or not self.summarised:
            return None
        wanted = {self.ROWS_VERSION: data_versions().get(self.ROWS_VERSION)}
        return rowindex.index_for(self.SUMMARY, self._meta.model, wanted, self.queryset.db)

    def _part(
        self,
        index: rowindex.RowIndex,
        name: str,
        data: QueryDict,
        *,
        first: bool = False,
        alone: bool = False,
    ) -> int | None:
        """The bitset of the rows a part's filters keep over the whole listing, or None the
        first time it is asked for (below). A filter the summary keeps is the union of its
        values' rows (as the summary reads it: the tests prove both count alike); another is
        found by a filter set of this listing with those filters only (a search: its found
        ids), its ids cached for the other processes. `first`: of a part that is a search,
        its most relevant rows.

        Finding a part is a query over the whole listing, dearer than counting one page's
        selection over its rows: a part asked for the first time (in any process) is not
        found, and that page counts over its rows as before; asked again by another selection
        within rowindex.SECOND_ASK_SECONDS, it is found and kept. A place or dates nobody
        repeats cost what they cost before; those people ask for again are in memory. Except
        a search that is the whole selection (`alone`): counted over its rows, it is found
        over the whole listing all the same (semaine.search.service.Search.filter)."""
        if name in self.SUMMARY.filterable and set(data) == {name, *self.EVERY_PERIOD}:
            bits = 0
            for value in self.summary_values(name, self.active_filters[name]):
                bits |= index.values[name].get(value, 0)
            return bits
        part = type(self)(data, **self.copy_kwargs())
        versions = part.facet_versions()
        if "q" in data:
            versions = (*versions, VOCABULARY_VERSION)
        key = (first, data.urlencode(), version_key(versions))
        cache_key = facets.rows_cache_key(type(self).__name__, key[2], key[1])

        def compute() -> int | None:
            search = part.search if "q" in data else None
            ids = cache.get(cache_key) if search is None else search.cached_ids()
            if ids is None:
                # Asked by another selection (another page, another filter), not the same
                # page computed twice at once by several processes.
                asker, asked = self.data.urlencode(), f"asked:{cache_key}"
                first_time = cache.add(asked, asker, rowindex.SECOND_ASK_SECONDS) or (
                    cache.get(asked) == asker
                )
                if first_time and not (search is not None and alone):
                    return None
                if search is None:
                    ids = part.qs.order_by().aggregate(ids=id_list("pk"))["ids"]
                    cache.set(cache_key, ids, facets.CACHE_SECONDS)
                else:
                    ids = search.found_ids(part.trade_match)
            if search is not None:
                ids = ids[1] if first else ids[0]
            return index.of_id_text(ids)

        return index.part(key, compute)

    @cached_property
    def indexed(self) -> rowindex.Selection | None:
        """The selection as bitsets of the listing's RowIndex, or None without one."""
        index = self.row_index()
        if index is None:
            return None
        parts, period = self.index_parts()
        if period is None:
            base = index.listed_at(getattr(self, "now", None))
        else:
            base = self._part(index, "", period)
        alone = len(parts) == 1 and period is None
        bits = {name: self._part(index, name, data, alone=alone) for name, data in parts}
        if base is None or None in bits.values():
            return None  # a part asked for the first time: counted over the rows
        rows = base
        for part in bits.values():
            rows &= part
        without = {}
        for name in bits.keys() & set(self.SUMMARY.names):
            others = base
            for other, part in bits.items():
                if other != name:
                    others &= part
            without[name] = others
        return rowindex.Selection(index, rows, without)

    def indexed_pages(self) -> rowindex.Pages | None:
        """The selection's pages read from its bitsets, or None when it has none or its order
        is not the listing's (sorted by distance)."""
        selection = self.indexed
        if selection is None or self.sorted_by_distance:
            return None
        tiers = [selection.rows]
        if self.place is None:  # a search's order of relevance (a place's order wins)
            for name, data in self.index_parts()[0]:
                if name == "q":
                    first = self._part(selection.index, name, data, first=True)
                    if first is None:  # its ids left the cache meanwhile: paged in SQL
                        return None
                    tiers = [selection.rows & first, selection.rows & ~first]
        return rowindex.Pages(selection.index, tiers)

    def facet_counts(self) -> facets.Facets:
        """count_facets(), cached per data version and combination of valid filters."""
        versions = self.facet_versions()
        if "q" in self.active_filters:  # what the keywords mean is the vocabulary's
            versions = (*versions, VOCABULARY_VERSION)
        return facets.cached_facets(self, versions, self.count_facets)

    def facet_options(self, counted: facets.Facets) -> dict:
        """Options of each of FACET_FIELDS with their counts, for the filter form."""
        return facets.facet_options(self, counted, self.FACET_FIELDS)

    def without(self, name: str) -> "ListingFilterSet":
        """The same listing with filter `name` taken off (its facet is counted on those rows)."""
        data = self.data.copy()
        data.pop(name, None)
        return type(self)(data, queryset=self.queryset, **self.copy_kwargs())

    def copy_kwargs(self) -> dict:
        """Keyword arguments beyond data and queryset that a copy of this listing needs."""
        return {}

    def trade_match(self, trade_ids: Sequence[int]) -> Q:
        """The condition of a row being tagged with one of `trade_ids`: each listing knows how
        its rows are tagged. One an index serves (a column, a list of ids; not a subquery), for
        the search to read it together with the full-text index."""
        raise NotImplementedError

    @cached_property
    def search(self):
        """The search of the keywords `q` as typed and as run (a typo corrected), or None
        without keywords: what filter_q filters on, and what the page says of it."""
        text = self.active_filters.get("q")
        if not text:
            return None
        return search(
            text,
            lexicon=self.queryset,
            versions=self.facet_versions(),
            exact=bool(self.active_filters.get("exact")),
        )

    def applied_query(self) -> str:
        """The filters the selection applies as a query string: without the invalid ones, nor
        those the form's checks dropped (a start date after the end). What a feed or an alert
        of the page follows."""
        self.errors  # noqa: B018 - runs validation: fills cleaned_data and the errors
        data = self.data.copy()
        applied = set(self.form.cleaned_data) - set(self.form.errors)
        for name in list(data):
            if name not in applied:
                data.pop(name)
        return data.urlencode()

    # -- active filters, as chips ---------------------------------------------------------------

    def chips(self) -> list[Chip]:
        """The valid active filters in the form's order, one chip per value: what the listing
        shows above its results (« Auvergne-Rhône-Alpes ✕ »)."""
        chips = []
        active = self.active_filters
        for name in self.filters:  # in the form's order
            if name not in active or name in self.CHIP_WITHIN:
                continue
            value = active[name]
            if isinstance(value, list | tuple):
                chips.extend(
                    Chip(self.chip_label(name, item), name, value=str(item)) for item in value
                )
                continue
            label = self.chip_label(name, value)
            if label:
                also = tuple(k for k, owner in self.CHIP_WITHIN.items() if owner == name)
                chips.append(Chip(label, name, also=also))
        return chips

    def chip_label(self, name: str, value) -> str:
        """What the chip of filter `name` says for `value` ("" for no chip)."""
        if name in self.CHIP_LABELS:
            return self.CHIP_LABELS[name]
        if name == "q":
            return f"« {value} »"
        if name == "lieu":
            return f"Autour de {value.label}, {self.radius_km} km"
        field = self.form.fields[name]
        if isinstance(value, datetime.date):
            return f"{field.label} {date_format(value, 'j F Y')}"
        choices = getattr(field, "choices", None)
        if choices is not None:
            return str(dict(choices).get(value, value))
        return str(field.label)

    def filter_q(self, queryset, name, value):
        """Keywords understood (semaine.search): gender forms, plurals, acronyms, diplomas and
        trades of the vocabulary, a typo corrected; the closest matches first."""
        narrowed = bool(set(self.active_filters) - self.NOT_NARROWING)
        return self.search.filter(queryset, self.trade_match, narrowed=narrowed)

    def filter_exact(self, queryset, name, value):
        return queryset  # read by filter_q

    # -- near-me search ------------------------------------------------------------------------

    def filter_near(self, queryset, name, value):
        return queryset  # lieu, rayon and tri act together, last: see near()

    def filter_queryset(self, queryset):
        return self.near(super().filter_queryset(queryset))

    @property
    def place(self) -> Commune | None:
        """The commune `lieu` resolved to; None without `lieu` or when it names no commune."""
        return self.active_filters.get("lieu")

    @property
    def place_resolution(self) -> Resolution | None:
        """What `lieu` was resolved to, for the page: the other communes an ambiguous name
        could mean, the closest names to an unknown one."""
        text = " ".join(str(self.data.get("lieu", "") if self.is_bound else "").split())
        if not text or len(text) > MAX_PLACE_LENGTH:
            return None
        return resolve_place_cached(text)

    @property
    def radius_km(self) -> int:
        """`rayon`, else the default (an invalid one is reported on the form and ignored)."""
        return int(self.active_filters.get("rayon") or DEFAULT_RADIUS_KM)

    @property
    def sorted_by_distance(self) -> bool:
        return self.place is not None and self.active_filters.get("tri") != SORT_BY_DATE

    def rows_without_place(self) -> Q | None:
        """Rows that have no place to be near yet belong in a near-me listing (after the
        nearby ones): none by default; the events listing's online events."""
        return None

    def near(self, queryset):
        """Within `rayon` km of `lieu`: the bounding box (indexed latitude and longitude),
        then the exact distance, annotated as `distance_km`; sorted by distance unless
        `tri=date`. Rows without coordinates come after, when rows_without_place() wants them.
        """
        commune = self.place
        if commune is None:
            return queryset
        radius = self.radius_km
        box = bounding_box(commune.latitude, commune.longitude, radius)
        queryset = queryset.annotate(
            distance_km=distance_expression(commune.latitude, commune.longitude)
        )
        nearby = box.q() & Q(distance_km__lte=radius)
        unplaced = self.rows_without_place()
        queryset = queryset.filter(nearby if unplaced is None else nearby | unplaced)
        order = queryset.model._meta.ordering
        if not self.sorted_by_distance:
            return queryset.order_by(*order)
        return queryset.order_by(F("distance_km").asc(nulls_last=True), *order)

    @property
    def active_filters(self) -> dict:
        """Valid filters with a value; invalid ones are reported on the form and ignored."""
        if not self.is_bound:
            return {}
        self.errors  # noqa: B018 - runs validation
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", [], False)}
