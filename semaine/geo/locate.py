"""Where an event's venue or an offer's workplace is: precise coordinates when staff or the
source gave them, otherwise the centre of its commune, found from its postcode and city (or
its INSEE code); an address that matches no commune is left without coordinates and flagged,
never placed at some other commune."""

from dataclasses import dataclass

from django.db import models

from semaine.geo.distance import distance_km, is_valid_point
from semaine.geo.places import nearest_commune
from semaine.geo.text import normalise
from semaine.models import Commune, department_code_from_postcode

# How far a venue may lie from the centre of the commune of its address. The widest communes
# of metropolitan France (Arles: 759 km²) reach about 25 km from their centre; further away,
# the coordinates are another place's (a mistyped or swapped figure, a head office, a
# placeholder), and the commune's centre is nearer the truth.
MAX_KM_FROM_COMMUNE = 30


class LocationSource(models.TextChoices):
    """Where an event's or an offer's coordinates come from (shown in the admin)."""

    PRECISE = "precise", "Coordonnées précises"
    COMMUNE = "commune", "Centre de la commune"
    NOT_FOUND = "introuvable", "Adresse non localisée"
    NONE = "", "Sans lieu (en ligne)"


@dataclass(frozen=True)
class Location:
    latitude: float | None
    longitude: float | None
    source: str
    commune: Commune | None = None


def _city_words(city: str) -> str:
    # « Lyon Cedex 03 », « LYON 03 », « Paris 15e »: the commune's name without what follows.
    words = normalise(city).split()
    for index, word in enumerate(words):
        if word == "cedex" or word.isdigit() or (word[:-1].isdigit() and word[-1] == "e"):
            return " ".join(words[:index])
    return " ".join(words)


def _same_place(commune: Commune, name: str, parents: dict[str, Commune]) -> bool:
    if commune.search_name == name:
        return True
    parent = parents.get(commune.parent_id) if commune.parent_id else None
    return parent is not None and parent.search_name == name


def find_commune(*, postcode: str = "", city: str = "", insee: str = "") -> Commune | None:
    """The commune of an address: its INSEE code when given; else the commune of that postcode
    whose name is the city (or, for a postcode of one commune, that commune when no city is
    said); else a commune of that name in the postcode's department (a CEDEX or mistyped
    postcode). None when nothing matches for sure."""
    insee = (insee or "").strip().upper()
    if insee:
        commune = Commune.objects.filter(insee=insee).first()
        if commune:
            return commune
    postcode = (postcode or "").strip()
    name = _city_words(city or "")
    candidates = list(Commune.objects.filter(postcodes__contains=[postcode])) if postcode else []
    if candidates:
        parent_ids = {c.parent_id for c in candidates if c.parent_id}
        parents = {c.insee: c for c in Commune.objects.filter(insee__in=parent_ids)}
        if name:
            matching = [c for c in candidates if _same_place(c, name, parents)]
            # Lyon and its 3e arrondissement both serve 69003: the arrondissement is closer.
            precise = [c for c in matching if c.insee not in parent_ids]
            if precise:
                return max(precise, key=lambda c: c.population)
        elif len({c.parent_id or c.insee for c in candidates}) == 1:
            return min(candidates, key=lambda c: (c.parent_id is None, -c.population))
    department = department_code_from_postcode(postcode) if postcode else None
    if name and department:
        named = Commune.objects.filter(search_name=name, department_id=department)
        return named.order_by("-population").first()
    return None


def locate(
    *,
    postcode: str = "",
    city: str = "",
    insee: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> Location:
    """The coordinates of an address: the precise ones given, else its commune's centre."""
    if latitude is not None and longitude is not None and is_valid_point(latitude, longitude):
        return Location(float(latitude), float(longitude), LocationSource.PRECISE)
    commune = find_commune(postcode=postcode, city=city, insee=insee)
    if commune is None:
        return Location(None, None, LocationSource.NOT_FOUND)
    return Location(commune.latitude, commune.longitude, LocationSource.COMMUNE, commune)


def locate_row(row, *, has_place: bool) -> None:
    """Set `row`'s latitude, longitude and location_source (an event's venue, an offer's
    workplace): precise coordinates kept, else its commune's centre; none without a place, or
    flagged NOT_FOUND when no commune matches its postcode and city."""
    if not has_place:
        row.latitude = row.longitude = None
        row.location_source = LocationSource.NONE
        return
    precise = row.location_source == LocationSource.PRECISE
    location = locate(
        postcode=row.postcode,
        city=row.city,
        latitude=row.latitude if precise else None,
        longitude=row.longitude if precise else None,
    )
    row.latitude, row.longitude = location.latitude, location.longitude
    row.location_source = location.source


def coordinates_doubt(latitude, longitude, commune: Commune | None) -> str:
    """Why coordinates given for a venue cannot be right, in French ("" when they can be):
    not a point on the globe; on no French soil, metropolitan or overseas (no commune centre
    within NEAREST_MAX_KM); more than MAX_KM_FROM_COMMUNE from the centre of `commune`, the
    commune of the venue's postcode and city, when it is known."""
    if not is_valid_point(latitude, longitude):
        return "ce ne sont pas des coordonnées (latitude de -90 à 90, longitude de -180 à 180)"
    latitude, longitude = float(latitude), float(longitude)
    km = None
    if commune is not None:
        km = distance_km(commune.latitude, commune.longitude, latitude, longitude)
        if km <= MAX_KM_FROM_COMMUNE:
            return ""
    if nearest_commune(latitude, longitude) is None:
        return "ce point n'est pas en France"
    if km is None:
        return ""
    return f"ce point est à {km:.0f} km du centre de la commune du code postal et de la ville"
