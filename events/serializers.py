"""The public representation of an event: the JSON API and the JSON export share it."""

import datetime
import functools

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.urls import reverse
from rest_framework import serializers

from events.models import Event, Organiser
from semaine.api import CodeNameSerializer, TradeSerializer
from semaine.models import Trade

# Labels by value: model.get_FOO_display() costs more than the rest of a row in exports.
TYPE_LABELS = dict(Event.Type.choices)
MODALITE_LABELS = dict(Event.Modalite.choices)
AUDIENCE_LABELS = dict(Event.Audience.choices)
STATUS_LABELS = dict(Event.Status.choices)


def with_trades(queryset):
    """Events with the ids of their trades as an array, read in the same query.

    A correlated subquery on the (event, trade) index keeps rows streaming from a server-side
    cursor: no GROUP BY over the whole selection, no second query per row. The ids become
    codes and labels through trade_index(), one small query per export or API page.
    """
    through = Event.trades.through.objects.filter(event_id=OuterRef("pk")).order_by("trade_id")
    return queryset.annotate(trade_ids=ArraySubquery(through.values("trade_id")))


def trade_index() -> dict[int, dict]:
    return {
        pk: {"code": code, "label": label}
        for pk, code, label in Trade.objects.values_list("pk", "code", "label")
    }


def event_trades(event: Event, trades: dict[int, dict] | None = None) -> list[dict]:
    ids = getattr(event, "trade_ids", None)
    if ids is None or trades is None:  # not annotated by with_trades(): read them (one query)
        items = [{"code": t.code, "label": t.label} for t in event.trades.all()]
    else:
        items = [trades[pk] for pk in ids if pk in trades]
    return sorted(items, key=lambda t: t["code"])


@functools.cache
def _detail_path_template() -> str:
    # Read once per process: the site is served from one script prefix.
    path = reverse("events:detail", kwargs={"pk": 987654321, "slug": "slug-sentinelle"})
    return path.replace("987654321", "{pk}").replace("slug-sentinelle", "{slug}")


def event_path(event: Event) -> str:
    """get_absolute_url() without a reverse() per row (exports write hundreds of thousands)."""
    return _detail_path_template().format(pk=event.pk, slug=event.slug or "evenement")


def event_url(event: Event) -> str:
    """Absolute URL of the event's page."""
    return settings.SITE_URL + event_path(event)


@functools.cache
def _register_path_template() -> str:
    return reverse("events:register", kwargs={"pk": 987654321}).replace("987654321", "{pk}")


def registration_url(event: Event) -> str | None:
    """The registration form (it says why when registration has closed meanwhile)."""
    if not event.registration_required or event.is_cancelled:
        return None
    return settings.SITE_URL + _register_path_template().format(pk=event.pk)


def _utc(value: datetime.datetime | None) -> str | None:
    return value.astimezone(datetime.UTC).isoformat() if value else None


def _km(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def event_representation(event: Event, trades: dict[int, dict] | None = None) -> dict:
    """One event as the API shows it: field names and values are a public contract.

    Written as a plain function because exports call it for hundreds of thousands of rows;
    EventSerializer declares the same fields for the OpenAPI schema (a test keeps them equal).
    """
    region, department, organiser = event.region, event.department, event.organiser
    data = {
        "id": event.pk,
        "url": event_url(event),
        "title": event.title,
        "description": event.description,
        "type": event.type,
        "type_label": TYPE_LABELS.get(event.type, event.type),
        "modalite": event.modalite,
        "modalite_label": MODALITE_LABELS.get(event.modalite, event.modalite),
        "start": event.local_start.isoformat(),
        "end": event.local_end.isoformat(),
        "timezone": event.tzinfo.key,
        "region": {"code": region.code, "name": region.name} if region else None,
        "departement": {"code": department.code, "name": department.name} if department else None,
        "venue_name": event.venue_name,
        "address": event.address,
        "postcode": event.postcode,
        "city": event.city,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "online_url": event.public_online_url or None,
        "organiser": {"name": organiser.name, "kind": organiser.kind},
        "metiers": event_trades(event, trades),
        "public": event.audience,
        "wheelchair_accessible": event.wheelchair_accessible,
        "registration_required": event.registration_required,
        "capacity": event.total_capacity,
        "seats_left": event.seats_left,
        "status": event.status,
        "registration_url": registration_url(event),
        "updated_at": _utc(event.updated_at),
    }
    if hasattr(event, "distance_km"):  # a selection around a place (`lieu`)
        data["distance_km"] = _km(event.distance_km)
    if event.modalite == Event.Modalite.HYBRIDE:
        data["seats_left_presentiel"] = event.seats_left_onsite
        data["seats_left_distanciel"] = event.seats_left_online
    return data


class OrganiserSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Organiser.Kind.choices)


class EventSerializer(serializers.Serializer):
    """Schema of event_representation(); the output itself comes from that function."""

    id = serializers.IntegerField()
    url = serializers.URLField(help_text="Page de l'événement sur le site")
    title = serializers.CharField()
    description = serializers.CharField()
    type = serializers.ChoiceField(choices=Event.Type.choices)
    type_label = serializers.CharField()
    modalite = serializers.ChoiceField(choices=Event.Modalite.choices)
    modalite_label = serializers.CharField()
    start = serializers.DateTimeField(
        help_text="Heure locale de l'événement, avec son décalage UTC"
    )
    end = serializers.DateTimeField(help_text="Heure locale de l'événement, avec son décalage UTC")
    timezone = serializers.CharField(help_text="Fuseau IANA, par exemple Indian/Reunion")
    region = CodeNameSerializer(allow_null=True)
    departement = CodeNameSerializer(allow_null=True)
    venue_name = serializers.CharField()
    address = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    latitude = serializers.FloatField(
        allow_null=True, help_text="Latitude du lieu (WGS 84) ; null : en ligne ou non localisé"
    )
    longitude = serializers.FloatField(allow_null=True, help_text="Longitude du lieu (WGS 84)")
    distance_km = serializers.FloatField(
        allow_null=True,
        required=False,
        help_text="Avec `lieu` seulement : distance en km (null : événement en ligne)",
    )
    online_url = serializers.URLField(
        allow_null=True,
        help_text="Lien de connexion ; null quand l'inscription est obligatoire : il n'est alors "
        "envoyé qu'aux inscrits confirmés",
    )
    organiser = OrganiserSerializer()
    metiers = TradeSerializer(many=True)
    public = serializers.ChoiceField(choices=Event.Audience.choices)
    wheelchair_accessible = serializers.BooleanField()
    registration_required = serializers.BooleanField()
    capacity = serializers.IntegerField(allow_null=True, help_text="null : pas de limite")
    seats_left = serializers.IntegerField(
        allow_null=True,
        help_text=(
            "Places restantes : sur place pour un événement sur place, en ligne pour un "
            "événement en ligne, les deux additionnées pour un hybride ; null : pas de limite"
        ),
    )
    seats_left_presentiel = serializers.IntegerField(
        allow_null=True, required=False, help_text="Événements hybrides seulement"
    )
    seats_left_distanciel = serializers.IntegerField(
        allow_null=True, required=False, help_text="Événements hybrides seulement"
    )
    status = serializers.ChoiceField(
        choices=[(status.value, status.label) for status in Event.PUBLIC_STATUSES]
    )
    registration_url = serializers.URLField(allow_null=True)
    updated_at = serializers.DateTimeField()

    def to_representation(self, instance):
        return event_representation(instance, self.context.get("trades"))
