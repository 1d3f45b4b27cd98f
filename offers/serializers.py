"""The public representation of a job or training offer in the JSON API."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from offers.models import Offer
from semaine.api import CodeNameSerializer, TradeSerializer


class KilometresField(serializers.FloatField):
    def to_representation(self, value):
        return round(float(value), 1)


class OfferSerializer(serializers.Serializer):
    """Field names are a public contract, as for events (same names for the same things)."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField(help_text="Page de l'offre sur le site")
    nature = serializers.ChoiceField(choices=Offer.Nature.choices)
    nature_label = serializers.CharField(source="get_nature_display")
    title = serializers.CharField()
    description = serializers.CharField()
    metier = TradeSerializer(source="trade", allow_null=True)
    region = CodeNameSerializer(allow_null=True)
    departement = CodeNameSerializer(source="department", allow_null=True)
    city = serializers.CharField()
    postcode = serializers.CharField()
    latitude = serializers.FloatField(
        allow_null=True, help_text="Latitude du lieu de travail (WGS 84) ; null : non localisé"
    )
    longitude = serializers.FloatField(allow_null=True, help_text="Longitude (WGS 84)")
    # Absent unless the selection is around a place (`lieu`): DRF skips a field that is
    # neither required nor found on the row.
    distance_km = KilometresField(
        required=False,
        allow_null=True,
        help_text="Avec `lieu` seulement : distance en km du lieu de travail",
    )
    status = serializers.ChoiceField(choices=Offer.Status.choices)
    work_study = serializers.BooleanField(help_text="En alternance")
    published_at = serializers.DateTimeField()
    valid_through = serializers.DateField(allow_null=True)
    source = serializers.ChoiceField(choices=Offer.Source.choices)
    external_url = serializers.SerializerMethodField(help_text="L'offre chez sa source")
    # Job offers
    employer = serializers.CharField()
    contract_type = serializers.ChoiceField(choices=Offer.Contract.choices, allow_blank=True)
    contract_label = serializers.CharField(source="get_contract_type_display")
    working_time = serializers.ChoiceField(choices=Offer.WorkingTime.choices, allow_blank=True)
    salary = serializers.CharField()
    experience = serializers.CharField()
    positions = serializers.IntegerField()
    # Training offers
    diploma = serializers.ChoiceField(choices=Offer.Diploma.choices, allow_blank=True)
    diploma_label = serializers.CharField(source="get_diploma_display")
    organisation = serializers.CharField(help_text="Organisme de formation")
    duration = serializers.CharField()
    training_start = serializers.DateField(allow_null=True)
    funding = serializers.CharField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, offer: Offer) -> str:
        return settings.SITE_URL + offer.get_absolute_url()

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_external_url(self, offer: Offer) -> str | None:
        return offer.external_url or None
