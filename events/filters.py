"""The one filter definition of the events listing: page, exports and API all use it."""

import datetime
import functools

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db.models import Exists, OuterRef
from django.utils import timezone

from events.models import Event
from semaine.models import Department, Region, Trade

MAX_QUERY_LENGTH = 200


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


def full_text(queryset, value, *, config="french_unaccent"):
    """French full-text search: stems, accents optional, web-search syntax ("…", -mot, or)."""
    value = " ".join(value.split())
    if not value:
        return queryset
    return queryset.filter(search_vector=SearchQuery(value, config=config, search_type="websearch"))


def day_start(value: datetime.date) -> datetime.datetime:
    # A day of the week is a day in France: the bounds follow the site's time zone.
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


class EventFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        du, au = cleaned.get("du"), cleaned.get("au")
        if du and au and du > au:
            # Which of the two is wrong cannot be known: both are ignored.
            self.add_error(
                "au", "La date de fin doit être après la date de début : les dates sont ignorées."
            )
            cleaned.pop("du", None)
        return cleaned


class EventFilter(django_filters.FilterSet):
    """Facets of the events listing; the names are the public URL contract."""

    q = django_filters.CharFilter(
        label="Mots-clés",
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        help_text="Métier, ville, employeur…",
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
    # No join behind these two: DISTINCT would only cost time.
    type = django_filters.MultipleChoiceFilter(
        label="Type d'événement", choices=Event.Type.choices, distinct=False
    )
    modalite = django_filters.MultipleChoiceFilter(
        label="Format", choices=Event.Modalite.choices, distinct=False
    )
    du = django_filters.DateFilter(
        label="À partir du", method="filter_du", widget=forms.DateInput(attrs={"type": "date"})
    )
    au = django_filters.DateFilter(
        label="Jusqu'au", method="filter_au", widget=forms.DateInput(attrs={"type": "date"})
    )
    metier = django_filters.ChoiceFilter(
        label="Métier", choices=trade_choices, method="filter_metier", empty_label="Tous"
    )
    secteur = django_filters.ChoiceFilter(
        label="Secteur", choices=Trade.Sector.choices, method="filter_secteur", empty_label="Tous"
    )
    public = django_filters.ChoiceFilter(
        label="Public", field_name="audience", choices=Event.Audience.choices, empty_label="Tous"
    )
    places = django_filters.BooleanFilter(
        label="Seulement les événements avec des places",
        method="filter_places",
        widget=forms.CheckboxInput,
    )
    passes = django_filters.BooleanFilter(
        label="Inclure les événements passés",
        method="filter_passes",
        widget=forms.CheckboxInput,
    )

    # Facets counted on the listing: filter name -> model column.
    FACETS = {
        "region": "region_id",
        "departement": "department_id",
        "type": "type",
        "modalite": "modalite",
        "public": "audience",
        "secteur": "sectors",
    }

    class Meta:
        model = Event
        fields = []
        form = EventFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, now=None):
        if queryset is None:
            queryset = Event.objects.visible()
        self.now = now or timezone.now()
        super().__init__(data, queryset, request=request, prefix=prefix)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        cleaned = self.form.cleaned_data
        # Upcoming by default; explicit dates or the "past" toggle define the period instead.
        if not (cleaned.get("du") or cleaned.get("au") or cleaned.get("passes")):
            queryset = queryset.upcoming(self.now)
        return queryset

    def filter_q(self, queryset, name, value):
        return full_text(queryset, value)

    def filter_du(self, queryset, name, value):
        return queryset.filter(end__gte=day_start(value))

    def filter_au(self, queryset, name, value):
        if value >= datetime.date.max:
            return queryset  # "until the end of time" is no bound at all
        return queryset.filter(start__lt=day_start(value + datetime.timedelta(days=1)))

    def filter_metier(self, queryset, name, value: str):
        through = Event.trades.through
        return queryset.filter(
            Exists(
                through.objects.filter(
                    event_id=OuterRef("pk"), trade__code=value, trade__version=Trade.Version.V4
                )
            )
        )

    def filter_secteur(self, queryset, name, value):
        return queryset.filter(sectors__contains=value)

    def filter_places(self, queryset, name, value):
        return queryset.with_seats_left() if value else queryset

    def filter_passes(self, queryset, name, value):
        return queryset  # handled in filter_queryset: it widens the default period

    @property
    def active_filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.errors  # noqa: B018 - runs validation
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", [], False)}
