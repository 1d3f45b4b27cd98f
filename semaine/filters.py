"""What the events and offers listings filter alike: territory, free text, the active filters,
and the counts of each facet's options."""

import functools
from collections.abc import Sequence

import django_filters
from django import forms
from django.db.models import QuerySet
from django.urls import reverse_lazy

from semaine import facets
from semaine.models import VOCABULARY_VERSION, Department, Region, Trade
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


class QueryField(forms.CharField):
    """The keywords, cut at MAX_QUERY_LENGTH characters."""

    def to_python(self, value):
        return super().to_python(value)[:MAX_QUERY_LENGTH]


class QueryFilter(django_filters.CharFilter):
    field_class = QueryField


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

    # Facets counted on the listing: filter name -> model column, counted together in one scan.
    FACETS: dict[str, str] = {}
    # Fields whose options the page shows with their counts.
    FACET_FIELDS: tuple[str, ...] = ()

    def facet_versions(self) -> tuple[str, ...]:
        """The data versions (semaine.pagecache) the counts of this listing read."""
        raise NotImplementedError

    def count_facets(self) -> facets.Facets:
        """Total and counts of every facet; a listing adds the facets that are not a column."""
        return facets.count_facets(self)

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

    def trade_rows(self, trade_ids: Sequence[int]) -> QuerySet:
        """The ids of the rows tagged with one of `trade_ids` (a values queryset of one
        column): each listing knows how its rows are tagged."""
        raise NotImplementedError

    # Set by filter_q: the search as typed and as run (a typo corrected), for the page.
    search = None

    def filter_q(self, queryset, name, value):
        """Keywords understood (semaine.search): gender forms, plurals, acronyms, diplomas and
        trades of the vocabulary, a typo corrected; the closest matches first."""
        self.search = search(
            value,
            lexicon=self.queryset,
            versions=self.facet_versions(),
            exact=bool(self.form.cleaned_data.get("exact")),
        )
        return self.search.filter(queryset, self.trade_rows)

    def filter_exact(self, queryset, name, value):
        return queryset  # read by filter_q

    @property
    def active_filters(self) -> dict:
        """Valid filters with a value; invalid ones are reported on the form and ignored."""
        if not self.is_bound:
            return {}
        self.errors  # noqa: B018 - runs validation
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", [], False)}
