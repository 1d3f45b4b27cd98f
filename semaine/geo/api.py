"""/api/v1/communes/: the communes that start with what is being typed (?q=), or the commune
nearest to the visitor's position (?lat=&lon=, the « Autour de moi » button).

The position is neither stored nor logged: the answer is not cached anywhere (no page cache,
`Cache-Control: no-store`) and the logs drop the query's `lat` and `lon` (semaine.logging.redact).
"""

import math

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from semaine.geo.places import MAX_PLACE_LENGTH, nearest_commune, suggest_communes
from semaine.models import Commune

# Names and postcodes are reference data: a day in the browser's and proxies' caches.
SUGGESTIONS_MAX_AGE = 86400


class CommuneSerializer(serializers.Serializer):
    insee = serializers.CharField(help_text="Code INSEE de la commune")
    name = serializers.CharField(help_text="Nom de la commune")
    label = serializers.CharField(help_text="Nom et département, ex. « Saint-Denis (93) »")
    department = serializers.CharField(source="department_id", help_text="Code du département")
    department_name = serializers.CharField(source="department.name")
    postcodes = serializers.ListField(child=serializers.CharField(), help_text="Codes postaux")
    detail = serializers.SerializerMethodField(help_text="Département et codes postaux, lisibles")
    latitude = serializers.FloatField(help_text="Latitude du centre de la commune (WGS 84)")
    longitude = serializers.FloatField(help_text="Longitude du centre de la commune (WGS 84)")

    def get_detail(self, commune: Commune) -> str:
        codes = commune.postcodes
        postcodes = ", ".join(codes) if len(codes) <= 3 else f"{codes[0]} à {codes[-1]}"
        return f"{commune.department.name} · {postcodes}"


def _coordinate(value: str, low: float, high: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and low <= number <= high else None


class CommuneView(APIView):
    @extend_schema(
        summary="Communes",
        description=(
            "Les communes dont le nom commence par `q` (accents, traits d'union et « St » pour "
            "« Saint » indifférents), dont un code postal commence par `q` (2 à 5 chiffres) ou "
            "dont `q` est le code INSEE : les plus peuplées d'abord, 10 au plus. Avec `lat` et "
            "`lon` (degrés décimaux) : la commune la plus proche de ce point, si une commune "
            "est à moins de 30 km ; la position n'est ni conservée ni journalisée."
        ),
        parameters=[
            OpenApiParameter(
                "q", str, description="Début d'un nom ou d'un code postal, ou code INSEE"
            ),
            OpenApiParameter("lat", float, description="Latitude (-90 à 90)"),
            OpenApiParameter("lon", float, description="Longitude (-180 à 180)"),
        ],
        responses={
            200: inline_serializer(
                "Communes",
                {
                    "results": CommuneSerializer(many=True),
                    "detail": serializers.CharField(
                        required=False, help_text="Avec lat et lon : aucune commune proche"
                    ),
                },
            ),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Paramètre invalide."),
            429: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Trop de requêtes : réessayer après `Retry-After`.",
            ),
        },
    )
    def get(self, request):
        params = request.query_params
        if "lat" in params or "lon" in params:
            return self.nearest(params.get("lat", ""), params.get("lon", ""))
        text = params.get("q", "")
        if len(text) > MAX_PLACE_LENGTH:
            return Response({"q": [f"{MAX_PLACE_LENGTH} caractères au plus."]}, status=400)
        communes = suggest_communes(text)
        response = Response({"results": CommuneSerializer(communes, many=True).data})
        response["Cache-Control"] = f"public, max-age={SUGGESTIONS_MAX_AGE}"
        return response

    def nearest(self, lat: str, lon: str) -> Response:
        latitude = _coordinate(lat, -90, 90)
        longitude = _coordinate(lon, -180, 180)
        errors = {}
        if latitude is None:
            errors["lat"] = ["Latitude invalide : un nombre entre -90 et 90."]
        if longitude is None:
            errors["lon"] = ["Longitude invalide : un nombre entre -180 et 180."]
        if errors:
            response = Response(errors, status=400)
        else:
            commune = nearest_commune(latitude, longitude)
            body = {"results": CommuneSerializer([commune] if commune else [], many=True).data}
            if commune is None:
                body["detail"] = "Aucune commune française à moins de 30 km de cette position."
            response = Response(body)
        response["Cache-Control"] = "no-store"
        return response
