import math

import pytest

from semaine.geo.distance import bounding_box, distance_km, is_valid_point, within_radius
from semaine.models import Commune

LYON = (45.76993, 4.82922)
VILLEURBANNE = (45.77077, 4.88846)
PARIS = (48.86263, 2.33629)


def test_distances_match_known_ones():
    assert distance_km(*LYON, *VILLEURBANNE) == pytest.approx(5, abs=0.6)
    assert distance_km(*LYON, *PARIS) == pytest.approx(392, abs=2)
    assert distance_km(*LYON, *LYON) == 0


@pytest.mark.parametrize("latitude", [-60, 0, 45.8, 70])
@pytest.mark.parametrize("radius", [5, 50, 100])
def test_the_bounding_box_holds_the_whole_circle(latitude, radius):
    box = bounding_box(latitude, 4.8, radius)
    # Points on the circle in every direction fall inside the box.
    for bearing in range(0, 360, 15):
        b = math.radians(bearing)
        lat1, lon1 = math.radians(latitude), math.radians(4.8)
        d = radius / 6371.0088
        lat2 = math.asin(math.sin(lat1) * math.cos(d) + math.cos(lat1) * math.sin(d) * math.cos(b))
        lon2 = lon1 + math.atan2(
            math.sin(b) * math.sin(d) * math.cos(lat1),
            math.cos(d) - math.sin(lat1) * math.sin(lat2),
        )
        assert box.min_latitude - 1e-9 <= math.degrees(lat2) <= box.max_latitude + 1e-9
        assert box.min_longitude - 1e-9 <= math.degrees(lon2) <= box.max_longitude + 1e-9


@pytest.mark.parametrize(
    "latitude,longitude",
    [(1e308, 0), (float("nan"), 0), (91, 0), (0, 181), ("abc", 0), (None, None)],
)
def test_impossible_points_are_not_valid(latitude, longitude):
    assert not is_valid_point(latitude, longitude)


@pytest.mark.django_db
def test_the_sql_distance_agrees_with_python_and_keeps_the_radius():
    near_lyon = within_radius(Commune.objects.all(), *LYON, 6).order_by(
        "distance_km", "-population"
    )
    names = [c.name for c in near_lyon]
    assert names[0] == "Lyon"
    assert "Villeurbanne" in names
    villeurbanne = near_lyon.get(insee="69266")
    assert villeurbanne.distance_km == pytest.approx(distance_km(*LYON, *VILLEURBANNE), abs=1e-6)
    assert all(c.distance_km <= 6 for c in near_lyon)
    assert not within_radius(Commune.objects.all(), *LYON, 4).filter(insee="69266").exists()
