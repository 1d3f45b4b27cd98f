"""The one filter definition of the offers listing: page, exports and API all use it."""

import functools

import django_filters
from django import forms
from django.db.models import Q

from offers.facets import SUMMARY
from offers.models import LISTING_VERSION, Offer
from semaine.facets import Facets
from semaine.filters import ListingFilterSet, trade_choices
from semaine.models import Trade


@functools.cache
def _trade_codes() -> dict[str, str]:
    # Reference data, loaded by a migration: cached per process like the filters' choices
    # (semaine.filters says why a stale value cannot happen).
    return {str(pk): code for pk, code in Trade.objects.current().values_list("pk", "code")}


class OfferFilter(ListingFilterSet):
    """Facets of the offers listing; the names are the public URL contract.

    Only open offers are listed, most recent first. An unknown value of a filter makes that
    filter invalid, and an invalid filter is ignored (the page says so) rather than emptying
    the list.
    """

    nature = django_filters.ChoiceFilter(
        label="Nature", choices=Offer.Nature.choices, empty_label="Emplois et formations"
    )
    metier = django_filters.ChoiceFilter(
        label="Métier", choices=trade_choices, method="filter_metier", empty_label="Tous"
    )
    contrat = django_filters.MultipleChoiceFilter(
        label="Type de contrat",
        field_name="contract_type",
        choices=Offer.Contract.choices,
        # A column of the offer itself: no join, no duplicates. DISTINCT would also collapse
        # the rows the facet counts are computed from.
        distinct=False,
    )
    alternance = django_filters.BooleanFilter(
        label="En alternance seulement",
        method="filter_alternance",
        widget=forms.CheckboxInput,
    )
    temps = django_filters.ChoiceFilter(
        label="Temps de travail",
        field_name="working_time",
        choices=Offer.WorkingTime.choices,
        empty_label="Tous",
    )

    # Facets counted on the listing: filter name -> model column. All are in the `offer_facets`
    # covering index, so the counts are an index-only scan.
    FACETS = {
        "nature": "nature",
        "region": "region_id",
        "departement": "department_id",
        "metier": "trade_id",
        "contrat": "contract_type",
        "alternance": "work_study",
        "temps": "working_time",
    }

    FACET_FIELDS = ("nature", "region", "departement", "metier", "temps", "contrat")
    CHIP_LABELS = {"alternance": "En alternance"}

    SUMMARY = SUMMARY
    ROWS_VERSION = LISTING_VERSION

    class Meta:
        model = Offer
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        self.summarised = queryset is None
        if queryset is None:
            queryset = Offer.objects.open()
        super().__init__(data, queryset, request=request, prefix=prefix)

    def facet_versions(self) -> tuple[str, ...]:
        return (LISTING_VERSION,)

    def count_facets(self) -> Facets:
        facets = super().count_facets()
        # Counted by trade id (in the covering index), shown by code.
        codes = _trade_codes()
        facets.counts["metier"] = {
            codes[pk]: n for pk, n in facets.counts["metier"].items() if pk in codes
        }
        return facets

    def summary_values(self, name: str, value) -> list[str]:
        if name == "metier":  # the summary keeps trades by id, as the counts
            return [pk for pk, code in _trade_codes().items() if code == value]
        return super().summary_values(name, value)

    def facet_options(self, counted: Facets) -> dict:
        options = super().facet_options(counted)
        options["alternance"] = counted.count("alternance", "1")
        return options

    def filter_metier(self, queryset, name, value: str):
        return queryset.filter(trade__code=value, trade__version=Trade.Version.V4)

    def trade_match(self, trade_ids):
        return Q(trade_id__in=trade_ids)

    def filter_alternance(self, queryset, name, value):
        # An unticked box means "all offers", not "offers without work-study".
        return queryset.filter(work_study=True) if value else queryset
