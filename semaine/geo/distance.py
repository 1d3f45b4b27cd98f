"""Great-circle distances, in Python and in SQL, and the bounding box that lets an index find
the rows near a point before the exact distance is computed.

Plain latitude/longitude columns and SQL arithmetic: PostGIS is not in the embedded server and
`earthdistance` is not a trusted extension on managed PostgreSQL; this works on any PostgreSQL.
"""

import math
from dataclasses import dataclass

from django.db.models import F, FloatField, Func, Q, QuerySet, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

# The mean Earth radius (IUGG): the haversine formula's error against the ellipsoid stays
# within 0.5 %, far below what « à 12 km » shows.
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_OF_LATITUDE = math.pi * EARTH_RADIUS_KM / 180


def is_valid_point(latitude, longitude) -> bool:
    """Finite coordinates on the globe (an API parameter like lat=1e308 is not one)."""
    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return False
    return (
        math.isfinite(latitude)
        and math.isfinite(longitude)
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance between two points, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class BoundingBox:
    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float

    def q(self, latitude_field: str = "latitude", longitude_field: str = "longitude") -> Q:
        """The rows inside the box: a range on two indexed columns."""
        return Q(
            **{
                f"{latitude_field}__gte": self.min_latitude,
                f"{latitude_field}__lte": self.max_latitude,
                f"{longitude_field}__gte": self.min_longitude,
                f"{longitude_field}__lte": self.max_longitude,
            }
        )


def bounding_box(latitude: float, longitude: float, radius_km: float) -> BoundingBox:
    """The smallest latitude/longitude box holding every point within `radius_km`.

    A degree of longitude shrinks with the cosine of the latitude; the box uses the cosine at
    its edge nearest the pole, where the degree is shortest, so it never cuts the circle.
    """
    dlat = radius_km / KM_PER_DEGREE_OF_LATITUDE
    polar_edge = min(90.0, abs(latitude) + dlat)
    cos_edge = math.cos(math.radians(polar_edge))
    if cos_edge < 1e-6 or radius_km / (KM_PER_DEGREE_OF_LATITUDE * cos_edge) >= 180:
        dlon = 180.0
    else:
        dlon = radius_km / (KM_PER_DEGREE_OF_LATITUDE * cos_edge)
    return BoundingBox(
        min_latitude=max(-90.0, latitude - dlat),
        max_latitude=min(90.0, latitude + dlat),
        min_longitude=max(-180.0, longitude - dlon),
        max_longitude=min(180.0, longitude + dlon),
    )


def distance_expression(
    latitude: float,
    longitude: float,
    latitude_field: str = "latitude",
    longitude_field: str = "longitude",
) -> Func:
    """The haversine distance in SQL from the point to each row, in kilometres (NULL for a row
    without coordinates)."""
    lat = Radians(F(latitude_field))
    dlat = Radians(F(latitude_field) - Value(latitude))
    dlon = Radians(F(longitude_field) - Value(longitude))
    h = Power(Sin(dlat / 2), 2) + Value(math.cos(math.radians(latitude))) * Cos(lat) * Power(
        Sin(dlon / 2), 2
    )
    # Least(1, …): rounding can push h a hair above 1, outside asin's domain.
    return Value(2 * EARTH_RADIUS_KM) * ASin(Least(Value(1.0), Sqrt(h)), output_field=FloatField())


def within_radius(
    queryset: QuerySet,
    latitude: float,
    longitude: float,
    radius_km: float,
    *,
    annotation: str = "distance_km",
    latitude_field: str = "latitude",
    longitude_field: str = "longitude",
) -> QuerySet:
    """The rows within `radius_km` of the point, annotated with their distance: the bounding
    box first (an index range), then the exact distance on the rows it kept."""
    box = bounding_box(latitude, longitude, radius_km)
    return (
        queryset.filter(box.q(latitude_field, longitude_field))
        .annotate(
            **{
                annotation: distance_expression(
                    latitude, longitude, latitude_field, longitude_field
                )
            }
        )
        .filter(**{f"{annotation}__lte": radius_km})
    )
