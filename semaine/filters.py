"""What the events and offers listings filter alike: territory, free text, the active filters,
and the counts of each facet's options."""

import functools
import re

import django_filters
from django.contrib.postgres.search import SearchQuery

from semaine import facets
from semaine.models import Department, Region, Trade

MAX_QUERY_LENGTH = 200
HYPHEN_IN_WORD = re.compile(r"(?<=\w)-(?=\w)")


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


def full_text(queryset, value: str):
    """French full-text search: stems, accents optional, web-search syntax ("…", -mot, or)."""
    # "aides-soignantes" as two words: a hyphenated query would only match the same hyphenated
    # form, while the index also holds each part of "Aide-soignant".
    value = " ".join(HYPHEN_IN_WORD.sub(" ", value).split())
    if not value:
        return queryset
    return queryset.filter(
        search_vector=SearchQuery(value, config="french_unaccent", search_type="websearch")
    )


class ListingFilterSet(django_filters.FilterSet):
    """Filters named alike on every listing; the names are the public URL contract."""

    q = django_filters.CharFilter(
        label="Mots-clés",
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        help_text="Métier, employeur, ville…",
    )
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
        return facets.cached_facets(self, self.facet_versions(), self.count_facets)

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

    def filter_q(self, queryset, name, value):
        return full_text(queryset, value)

    @property
    def active_filters(self) -> dict:
        """Valid filters with a value; invalid ones are reported on the form and ignored."""
        if not self.is_bound:
            return {}
        self.errors  # noqa: B018 - runs validation
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", [], False)}
