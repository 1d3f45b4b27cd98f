"""The one filter definition of the events listing: page, exports and API all use it."""

import datetime

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from events.facets import SUMMARY
from events.models import AVAILABILITY_VERSION, LISTING_VERSION, Event
from semaine.facets import Facets, counts_without
from semaine.filters import Chip, ListingFilterSet, trade_choices
from semaine.models import Trade
from semaine.search.matching import among_ids, id_list


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


class EventFilter(ListingFilterSet):
    """Facets of the events listing; the names are the public URL contract."""

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

    # With `lieu`: are online-only events (no distance) listed after the nearby ones? On unless
    # en_ligne=0; the form sends a hidden 0 before the checkbox's 1, and the last value counts.
    en_ligne = django_filters.ChoiceFilter(
        label="Inclure les événements en ligne",
        choices=[("1", "Oui"), ("0", "Non")],
        method="filter_near",
        empty_label=None,
    )

    CHIP_WITHIN = {**ListingFilterSet.CHIP_WITHIN, "en_ligne": "lieu"}
    CHIP_LABELS = {"places": "Avec des places", "passes": "Événements passés compris"}

    FACET_FIELDS = ("region", "departement", "type", "modalite", "metier", "secteur", "public")
    # Counted in one scan: filter name -> model column. Trades, many to many, are counted on
    # their own table (count_facets).
    FACETS = {
        "region": "region_id",
        "departement": "department_id",
        "type": "type",
        "modalite": "modalite",
        "public": "audience",
        "secteur": "sectors",
    }

    SUMMARY = SUMMARY
    ROWS_VERSION = LISTING_VERSION
    PERIOD_FILTERS = frozenset({"du", "au", "passes"})
    EVERY_PERIOD = {"passes": "1"}

    class Meta:
        model = Event
        fields = []
        form = EventFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, now=None):
        self.summarised = queryset is None
        if queryset is None:
            queryset = Event.objects.public()
        self.now = now or timezone.now()
        super().__init__(data, queryset, request=request, prefix=prefix)

    def facet_versions(self) -> tuple[str, ...]:
        # "With seats left" changes when an event becomes full or not: within its last seats,
        # which bump the availability version (migration 0009).
        if "places" in self.active_filters:
            return (LISTING_VERSION, AVAILABILITY_VERSION)
        return (LISTING_VERSION,)

    def count_facets(self) -> Facets:
        online = None if self.indexed else self.online_after_nearby()
        if online is not None:
            return self._nearby_and_online_counts(online)
        facets = super().count_facets()
        if "metier" not in facets.counts:  # the summary counts them; the rows' scan does not
            facets.counts["metier"] = counts_without(self, "metier", _trade_counts)
        # Each event has a string of sector letters ("JK"): counted per letter.
        facets.counts["secteur"] = _fold_sectors(facets.counts["secteur"])
        return facets

    # -- near me: the nearby events, then the online ones ---------------------------------------

    def online_after_nearby(self) -> dict[str, list[str]] | None:
        """The summary's selection (semaine.summary) of the online events a near-me listing
        shows after the nearby ones, or None when it has none or the summary does not keep it.
        Online events are found everywhere (some 14,000 of 75,000 at the bench): counted from
        the summary, and listed by date after the few nearby ones, rather than sorted by
        distance with them."""
        active = self.active_filters
        if self.place is None or not self.includes_online or not self.summarised:
            return None
        if "modalite" in active:
            return None
        others = {k: v for k, v in active.items() if k != "lieu" and k not in self.CHIP_WITHIN}
        others["modalite"] = [Event.Modalite.DISTANCIEL]
        return self.as_summarised(others)

    def nearby_only(self) -> "EventFilter":
        """This near-me listing without its online events (which have no coordinates: the
        event_online_has_no_coordinates constraint), as « en_ligne=0 » shows it."""
        data = self.data.copy()
        data["en_ligne"] = "0"
        return type(self)(data, now=self.now)

    def online_only(self) -> "EventFilter":
        """The online events this near-me listing adds after the nearby ones."""
        data = self.data.copy()
        for name in ("lieu", "rayon", "tri", "en_ligne"):
            data.pop(name, None)
        data.setlist("modalite", [Event.Modalite.DISTANCIEL])
        return type(self)(data, now=self.now)

    def _nearby_and_online_counts(self, online: dict[str, list[str]]) -> Facets:
        nearby = self.nearby_only().count_facets()
        total, counts = self.SUMMARY.counts(online, using=self.qs.db, now=self.now)
        counts["secteur"] = _fold_sectors(counts["secteur"])
        # Counted without the format, the summary would give every format: only the online.
        counts["modalite"] = {Event.Modalite.DISTANCIEL: total}
        merged = {name: dict(values) for name, values in nearby.counts.items()}
        for name, values in counts.items():
            into = merged.setdefault(name, {})
            for value, n in values.items():
                into[value] = into.get(value, 0) + n
        return Facets(total=nearby.total + total, counts=merged)

    def copy_kwargs(self) -> dict:
        # "Upcoming" means the same instant for every count of one page.
        return {"now": self.now}

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        cleaned = self.form.cleaned_data
        # Upcoming by default; explicit dates or the "past" toggle define the period instead.
        if not (cleaned.get("du") or cleaned.get("au") or cleaned.get("passes")):
            queryset = queryset.upcoming(self.now)
        return queryset

    def chips(self):
        chips = super().chips()
        if self.place is not None and not self.includes_online:
            chips.append(Chip("Sans les événements en ligne", "en_ligne"))
        return chips

    @property
    def includes_online(self) -> bool:
        return self.active_filters.get("en_ligne") != "0"

    def rows_without_place(self):
        # Online-only events have no distance: listed after the nearby ones unless en_ligne=0.
        return Q(modalite=Event.Modalite.DISTANCIEL) if self.includes_online else None

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

    def trade_match(self, trade_ids):
        # A list, not a subquery: a few thousand ids at most, read through the primary key.
        tagged = Event.trades.through.objects.filter(trade_id__in=trade_ids)
        return Q(among_ids(tagged.aggregate(ids=id_list("event_id", distinct=True))["ids"]))

    def filter_secteur(self, queryset, name, value):
        return queryset.filter(sectors__contains=value)

    def filter_places(self, queryset, name, value):
        return queryset.with_seats_left() if value else queryset

    def filter_passes(self, queryset, name, value):
        return queryset  # handled in filter_queryset: it widens the default period


def _trade_counts(queryset) -> dict[str, int]:
    through = Event.trades.through
    rows = (
        through.objects.filter(
            event_id__in=queryset.order_by().values("pk"), trade__version=Trade.Version.V4
        )
        .values_list("trade__code")
        .annotate(n=Count("event_id"))
        .order_by()
    )
    return dict(rows)


def _fold_sectors(counts: dict[str, int]) -> dict[str, int]:
    folded: dict[str, int] = {}
    for sectors, n in counts.items():
        for letter in sectors:
            folded[letter] = folded.get(letter, 0) + n
    return folded
