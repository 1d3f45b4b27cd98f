"""What a visitor types as a place (« Lyon », « 69003 », « st etienne », « Saint-Denis (93) »,
an INSEE code) turned into a commune, with the other communes it could mean and, when it means
none, the closest names; the communes that start with what is being typed; the commune nearest
to a point."""

import functools
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Q

from semaine.geo.distance import bounding_box, distance_expression, is_valid_point
from semaine.geo.text import fold, normalise
from semaine.models import Commune

MAX_PLACE_LENGTH = 100
SUGGESTIONS = 10
ALTERNATIVES = 8
CLOSEST_NAMES = 5
# Far enough for the remotest inhabited point of a department from its nearest commune centre;
# beyond it a point is at sea (or abroad): no commune is « near » it.
NEAREST_MAX_KM = 30

# « Saint-Denis (93) », « Saint-Denis 93 », « Lyon 69 »: a department code after the name.
DEPARTMENT_SUFFIX = re.compile(r"^(?P<name>.*?)[\s,(-]+(?P<dept>\d{2,3}|2[ab])\)?$", re.I)
POSTCODE = re.compile(r"^\d{5}$")
INSEE = re.compile(r"^(\d{5}|2[ab]\d{3})$", re.I)


@dataclass
class Resolution:
    """The outcome of resolving a typed place: `commune` is what the listing uses (None when
    nothing matched), `others` the other communes the text could mean, `closest` the names
    nearest to an unknown one, `message` what the page says about it."""

    text: str
    commune: Commune | None = None
    others: list[Commune] = field(default_factory=list)
    closest: list[Commune] = field(default_factory=list)
    message: str = ""

    @property
    def is_ambiguous(self) -> bool:
        return self.commune is not None and bool(self.others)


def _with_department(queryset):
    return queryset.select_related("department")


def communes_with_postcode(postcode: str):
    """The communes a postcode serves; where a city's arrondissement has it, the arrondissement
    alone (69003 is Lyon 3e, not the whole of Lyon)."""
    communes = list(_with_department(Commune.objects.filter(postcodes__contains=[postcode])))
    arrondissements = {c.parent_id for c in communes if c.parent_id}
    communes = [c for c in communes if c.insee not in arrondissements]
    return sorted(communes, key=lambda c: (-c.population, c.name, c.insee))


def resolve_place(text: str) -> Resolution:
    """Resolve a commune name, a postcode or an INSEE code; never raises on what a visitor
    types. A unique match is used; several: the most populous, the others offered; none: a
    message and the closest names."""
    text = " ".join((text or "").split())
    resolution = Resolution(text=text)
    if not text:
        return resolution
    if len(text) > MAX_PLACE_LENGTH:
        resolution.message = (
            f"Le lieu saisi est trop long ({MAX_PLACE_LENGTH} caractères au plus) : "
            "indiquez une commune ou un code postal."
        )
        return resolution

    compact = text.replace(" ", "")
    if POSTCODE.match(compact):
        candidates = communes_with_postcode(compact)
        if not candidates:
            commune = _with_department(Commune.objects.filter(insee=compact)).first()
            candidates = [commune] if commune else []
        if not candidates:
            resolution.message = f"Aucune commune n'a le code postal {compact}."
            return resolution
        return _choose(resolution, candidates)
    if INSEE.match(compact):
        commune = _with_department(Commune.objects.filter(insee=compact.upper())).first()
        if commune:
            resolution.commune = commune
            return resolution

    name = normalise(text)
    if not name:
        resolution.message = f"« {text} » n'est pas un nom de commune ni un code postal."
        return resolution
    candidates = []
    suffix = DEPARTMENT_SUFFIX.match(text)
    if suffix and normalise(suffix["name"]):
        # « Saint-Denis (93) »: that name in that department, if it exists there; otherwise
        # the whole text is a name (« Paris 16 » is Paris 16e Arrondissement, not Charente).
        candidates = _named(normalise(suffix["name"]), department=suffix["dept"].upper())
    if not candidates:
        candidates = _named(name)
    if candidates:
        return _choose(resolution, candidates)

    resolution.closest = closest_names(name)
    names = ", ".join(c.label for c in resolution.closest)
    resolution.message = f"Aucune commune ne s'appelle « {text} »." + (
        f" Vouliez-vous dire : {names} ?" if names else ""
    )
    return resolution


def _named(name: str, department: str | None = None) -> list[Commune]:
    """Communes with that name, else (a name being typed) those it begins, biggest first."""
    communes = _with_department(Commune.objects.all())
    if department:
        communes = communes.filter(department_id=department)
    for lookup in ("search_name", "search_name__startswith"):
        found = list(communes.filter(**{lookup: name}).by_size()[: ALTERNATIVES + 1])
        if found:
            return found
    return []


def _choose(resolution: Resolution, candidates: list[Commune]) -> Resolution:
    resolution.commune, resolution.others = candidates[0], candidates[1 : ALTERNATIVES + 1]
    return resolution


def closest_names(name: str, limit: int = CLOSEST_NAMES) -> list[Commune]:
    """The communes whose names look most like `name` (trigram similarity, pg_trgm)."""
    return list(
        _with_department(Commune.objects.all())
        .filter(search_name__trigram_similar=name)
        .annotate(similarity=TrigramSimilarity("search_name", name))
        .order_by("-similarity", "-population")[:limit]
    )


def suggest_communes(text: str, limit: int = SUGGESTIONS) -> list[Commune]:
    """The communes that start with what is being typed, the biggest first: a name prefix
    (accents, hyphens and « St » for « Saint » optional), a postcode or an INSEE code."""
    text = " ".join((text or "").split())[:MAX_PLACE_LENGTH]
    compact = text.replace(" ", "")
    communes = _with_department(Commune.objects.all())
    if compact.isdigit() or INSEE.match(compact):
        if len(compact) == 5:
            found = communes_with_postcode(compact)
            by_insee = communes.filter(insee=compact.upper()).first()
            if by_insee and by_insee not in found:
                found.append(by_insee)
            return found[:limit]
        if len(compact) < 2:
            return []
        # Part of a postcode: any of the commune's postcodes begins with it.
        return list(communes.with_postcode_starting(compact).by_size()[:limit])
    name = normalise(text)
    if not name:
        return []
    prefixes = {name}
    # « st » being typed may be the start of « Stains » as much as the short form of Saint.
    raw = fold(text)
    if raw != name:
        prefixes.add(raw)
    condition = Q()
    for prefix in prefixes:
        condition |= Q(search_name__startswith=prefix)
    return list(communes.filter(condition).by_size()[:limit])


def nearest_commune(latitude: float, longitude: float) -> Commune | None:
    """The commune whose centre is nearest to the point, if one lies within NEAREST_MAX_KM."""
    if not is_valid_point(latitude, longitude):
        return None
    latitude, longitude = float(latitude), float(longitude)
    for radius in (5, 15, NEAREST_MAX_KM):
        box = bounding_box(latitude, longitude, radius)
        found = (
            _with_department(Commune.objects.filter(box.q()))
            .annotate(distance=distance_expression(latitude, longitude))
            .filter(distance__lte=radius)
            .order_by("distance", "-population")
            .first()
        )
        if found:
            return found
    return None


@functools.lru_cache(maxsize=2048)
def resolve_place_cached(text: str) -> Resolution:
    """resolve_place() once per text and process: communes are reference data that only
    change with a deploy, and a listing resolves its place once per facet it counts. The
    Resolution returned is shared: read it, never change it."""
    return resolve_place(text)
