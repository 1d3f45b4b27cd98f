"""Events of the week."""

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from events.models import rules
from events.models.organiser import Organiser
from events.models.querysets import EventQuerySet
from events.models.rules import MAX_DURATION
from semaine.geo.distance import is_valid_point
from semaine.geo.locate import LocationSource, locate_row
from semaine.geo.postcodes import check_postcode
from semaine.models import Department, Edition, Region, Trade

# Rows of semaine_data_version this app's triggers bump, under which the page and facet caches
# keep what they computed (semaine.pagecache): any change a listing shows (migration 0007), the
# seat counters (0007), and what the listings' cards say of the seats (0009: Event.FEW_SEATS).
LISTING_VERSION = "events"
SEATS_VERSION = "seats"
AVAILABILITY_VERSION = "availability"

# Written only by events.services.registration, under the event's row lock (Event.save).
SEAT_COUNTERS = ("confirmed_onsite", "confirmed_online")
# Where an event on site takes place; an online-only event has none of them.
VENUE_FIELDS = ("venue_name", "address", "postcode", "city")


class LocalDateTime(datetime.datetime):
    """A time on an event's own clock (Event.local_start), which templates show as it is.

    Django's templates convert every aware datetime to the current time zone (Paris) before
    a date or time filter formats it, unless it says `convert_to_local_time = False`, the
    flag Django's own `timezone` filter sets: without it, an event in La Réunion at 9h30 was
    shown at 7h30, labelled « heure locale ».
    """

    convert_to_local_time = False

    @classmethod
    def of(cls, value: datetime.datetime, zone: zoneinfo.ZoneInfo) -> "LocalDateTime":
        local = timezone.localtime(value, zone)
        return cls.combine(local.date(), local.timetz())


class Event(models.Model):
    class Type(models.TextChoices):
        REUNION_INFORMATION = "reunion_information", "Réunion d'information"
        FORUM = "forum", "Forum"
        CONFERENCE = "conference", "Conférence"
        ATELIER = "atelier", "Atelier"
        SALON_EN_LIGNE = "salon_en_ligne", "Salon en ligne"
        JOB_DATING = "job_dating", "Job dating"
        VISITE_ENTREPRISE = "visite_entreprise", "Visite d'entreprise"
        PORTES_OUVERTES = "portes_ouvertes", "Portes ouvertes"

    class Modalite(models.TextChoices):
        PRESENTIEL = "presentiel", "Sur place"
        DISTANCIEL = "distanciel", "En ligne"
        HYBRIDE = "hybride", "Sur place et en ligne"

    # The modes with seats on site, and those with seats online.
    ONSITE_MODES = (Modalite.PRESENTIEL, Modalite.HYBRIDE)
    ONLINE_MODES = (Modalite.DISTANCIEL, Modalite.HYBRIDE)
    # A mode without a seat limit: such an event always has a seat left.
    NO_SEAT_LIMIT = Q(capacity_onsite__isnull=True, modalite__in=ONSITE_MODES) | Q(
        capacity_online__isnull=True, modalite__in=ONLINE_MODES
    )

    class Audience(models.TextChoices):
        TOUS = "tous", "Tous publics"
        JEUNES = "jeunes", "Jeunes"
        RECONVERSION = "reconversion", "Personnes en reconversion"

    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        PUBLISHED = "published", "Publié"
        CANCELLED = "cancelled", "Annulé"

    # What a visitor may see (see EventQuerySet.public): a cancelled event is shown as such.
    PUBLIC_STATUSES = (Status.PUBLISHED, Status.CANCELLED)

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField(max_length=200, blank=True)
    description = models.TextField("description", blank=True)
    type = models.CharField("type", max_length=30, choices=Type.choices)
    modalite = models.CharField(
        "modalité", max_length=20, choices=Modalite.choices, default=Modalite.PRESENTIEL
    )
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    venue_name = models.CharField("lieu", max_length=200, blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name="département",
    )
    # Copied from the department on save, so that region filters and facets need no join.
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name="région",
        editable=False,
    )
    # The venue's coordinates (WGS 84): precise ones given by staff or the import, else the
    # centre of the commune of postcode and city (save()); none for an online event or an
    # address that matches no commune (location_source says which).
    latitude = models.FloatField(
        "latitude",
        null=True,
        blank=True,
        help_text="Facultatif : vide, le centre de la commune (code postal et ville) est utilisé.",
    )
    longitude = models.FloatField("longitude", null=True, blank=True)
    location_source = models.CharField(
        "localisation",
        max_length=12,
        choices=LocationSource.choices,
        blank=True,
        default=LocationSource.NONE,
        editable=False,
    )
    online_url = models.URLField("lien de connexion", max_length=500, blank=True)
    organiser = models.ForeignKey(
        Organiser, on_delete=models.PROTECT, related_name="events", verbose_name="organisateur"
    )
    trades = models.ManyToManyField(
        Trade, blank=True, related_name="events", verbose_name="métiers"
    )
    # ROME sectors (J, K) of the trades, kept in step with `trades` for one-column filtering.
    sectors = models.CharField("secteurs", max_length=4, blank=True, editable=False)
    audience = models.CharField(
        "public", max_length=20, choices=Audience.choices, default=Audience.TOUS
    )
    capacity_onsite = models.PositiveIntegerField(
        "places sur place", null=True, blank=True, help_text="Vide : pas de limite."
    )
    capacity_online = models.PositiveIntegerField(
        "places en ligne", null=True, blank=True, help_text="Vide : pas de limite."
    )
    # Seats taken: confirmed registrations, and pending ones holding a seat until their address
    # is confirmed (at most REGISTRATION_CONFIRM_MINUTES), so that what is shown as left is free.
    # Maintained under the event's row lock by the registration services only.
    confirmed_onsite = models.PositiveIntegerField("inscrits sur place", default=0, editable=False)
    confirmed_online = models.PositiveIntegerField("inscrits en ligne", default=0, editable=False)
    registration_required = models.BooleanField("inscription obligatoire", default=True)
    wheelchair_accessible = models.BooleanField("accessible en fauteuil roulant", default=False)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.DRAFT)
    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="events", verbose_name="édition"
    )
    external_source = models.CharField("source externe", max_length=30, blank=True)
    external_id = models.CharField("référence externe", max_length=100, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    # When the event was first published, set by the database (migration 0023's trigger) on
    # every path that publishes (the admin's action, an import, COPY): the « Prévenez-moi »
    # digests announce what was published since the last one. Never reset: unpublished then
    # published again, an event is not new.
    published_at = models.DateTimeField("publié le", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="créé par",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="modifié par",
        editable=False,
    )
    # Maintained by a database trigger (see migration 0002): title, organiser, city, description.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement"
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="event_end_after_start",
                violation_error_message=rules.END_AFTER_START,
            ),
            models.CheckConstraint(
                condition=Q(end__lte=F("start") + MAX_DURATION),
                name="event_lasts_at_most_31_days",
                violation_error_message=rules.AT_MOST_MAX_DURATION,
            ),
            models.CheckConstraint(
                condition=Q(modalite="presentiel") | ~Q(online_url=""),
                name="event_online_has_link",
                violation_error_message=rules.ONLINE_HAS_LINK,
            ),
            models.CheckConstraint(
                condition=Q(modalite="distanciel") | (~Q(address="") & Q(department__isnull=False)),
                name="event_onsite_has_address",
                violation_error_message=rules.ONSITE_HAS_ADDRESS_AND_DEPARTMENT,
            ),
            models.CheckConstraint(
                condition=~Q(modalite="distanciel")
                | Q(venue_name="", address="", postcode="", city=""),
                name="event_online_has_no_venue",
                violation_error_message=rules.ONLINE_HAS_NO_VENUE,
            ),
            # Event.locate() gives an online event none: a near-me listing counts the nearby
            # events and the online ones apart (EventFilter.online_after_nearby).
            models.CheckConstraint(
                condition=~Q(modalite="distanciel") | Q(latitude=None, longitude=None),
                name="event_online_has_no_coordinates",
            ),
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~Q(external_id=""),
                name="event_external_ref_unique",
            ),
        ]
        indexes = [
            # The events published since the last « Prévenez-moi » digest: a day's worth.
            models.Index(
                fields=["published_at"],
                name="event_published_at",
                condition=Q(published_at__isnull=False),
            ),
            # The listing's order: lets LIMIT/OFFSET walk the index instead of sorting. The
            # facet columns it includes let the counts of "upcoming" events (start >= now - 31
            # days) read this small index alone, not the wide rows.
            models.Index(
                fields=["start", "id"],
                include=[
                    "end",
                    "status",
                    "region",
                    "department",
                    "type",
                    "modalite",
                    "audience",
                    "sectors",
                ],
                name="event_start_id_facets",
            ),
            models.Index(fields=["status", "start"], name="event_status_start"),
            models.Index(fields=["status", "end"], name="event_status_end"),
            models.Index(fields=["region", "start"], name="event_region_start"),
            models.Index(fields=["department", "start"], name="event_department_start"),
            models.Index(fields=["type", "start"], name="event_type_start"),
            models.Index(fields=["modalite", "start"], name="event_modalite_start"),
            models.Index(fields=["audience"], name="event_audience"),
            models.Index(fields=["edition", "start"], name="event_edition_start"),
            models.Index(fields=["organiser", "start"], name="event_organiser_start"),
            # Near-me search: a bounding box on latitude then longitude (semaine.geo.distance).
            models.Index(
                fields=["latitude", "longitude"],
                include=["start", "end", "status"],
                condition=Q(latitude__isnull=False),
                name="event_lat_lon",
            ),
            GinIndex(fields=["search_vector"], name="event_search_vector"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"pk": self.pk, "slug": self.slug or "evenement"})

    # -- derived facts -------------------------------------------------------------------

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        if self.department_id and self.department:
            return self.department.tzinfo
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    @property
    def local_start(self) -> datetime.datetime:
        return LocalDateTime.of(self.start, self.tzinfo)

    @property
    def local_end(self) -> datetime.datetime:
        return LocalDateTime.of(self.end, self.tzinfo)

    @property
    def has_own_time_zone(self) -> bool:
        return self.tzinfo.key != settings.TIME_ZONE

    @property
    def is_onsite(self) -> bool:
        return self.modalite in self.ONSITE_MODES

    @property
    def is_online(self) -> bool:
        return self.modalite in self.ONLINE_MODES

    @property
    def public_online_url(self) -> str:
        """The connection link anyone may see: none when registration is required, since the
        link would let anyone in without a seat (confirmed registrants get it by e-mail)."""
        return "" if self.registration_required else self.online_url

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    def seats_left_for(self, mode: str) -> int | None:
        """Seats left for `mode` ("presentiel"/"distanciel"); None means no limit."""
        if mode == self.Modalite.PRESENTIEL:
            capacity, taken = self.capacity_onsite, self.confirmed_onsite
        else:
            capacity, taken = self.capacity_online, self.confirmed_online
        if capacity is None:
            return None
        return max(capacity - taken, 0)

    @property
    def seats_left_onsite(self) -> int | None:
        return self.seats_left_for(self.Modalite.PRESENTIEL) if self.is_onsite else 0

    @property
    def seats_left_online(self) -> int | None:
        return self.seats_left_for(self.Modalite.DISTANCIEL) if self.is_online else 0

    # The listings' cards give the exact number of seats left only for the last ones: a
    # registration far from the end then changes no listing page (their cache is keyed on the
    # "availability" version, bumped by migration 0009's trigger within these last seats), so a
    # rush of registrations does not empty it. The event's own page gives the exact number.
    FEW_SEATS = 10

    @property
    def few_seats_left(self) -> int | None:
        """Seats left when they are few (FEW_SEATS or less; 0 when full), else None."""
        left = self.seats_left
        return left if left is not None and left <= self.FEW_SEATS else None

    @property
    def seats_left(self) -> int | None:
        """Seats left in the event's main mode (on site when it has one); None: no limit."""
        if self.modalite == self.Modalite.DISTANCIEL:
            return self.seats_left_online
        if self.modalite == self.Modalite.PRESENTIEL:
            return self.seats_left_onsite
        onsite, online = self.seats_left_onsite, self.seats_left_online
        if onsite is None or online is None:
            return None
        return onsite + online

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0

    @property
    def total_capacity(self) -> int | None:
        caps = []
        if self.is_onsite:
            caps.append(self.capacity_onsite)
        if self.is_online:
            caps.append(self.capacity_online)
        return None if None in caps else sum(caps)

    @property
    def confirmed_total(self) -> int:
        return self.confirmed_onsite + self.confirmed_online

    @property
    def registration_open(self) -> bool:
        return self.is_published and self.registration_required and self.start > timezone.now()

    def registration_closed_reason(self) -> str:
        if self.is_cancelled:
            return "Cet événement est annulé : les inscriptions sont fermées."
        if not self.is_published:
            return "Cet événement n'est pas publié."
        if self.start <= timezone.now():
            return "Cet événement a déjà commencé ou est terminé : les inscriptions sont closes."
        if not self.registration_required:
            return "Cet événement est en accès libre, sans inscription."
        return ""

    def cancellation_closed_reason(self) -> str:
        """Why a registration to this event can no longer be cancelled; "" while it can."""
        if self.start <= timezone.now():
            return (
                "Cet événement a déjà commencé ou est terminé : l'inscription ne peut plus être "
                "annulée."
            )
        return ""

    # -- validation ----------------------------------------------------------------------

    def clean(self):
        # The check constraints of Meta, said next to the field at fault, in their words.
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = rules.END_AFTER_START
        elif self.start and self.end and self.end - self.start > MAX_DURATION:
            errors["end"] = rules.AT_MOST_MAX_DURATION
        if self.is_online and not self.online_url:
            errors["online_url"] = rules.ONLINE_HAS_LINK
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = (
                "Saisissez la latitude et la longitude, ou aucune des deux."
            )
        elif self.latitude is not None and not is_valid_point(self.latitude, self.longitude):
            errors["latitude"] = (
                "Coordonnées impossibles : latitude entre -90 et 90, longitude entre -180 et 180 "
                "(en degrés décimaux, ex. 45.764 et 4.8357)."
            )
        if self.is_onsite:
            if not self.address:
                errors["address"] = rules.ONSITE_HAS_ADDRESS
            self.clean_place(errors)
            if not self.department_id:
                errors.setdefault("department", rules.ONSITE_HAS_DEPARTMENT)
        elif self.modalite == self.Modalite.DISTANCIEL:
            # Said once, next to the first field to empty: the message names them all.
            filled = [name for name in VENUE_FIELDS if getattr(self, name)]
            if filled:
                errors[filled[0]] = rules.ONLINE_HAS_NO_VENUE
        if self.pk:
            if self.capacity_onsite is not None and self.capacity_onsite < self.confirmed_onsite:
                errors["capacity_onsite"] = (
                    f"Impossible : {self.confirmed_onsite} inscriptions sur place sont déjà "
                    "confirmées."
                )
            if self.capacity_online is not None and self.capacity_online < self.confirmed_online:
                errors["capacity_online"] = (
                    f"Impossible : {self.confirmed_online} inscriptions en ligne sont déjà "
                    "confirmées."
                )
        if errors:
            raise ValidationError(errors)

    def clean_place(self, errors: dict) -> None:
        """The venue's department is its postcode's (semaine.geo.postcodes): taken from it when
        left empty; a postcode no commune has, or of another department, is an error."""
        check = check_postcode(self.postcode, city=self.city, department=self.department_id)
        if check.error:
            errors[check.field] = check.error
        elif not self.department_id and check.department:
            self.department_id = check.department

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:200] or "evenement"
        if self.department_id:
            self.region_id = Department.objects.values_list("region_id", flat=True).get(
                pk=self.department_id
            )
        else:
            self.region_id = None
        self.locate()
        updating = self.pk is not None and not self._state.adding and not kwargs.get("force_insert")
        if updating and kwargs.get("update_fields") is None:
            # An admin edit or an import re-saves a row read before: writing its seat counters
            # back would erase the registrations that landed in between, and its publication
            # time (set by the database) back would make it new again.
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in SEAT_COUNTERS and f.name != "published_at"
            ]
        super().save(*args, **kwargs)
        if updating:
            self.refresh_from_db(fields=SEAT_COUNTERS)

    def locate(self) -> None:
        """Give the venue its coordinates (semaine.geo.locate.locate_row); an online event has
        none. An address matching no commune is flagged « Adresse non localisée » in the admin."""
        locate_row(self, has_place=self.is_onsite)

    @property
    def is_located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def refresh_sectors(self):
        """Store the ROME sectors of the event's trades (call after changing trades)."""
        sectors = "".join(sorted(set(self.trades.values_list("sector", flat=True))))
        if sectors != self.sectors:
            Event.objects.filter(pk=self.pk).update(sectors=sectors)
            self.sectors = sectors
