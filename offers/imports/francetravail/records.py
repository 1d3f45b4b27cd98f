"""One France Travail record turned into the fields of an offer, or rejected with a reason."""

import datetime
import re
from typing import Any

import ftfy
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.text import slugify

from offers.imports.francetravail.stream import REPLACEMENT
from offers.models import Offer
from semaine.geo.locate import Location, locate
from semaine.models import Department, Trade, department_code_from_postcode
from semaine.reference.data import ROME_V3_TO_V4

# Codes France Travail uses outside the 101 departments (Saint-Pierre-et-Miquelon,
# Saint-Barthélemy, Saint-Martin): accepted as "other territories", with no department.
OTHER_TERRITORIES = {"975", "977", "978"}
# France Travail moved its offers to ROME 4.0 in 2024: a code in an older offer is a v3
# family, translated through ROME_V3_TO_V4 (the same code can mean another job in v4).
ROME_V4_SINCE = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
WORK_STUDY_CONTRACTS = (
    ("apprentissage", Offer.Contract.APPRENTISSAGE),
    ("professionnalisation", Offer.Contract.PROFESSIONNALISATION),
)
EXPERIENCE = {"D": "Débutant accepté", "S": "Expérience souhaitée", "E": "Expérience exigée"}
LINE_BREAK_TAGS = re.compile(r"<br\s*/?>|</p\s*>|</li\s*>", re.IGNORECASE)
MOJIBAKE = re.compile("[ÃÂ][\x80-\xbf]|â€")


class RecordError(ValueError):
    """A record that cannot be imported; the message is the French reason reported."""


def _text(value: Any, max_length: int | None = None) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if not isinstance(value, str):
        value = str(value)
    if REPLACEMENT in value:
        raise RecordError("texte illisible : caractères qui ne sont pas de l'UTF-8")
    if MOJIBAKE.search(value):
        # UTF-8 read as Latin-1 upstream ("Ã©" for "é"): some real payloads carry it.
        value = ftfy.fix_text(value)
    if "<" in value:
        # Descriptions are shown as plain text (escaped): markup would only be noise there,
        # but its line breaks are kept.
        value = strip_tags(LINE_BREAK_TAGS.sub("\n", value))
    value = value.replace("\x00", "").strip()
    return value[:max_length] if max_length else value


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _datetime(value: Any) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        return None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _url(value: Any) -> str:
    value = _text(value)
    # Only web links: the URL becomes a link on the offer page.
    if re.match(r"^https?://[^\s]+$", value) and len(value) <= 500:
        return value
    return ""


def _working_time(record: dict) -> str:
    converted = _text(record.get("dureeTravailLibelleConverti")).lower()
    if "partiel" in converted:
        return Offer.WorkingTime.PARTIEL
    if "plein" in converted:
        return Offer.WorkingTime.PLEIN
    # Older offers only say "35H Horaires normaux", "24H/semaine"…
    hours = re.match(r"\s*(\d+)\s*H", _text(record.get("dureeTravailLibelle")), re.IGNORECASE)
    if hours:
        return Offer.WorkingTime.PLEIN if int(hours.group(1)) >= 35 else Offer.WorkingTime.PARTIEL
    return ""


def _contract(record: dict) -> str:
    nature = _text(record.get("natureContrat")).lower()
    for word, contract in WORK_STUDY_CONTRACTS:
        if word in nature:
            return contract
    code = _text(record.get("typeContrat")).upper()
    return code if code in Offer.Contract.values else ""


def _positions(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), 32767)


class Vocabulary:
    """Departments and trades, loaded once per import."""

    def __init__(self):
        self.regions = dict(Department.objects.values_list("code", "region_id"))
        trades = {t.code: t for t in Trade.objects.current()}
        self.trades_v4 = trades
        self.trades_v3 = {v3: trades[v4] for v3, v4 in ROME_V3_TO_V4.items() if v4 in trades}
        self.places: dict[tuple[str, str, str], Location] = {}

    def location(self, place: dict, postcode: str, city: str) -> Location:
        """The workplace's coordinates: lieuTravail's own, else its commune's centre (from its
        INSEE code, else postcode and city), looked up once per place and import."""
        latitude, longitude = (
            _coordinate(place.get("latitude")),
            _coordinate(place.get("longitude")),
        )
        if latitude is not None and longitude is not None:
            precise = locate(latitude=latitude, longitude=longitude)
            if precise.latitude is not None:
                return precise
        key = (_text(place.get("commune")).upper(), postcode, city)
        if key not in self.places:
            self.places[key] = locate(insee=key[0], postcode=postcode, city=city)
        return self.places[key]

    def trade(self, code: str, when: datetime.datetime | None) -> Trade:
        code = code.strip().upper()
        if not code:
            raise RecordError("code ROME absent")
        legacy = when is not None and when < ROME_V4_SINCE
        trade = self.trades_v3.get(code) if legacy else self.trades_v4.get(code)
        if trade is None:
            trade = self.trades_v4.get(code) if legacy else self.trades_v3.get(code)
        if trade is None:
            raise RecordError(
                f"code ROME « {code[:10]} » hors des métiers du soin et de l'accompagnement"
            )
        return trade

    def department(self, place: dict) -> tuple[str | None, str]:
        """(department code or None for other territories, postcode) of a `lieuTravail`."""
        postcode = _text(place.get("codePostal"))
        commune = _text(place.get("commune"))
        if not postcode and not commune:
            raise RecordError("lieu de travail sans code postal ni code commune")
        for value in (postcode, commune):
            if not value:
                continue
            if not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", value.upper()):
                raise RecordError(f"code postal ou commune invalide : « {value[:10]} »")
        code = department_code_from_postcode(postcode or commune)
        if code in OTHER_TERRITORIES:
            return None, postcode
        if code not in self.regions:
            raise RecordError(f"commune inconnue : code « {(postcode or commune)[:10]} »")
        return code, postcode


def _coordinate(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _city(place: dict) -> str:
    # "35 - RENNES" or "35 - Rennes": the department comes first.
    label = _text(place.get("libelle"))
    city = re.sub(r"^\s*[0-9]{2,3}[AB]?\s*-\s*", "", label)
    return city.title() if city.isupper() else city


def offer_fields(record: Any, vocabulary: Vocabulary, *, source: str) -> dict:
    """Offer field values of one France Travail record; RecordError when it can't be used."""
    if not isinstance(record, dict):
        raise RecordError("l'élément n'est pas un objet JSON")
    title = _text(record.get("intitule"), 250)
    if not title:
        raise RecordError("intitulé absent")
    created = _datetime(record.get("dateCreation"))
    updated = _datetime(record.get("dateActualisation"))
    if created is None and updated is None:
        raise RecordError("date de création absente ou invalide")
    place = _dict(record.get("lieuTravail"))
    department, postcode = vocabulary.department(place)
    city = _city(place)[:100]
    location = vocabulary.location(place, postcode, city)
    trade = vocabulary.trade(_text(record.get("romeCode")), created or updated)
    contract = _contract(record)
    work_study = record.get("alternance") is True or contract in (
        Offer.Contract.APPRENTISSAGE,
        Offer.Contract.PROFESSIONNALISATION,
    )
    experience = _text(record.get("experienceLibelle"), 250) or EXPERIENCE.get(
        _text(record.get("experienceExige")).upper(), ""
    )
    return {
        "nature": Offer.Nature.EMPLOI,
        "title": title,
        "slug": slugify(title)[:250] or "offre",
        "description": _text(record.get("description")),
        "trade": trade,
        "sector": trade.sector,
        "city": city,
        "postcode": postcode[:5],
        "department_id": department,
        "region_id": vocabulary.regions.get(department) if department else None,
        "published_at": created or updated,
        "source_updated_at": updated or created,
        "external_url": _url(_dict(record.get("origineOffre")).get("urlOrigine")),
        "status": Offer.Status.OPEN,
        "work_study": work_study,
        "employer": _text(_dict(record.get("entreprise")).get("nom"), 200),
        "contract_type": contract,
        "working_time": _working_time(record),
        "salary": _text(_dict(record.get("salaire")).get("libelle"), 250),
        "experience": experience,
        "positions": _positions(record.get("nombrePostes")),
        "latitude": location.latitude,
        "longitude": location.longitude,
        "location_source": location.source,
    }


def external_id_of(record: Any) -> str:
    if not isinstance(record, dict):
        return ""
    value = record.get("id")
    if isinstance(value, int | str) and not isinstance(value, bool):
        return str(value).strip()[:100]
    return ""
