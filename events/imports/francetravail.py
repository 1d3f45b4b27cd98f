"""France Travail's own event format: payloads of its "Mes évènements emploi" API.

A payload is turned into rows of the spreadsheet import's columns (events/imports/columns.py),
so the import (events/imports/resources.py) gives it the same checks, dry-run preview, French
row errors and idempotency, keyed by the France Travail id instead of the reference column.
"""

import json
import re

from events.models import Event
from semaine.models import department_code_from_postcode

SOURCE = "france_travail"

# France Travail's numeric event types, as its API documents them.
TYPE_CODES = {
    13: Event.Type.REUNION_INFORMATION,
    14: Event.Type.FORUM,
    15: Event.Type.CONFERENCE,
    16: Event.Type.ATELIER,
    17: Event.Type.SALON_EN_LIGNE,
    18: Event.Type.JOB_DATING,
    31: Event.Type.VISITE_ENTREPRISE,
    32: Event.Type.PORTES_OUVERTES,
}

ROME_CODE = re.compile(r"^[A-N]\d{4}$")


class PayloadError(ValueError):
    """The file is not a France Travail events payload; the message is shown as is."""


def load_payload(data: bytes | str) -> list[dict]:
    """The events of a payload: `{"totalElements": N, "content": [...]}`, a list, or one event."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PayloadError(
                "Le fichier France Travail n'est pas encodé en UTF-8, comme l'API le fournit."
            ) from None
    try:
        payload = json.loads(data)
    except json.JSONDecodeError as e:
        raise PayloadError(
            f"Le fichier n'est pas du JSON valide (ligne {e.lineno}, colonne {e.colno})."
        ) from None
    if isinstance(payload, dict) and "content" in payload:
        payload = payload["content"]
    elif isinstance(payload, dict) and "id" in payload:
        payload = [payload]
    if not isinstance(payload, list) or not all(isinstance(item, dict) for item in payload):
        raise PayloadError(
            "Ce JSON n'a pas la forme d'une réponse « Mes évènements emploi » : "
            'attendu {"totalElements": …, "content": [ … ]}.'
        )
    return payload


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _date_part(value) -> str:
    """The calendar day of `dateEvenement` ("2030-04-23T00:00:00.000+02:00" or "2030-04-23")."""
    text = _text(value)
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", text)
    return match.group(1) if match else text


def _modalite(modalites, type_value) -> str:
    words = " ".join(_text(m).lower() for m in modalites or [])
    onsite = any(w in words for w in ("physique", "présentiel", "presentiel", "sur place"))
    online = any(w in words for w in ("distance", "distanciel", "en ligne", "ligne"))
    if onsite and online:
        return Event.Modalite.HYBRIDE
    if online or str(type_value).strip() == "17":
        return Event.Modalite.DISTANCIEL
    if onsite:
        return Event.Modalite.PRESENTIEL
    return _text(modalites[0]) if modalites else ""


def _audience(publics) -> str:
    words = " ".join(_text(p).lower() for p in publics or [])
    if "jeune" in words:
        return Event.Audience.JEUNES
    if "reconversion" in words:
        return Event.Audience.RECONVERSION
    return Event.Audience.TOUS


def _seats(value) -> str:
    # France Travail writes 0 for "no seat of this kind" as well as "not said": no limit here.
    text = _text(value)
    return "" if text in ("", "0") else text


def item_to_row(item: dict) -> dict:
    """One France Travail event as a row of the import columns (raw values, checked later).

    `latitude` and `longitude` become the venue's coordinates if the import finds them
    plausible (events/imports/rows.py, read_coordinates). `codeInsee` is not read: the
    postcode and town are what France Travail shows, and the samples pair them with a code
    of another department (75012 Paris with 01419), so they alone decide the commune.
    """
    modalite = _modalite(item.get("modalites"), item.get("type"))
    city = _text(item.get("ville"))
    postcode = _text(item.get("codePostal"))
    address = _text(item.get("adresse") or item.get("lieu"))
    latitude, longitude = _text(item.get("latitude")), _text(item.get("longitude"))
    if not (latitude and longitude):
        # Half a point places nothing, and is no error agency staff could correct in France
        # Travail's data: the commune's centre, as without coordinates.
        latitude = longitude = ""
    department = ""
    if modalite == Event.Modalite.DISTANCIEL:
        # An online-only event has no venue: the agency's postcode gives only its department
        # (its time zone and region); the town and coordinates are the agency's, not a venue.
        department = department_code_from_postcode(postcode) or ""
        city = postcode = address = latitude = longitude = ""
    elif not address and city:
        # The API gives the town, not the street: the town is the address France Travail shows.
        address = f"{postcode} {city}".strip()
    link = _text(item.get("urlDetailEvenement"))
    return {
        "reference": _text(item.get("id")),
        "titre": _text(item.get("titre")),
        "type": _text(item.get("type")),
        "modalite": modalite,
        "date": _date_part(item.get("dateEvenement")),
        "heure_debut": _text(item.get("heureDebut")),
        "heure_fin": _text(item.get("heureFin")),
        "fuseau_horaire": _text(item.get("timezone")),
        "adresse": address,
        "code_postal": postcode,
        "ville": city,
        "departement": department,
        "latitude": latitude,
        "longitude": longitude,
        "lien_connexion": link if link.startswith(("http://", "https://")) else "",
        "metiers": " ".join(
            code
            for code in (_text(c).upper() for c in item.get("codesRome") or [])
            if ROME_CODE.match(code)
        ),
        "public": _audience(item.get("publics")),
        "places_sur_place": _seats(item.get("nombrePlaceTotalPresentiel")),
        "places_en_ligne": _seats(item.get("nombrePlaceTotalDistance")),
        "description": _text(item.get("description")),
        "source": SOURCE,
    }


def payload_rows(data: bytes | str) -> list[dict]:
    return [item_to_row(item) for item in load_payload(data)]
