"""The columns of the events import file, and how each cell is read (in French, forgivingly).

Shared by the import formats (events/imports/formats.py), the reading of a row
(events/imports/rows.py), the resource that writes the events (events/imports/resources.py),
the downloadable template and the admin's export (events/admin/importexport.py).
"""

import datetime
import re
import unicodedata

import tablib

from events.imports import francetravail
from events.models import Event
from semaine.geo.locate import MAX_KM_FROM_COMMUNE
from semaine.spreadsheets import FORMULA_TRIGGERS

MAX_ROWS = 1000
# 1,000 rows of the template weigh about 400 KB as CSV: the limits leave room for long
# descriptions without letting an upload exhaust an instance (refused before parsing).
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024

# The documented columns of the import file, in the template's order: (key, help in French).
COLUMNS = [
    (
        "reference",
        "Votre référence de l'événement (facultative) : réimporter la même ligne le "
        "met à jour au lieu d'en créer un autre.",
    ),
    ("titre", "Obligatoire."),
    ("type", "Obligatoire : " + ", ".join(label for _, label in Event.Type.choices) + "."),
    ("modalite", "Sur place, En ligne ou Sur place et en ligne (vide : sur place)."),
    ("date", "Obligatoire, JJ/MM/AAAA (ou AAAA-MM-JJ)."),
    ("heure_debut", "Obligatoire, HH:MM, heure locale du lieu."),
    ("heure_fin", "Obligatoire, HH:MM."),
    ("lieu", "Nom du lieu (facultatif)."),
    ("adresse", "Obligatoire sur place."),
    (
        "code_postal",
        "5 chiffres, au format texte (06900, pas 6900) ; il doit exister et être dans le "
        "département.",
    ),
    ("ville", ""),
    ("departement", "Code INSEE (69, 2A, 974) ; vide : celui du code postal."),
    (
        "latitude",
        "Facultatif : les coordonnées du lieu même, en degrés décimaux (45.7625). Vide : le "
        "centre de la commune. Des coordonnées hors de France ou à plus de "
        f"{MAX_KM_FROM_COMMUNE} km de la commune sont écartées (signalé à l'aperçu).",
    ),
    ("longitude", "Avec la latitude (4.8365)."),
    ("lien_connexion", "Obligatoire en ligne : https://…"),
    ("organisateur", "Nom exact de l'organisateur ; vide : le vôtre ou celui choisi à l'import."),
    ("metiers", "Codes ROME séparés par des espaces ou des virgules (J1501 K1302)."),
    ("public", "Tous publics, Jeunes ou Personnes en reconversion (vide : tous publics)."),
    ("places_sur_place", "Nombre ; vide : pas de limite."),
    ("places_en_ligne", "Nombre ; vide : pas de limite."),
    ("inscription_obligatoire", "oui ou non (vide : oui)."),
    ("accessible_fauteuil", "oui ou non (vide : non)."),
    ("statut", "Brouillon, Publié ou Annulé (vide : brouillon pour un nouvel événement)."),
    ("description", ""),
]
# How staff read each column's key: the import's preview, the export form, the template's notes.
COLUMN_LABELS = {
    "ligne": "Ligne",
    "reference": "Référence",
    "titre": "Titre",
    "type": "Type",
    "modalite": "Modalité",
    "date": "Date",
    "heure_debut": "Heure de début",
    "heure_fin": "Heure de fin",
    "début": "Début",
    "fin": "Fin",
    "lieu": "Lieu",
    "adresse": "Adresse",
    "code_postal": "Code postal",
    "ville": "Ville",
    "departement": "Département",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "lien_connexion": "Lien de connexion",
    "organisateur": "Organisateur",
    "metiers": "Métiers (codes ROME)",
    "public": "Public",
    "places_sur_place": "Places sur place",
    "places_en_ligne": "Places en ligne",
    "inscription_obligatoire": "Inscription obligatoire",
    "accessible_fauteuil": "Accessible en fauteuil roulant",
    "statut": "Statut",
    "description": "Description",
    "localisation": "Localisation",
    "inscrits_sur_place": "Inscrits sur place",
    "inscrits_en_ligne": "Inscrits en ligne",
}
REQUIRED = ["titre", "type", "date", "heure_debut", "heure_fin"]
COLUMN_KEYS = [key for key, _ in COLUMNS]
# Columns a file may carry besides the documented ones (France Travail payloads fill them).
EXTRA_KEYS = ["fuseau_horaire", "edition", "source"]
# Columns of the admin's export that an import reads past (counters are not imported).
IGNORED_KEYS = ["inscrits_sur_place", "inscrits_en_ligne"]

ALIASES = {
    "reference_externe": "reference",
    "ref": "reference",
    "intitule": "titre",
    "title": "titre",
    "type_d_evenement": "type",
    "type_evenement": "type",
    "jour": "date",
    "debut": "heure_debut",
    "fin": "heure_fin",
    "nom_du_lieu": "lieu",
    "cp": "code_postal",
    "commune": "ville",
    "dept": "departement",
    "code_departement": "departement",
    "lien": "lien_connexion",
    "lien_visio": "lien_connexion",
    "organisme": "organisateur",
    "codes_rome": "metiers",
    "rome": "metiers",
    "accessible_pmr": "accessible_fauteuil",
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "long": "longitude",
}

TRUE_WORDS = {"oui", "o", "yes", "y", "1", "vrai", "true", "x"}
FALSE_WORDS = {"non", "n", "no", "0", "faux", "false"}

# Messages of the model's own rules (Event.clean), shown under the import column they concern.
MODEL_FIELD_COLUMNS = {
    "title": "titre",
    "start": "heure_debut",
    "end": "heure_fin",
    "online_url": "lien_connexion",
    "address": "adresse",
    "department": "departement",
    "capacity_onsite": "places_sur_place",
    "capacity_online": "places_en_ligne",
    "postcode": "code_postal",
    "city": "ville",
    "venue_name": "lieu",
    "organiser": "organisateur",
    "edition": "edition",
}


# Model fields filled from each column: a column in error leaves them out of the model's checks.
COLUMN_MODEL_FIELDS = {
    "titre": ["title"],
    "type": ["type"],
    "modalite": ["modalite"],
    "date": ["start", "end", "edition"],
    "heure_debut": ["start", "end"],
    "heure_fin": ["start", "end"],
    "departement": ["department"],
    "code_postal": ["postcode", "department"],
    "organisateur": ["organiser"],
    "edition": ["edition"],
    "places_sur_place": ["capacity_onsite"],
    "places_en_ligne": ["capacity_online"],
    "public": ["audience"],
    "statut": ["status"],
    "latitude": ["latitude", "longitude"],
    "longitude": ["latitude", "longitude"],
}


class ImportFileError(ValueError):
    """A file the import cannot read at all; the French message is shown on the form."""


def fold(text) -> str:
    """Lower case, no accents, words joined by underscores: how headers and labels are matched."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def column_key(header) -> str:
    key = fold(header)
    return ALIASES.get(key, key)


def _choices_lookup(choices, extra=None) -> dict[str, str]:
    lookup = {}
    for value, label in choices:
        lookup[fold(value)] = value
        lookup[fold(label)] = value
    lookup.update(extra or {})
    return lookup


TYPES = _choices_lookup(
    Event.Type.choices,
    {str(code): value for code, value in francetravail.TYPE_CODES.items()}
    | {"seance_information": Event.Type.REUNION_INFORMATION, "salon": Event.Type.FORUM},
)
MODALITES = _choices_lookup(
    Event.Modalite.choices,
    {
        "en_physique": "presentiel",
        "physique": "presentiel",
        "a_distance": "distanciel",
        "distance": "distanciel",
        "mixte": "hybride",
    },
)
AUDIENCES = _choices_lookup(Event.Audience.choices, {"ouvert": "tous", "tous": "tous"})
STATUSES = _choices_lookup(
    Event.Status.choices, {"publie": Event.Status.PUBLISHED, "annule": Event.Status.CANCELLED}
)


# -- parsing of one row -------------------------------------------------------------------------


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in FORMULA_TRIGGERS:
        # An exported cell neutralised against formulas (semaine.spreadsheets): its own text.
        return text[1:]
    return text


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"date invalide : « {text[:40]} » (attendu JJ/MM/AAAA, par ex. 23/04/2030).")


def parse_time(value) -> datetime.time:
    if isinstance(value, datetime.datetime):
        return value.time()
    if isinstance(value, datetime.time):
        return value
    text = cell_text(value).lower().replace(" ", "")
    match = re.fullmatch(r"(\d{1,2})(?:[:h](\d{2})?)?(?::(\d{2}))?", text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour < 24 and minute < 60:
            return datetime.time(hour, minute)
    raise ValueError(f"heure invalide : « {text[:20]} » (attendu HH:MM, par ex. 09:30).")


def parse_seats(value) -> int | None:
    text = cell_text(value)
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"nombre de places invalide : « {text[:20]} » (un nombre entier).")
    return int(text)


def parse_coordinate(value) -> float:
    """Decimal degrees, with a point or the French comma (« 45,7625 »)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = cell_text(value).replace(",", ".").replace(" ", "")
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is None or number != number or number in (float("inf"), float("-inf")):
        raise ValueError(
            f"coordonnée invalide : « {cell_text(value)[:20]} » (degrés décimaux, par ex. 45.7625)."
        )
    return number


def parse_bool(value, default: bool) -> bool:
    text = fold(value)
    if not text:
        return default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"réponse invalide : « {cell_text(value)[:20]} » (oui ou non).")


def parse_choice(value, lookup: dict, what: str, choices) -> str:
    text = cell_text(value)
    found = lookup.get(fold(text))
    if found is None:
        accepted = ", ".join(label for _, label in choices)
        raise ValueError(f"{what} : « {text[:40]} ». Valeurs acceptées : {accepted}.")
    return found


def example_day() -> datetime.date:
    """The example row's day: the current edition's second day (its first when it has one),
    or a month from today when no edition is current."""
    from semaine.models import Edition

    edition = Edition.objects.current_cached()
    if edition is None:
        return datetime.date.today() + datetime.timedelta(days=30)
    return min(edition.start_date + datetime.timedelta(days=1), edition.end_date)


def template_dataset() -> tablib.Dataset:
    """The downloadable template: the documented columns and one example row, dated in the
    current edition."""
    day = example_day()
    dataset = tablib.Dataset(headers=COLUMN_KEYS)
    dataset.append(
        [
            f"LYON-{day.year}-01", "Job dating aide-soignant en EHPAD", "Job dating", "Sur place",
            day.strftime("%d/%m/%Y"), "09:30", "12:00", "Agence France Travail Lyon Part-Dieu",
            "12 rue de la République", "69003", "Lyon", "69", "45.7625", "4.8365", "", "",
            "J1501 K1302", "Tous publics", "30", "", "oui", "oui", "Brouillon",
            "Rencontrez les EHPAD et services à domicile qui recrutent. Apportez plusieurs CV.",
        ]
    )  # fmt: skip
    return dataset
