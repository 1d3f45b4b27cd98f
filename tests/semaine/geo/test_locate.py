import pytest

from semaine.geo.locate import coordinates_doubt
from semaine.models import Commune

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("insee", "latitude", "longitude"),
    [
        ("69383", 45.7597, 4.8422),  # Lyon 3e
        ("2A004", 41.9270, 8.7369),  # Ajaccio
        ("97101", 16.2650, -61.5510),  # Les Abymes, Guadeloupe
        ("97209", 14.6161, -61.0588),  # Fort-de-France, Martinique
        ("97302", 4.9372, -52.3260),  # Cayenne, Guyane
        ("97411", -20.8790, 55.4481),  # Saint-Denis, La Réunion
        ("97611", -12.7806, 45.2279),  # Mamoudzou, Mayotte
    ],
)
def test_a_venue_in_its_commune_is_believed_overseas_too(insee, latitude, longitude):
    assert coordinates_doubt(latitude, longitude, Commune.objects.get(insee=insee)) == ""
    assert coordinates_doubt(latitude, longitude, None) == ""


@pytest.mark.parametrize(
    ("latitude", "longitude", "commune", "doubt"),
    [
        (36.547, 2.16, "75112", "ce point n'est pas en France"),  # Algeria
        (46.0, -8.0, None, "ce point n'est pas en France"),  # the Atlantic
        (4.8422, 45.7597, "69383", "ce point n'est pas en France"),  # swapped: off Somalia
        (91, 0, None, "ce ne sont pas des coordonnées"),
        (float("nan"), 2.0, "75112", "ce ne sont pas des coordonnées"),
        (45.7597, 4.8422, "75112", "ce point est à 388 km du centre de la commune"),
        (43.2965, 5.3698, "13055", ""),  # Marseille's Vieux-Port, 3 km from its centre
    ],
)
def test_coordinates_that_cannot_be_the_venue_s_say_why(latitude, longitude, commune, doubt):
    found = Commune.objects.get(insee=commune) if commune else None
    if doubt:
        assert coordinates_doubt(latitude, longitude, found).startswith(doubt)
    else:
        assert coordinates_doubt(latitude, longitude, found) == ""
