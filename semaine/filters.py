"""What the events and offers listings filter alike: territory, free text, the active filters."""

import functools
import re

import django_filters
from django.contrib.postgres.search import SearchQuery

from semaine.models import Department, Region, Trade

MAX_QUERY_LENGTH = 200
HYPHEN_IN_WORD = re.compile(r"(?<=\w)-(?=\w)")


# Reference vocabulary only changes with a migration, i.e. a deploy: read it once per process.
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
