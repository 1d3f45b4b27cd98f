"""Import of job offers in France Travail's "Offres d'emploi v2" format.

`import_offers(stream, full=...)` reads a search response (`{"resultats": [...]}`) or a plain
list of offers from a binary stream, record by record (ijson), so that a file of hundreds of MB
is never held in memory; records are written in batches. Each record is created, updated,
left unchanged or rejected with a French reason; with `full=True` the file is the complete
list of open offers of the source, and the source's open offers it lacks are closed.

Used by `manage.py import_offers` and by the admin's upload form.
"""

import codecs
import datetime
import logging
import re
from dataclasses import dataclass, field
from typing import IO, Any

import ftfy
import ijson
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.text import slugify

from offers.models import Offer
from semaine.models import Department, Trade, department_code_from_postcode
from semaine.reference.data import ROME_V3_TO_V4

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
CHUNK_SIZE = 64 * 1024
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
# The replacement character marks bytes that were not UTF-8 (see _Utf8Reader).
REPLACEMENT = "\ufffd"
LINE_BREAK_TAGS = re.compile(r"<br\s*/?>|</p\s*>|</li\s*>", re.IGNORECASE)
MOJIBAKE = re.compile("[ÃÂ][\x80-\xbf]|â€")

# Fields an import sets; the others (organiser, linked events…) belong to the site's staff.
IMPORTED_FIELDS = (
    "nature",
    "title",
    "slug",
    "description",
    "trade",
    "sector",
    "city",
    "postcode",
    "department",
    "region",
    "published_at",
    "source_updated_at",
    "external_url",
    "status",
    "work_study",
    "employer",
    "contract_type",
    "working_time",
    "salary",
    "experience",
    "positions",
)


@dataclass
class Rejection:
    position: int  # 1-based rank of the record in the file
    external_id: str
    reason: str

    def __str__(self):
        ref = f"offre {self.external_id}" if self.external_id else "offre sans identifiant"
        return f"n° {self.position} ({ref}) : {self.reason}"


@dataclass
class ImportReport:
    source: str
    full: bool = False
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    # Problems with the file as a whole (malformed JSON…): what came before was imported.
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"{self.read} offre{'s' if self.read > 1 else ''} lue{'s' if self.read > 1 else ''} : "
            f"{self.created} créée(s), {self.updated} mise(s) à jour, "
            f"{self.unchanged} inchangée(s), {self.closed} close(s), "
            f"{len(self.rejected)} rejetée(s)."
        )

    def lines(self) -> list[str]:
        """The whole report, in French, one line per fact: for the command and the admin."""
        lines = [self.summary()]
        lines += [f"Erreur : {error}" for error in self.errors]
        lines += [f"Rejetée : {rejection}" for rejection in self.rejected]
        return lines


class RecordError(ValueError):
    """A record that cannot be imported; the message is the French reason reported."""


# -- reading ----------------------------------------------------------------------------


class _Utf8Reader:
    """Binary stream wrapper: bytes that are not UTF-8 become U+FFFD, a BOM is dropped.

    ijson stops at the first invalid byte; replacing them lets the import reject just the
    records that carry them. Also lets the first bytes be peeked at to tell a list from an
    object.
    """

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self.pending = b""
        self.done = False

    def _fill(self, size: int) -> None:
        while len(self.pending) < size and not self.done:
            chunk = self.stream.read(CHUNK_SIZE)
            if isinstance(chunk, str):  # a text stream: already decoded
                chunk = chunk.encode("utf-8", errors="replace")
            final = not chunk
            self.pending += self.decoder.decode(chunk, final=final).encode("utf-8")
            self.done = final

    def peek_first_char(self) -> str:
        """The first significant character, left unread."""
        while not self.pending.strip() and not self.done:
            self._fill(len(self.pending) + 1)
        return self.pending.lstrip()[:1].decode("ascii", errors="replace")

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            self._fill(float("inf"))
            data, self.pending = self.pending, b""
            return data
        self._fill(size)
        data, self.pending = self.pending[:size], self.pending[size:]
        return data


def iter_records(stream: IO[bytes]):
    """The offers of a search response or of a list, one at a time."""
    reader = _Utf8Reader(stream)
    first = reader.peek_first_char()
    if first == "[":
        prefix = "item"
    elif first == "{":
        prefix = "resultats.item"
    else:
        raise ijson.JSONError("le fichier ne commence ni par « { » ni par « [ »")
    # Floats as floats: coordinates and the like need no Decimal precision.
    yield from ijson.items(reader, prefix, use_float=True)


# -- mapping ----------------------------------------------------------------------------


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


class _Vocabulary:
    """Departments and trades, loaded once per import."""

    def __init__(self):
        self.regions = dict(Department.objects.values_list("code", "region_id"))
        trades = {t.code: t for t in Trade.objects.current()}
        self.trades_v4 = trades
        self.trades_v3 = {v3: trades[v4] for v3, v4 in ROME_V3_TO_V4.items() if v4 in trades}

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


def _city(place: dict) -> str:
    # "35 - RENNES" or "35 - Rennes": the department comes first.
    label = _text(place.get("libelle"))
    city = re.sub(r"^\s*[0-9]{2,3}[AB]?\s*-\s*", "", label)
    return city.title() if city.isupper() else city


def offer_fields(record: Any, vocabulary: _Vocabulary, *, source: str) -> dict:
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
        "city": _city(place)[:100],
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
    }


def _external_id(record: Any) -> str:
    if not isinstance(record, dict):
        return ""
    value = record.get("id")
    if isinstance(value, int | str) and not isinstance(value, bool):
        return str(value).strip()[:100]
    return ""


# -- writing ----------------------------------------------------------------------------


def _attname(name: str) -> str:
    return f"{name}_id" if name in ("trade", "department", "region") else name


def _changed(offer: Offer, values: dict) -> bool:
    changed = False
    for name in IMPORTED_FIELDS:
        attname = _attname(name)
        value = values[attname] if attname in values else values[name]
        if name == "trade":
            value = values["trade"].pk
        if getattr(offer, attname) != value:
            setattr(offer, attname, value)
            changed = True
    return changed


def _write_batch(batch: list[tuple[str, dict]], report: ImportReport, *, source: str) -> None:
    existing = {
        offer.external_id: offer
        for offer in Offer.objects.filter(source=source, external_id__in=[i for i, _ in batch])
    }
    to_create, to_update = [], []
    for external_id, values in batch:
        offer = existing.get(external_id)
        if offer is None:
            to_create.append(Offer(source=source, external_id=external_id, **values))
        elif _changed(offer, values):
            to_update.append(offer)
        else:
            report.unchanged += 1
    now = timezone.now()
    for offer in to_update:
        offer.updated_at = now  # bulk_update skips auto_now
    with transaction.atomic():
        Offer.objects.bulk_create(to_create)
        if to_update:
            Offer.objects.bulk_update(to_update, [*map(_attname, IMPORTED_FIELDS), "updated_at"])
    report.created += len(to_create)
    report.updated += len(to_update)


def _close_missing(seen: set[str], *, source: str) -> int:
    open_ids = Offer.objects.open().filter(source=source).values_list("pk", "external_id")
    missing = [pk for pk, external_id in open_ids.iterator() if external_id not in seen]
    now = timezone.now()
    for start in range(0, len(missing), 5000):
        Offer.objects.filter(pk__in=missing[start : start + 5000]).update(
            status=Offer.Status.CLOSED, updated_at=now
        )
    return len(missing)


def import_offers(
    stream: IO[bytes], *, full: bool = False, source: str = Offer.Source.FRANCE_TRAVAIL
) -> ImportReport:
    """Create or update the offers of a France Travail file; see the module docstring.

    A full refresh closes the missing offers only when the whole file was read: a truncated
    or malformed file must not close offers it simply did not reach.
    """
    report = ImportReport(source=source, full=full)
    vocabulary = _Vocabulary()
    seen: set[str] = set()
    batch: list[tuple[str, dict]] = []
    try:
        for position, record in enumerate(iter_records(stream), start=1):
            report.read = position
            external_id = _external_id(record)
            try:
                if not external_id:
                    raise RecordError("identifiant « id » absent")
                if external_id in seen:
                    raise RecordError("identifiant en double dans le fichier : offre ignorée")
                seen.add(external_id)
                values = offer_fields(record, vocabulary, source=source)
            except RecordError as error:
                report.rejected.append(Rejection(position, external_id, str(error)))
                continue
            batch.append((external_id, values))
            if len(batch) >= BATCH_SIZE:
                _write_batch(batch, report, source=source)
                batch = []
    except ijson.JSONError as error:
        # yajl's messages span several lines with an ASCII-art pointer: keep the first.
        detail = str(error).strip().splitlines()[0].removeprefix("parse error: ").strip()
        where = f"après l'offre n° {report.read}" if report.read else "dès le début du fichier"
        report.errors.append(f"JSON invalide {where} ({detail}) : la suite du fichier est ignorée.")
    if batch:
        _write_batch(batch, report, source=source)
    if not report.read and not report.errors:
        report.errors.append(
            "Aucune offre dans le fichier : ni liste d'offres, ni clé « resultats » non vide."
        )
    if full:
        if report.errors:
            report.errors.append("Import incomplet : aucune offre n'a été close.")
        elif not seen:
            report.errors.append("Aucune offre valable : aucune offre n'a été close.")
        else:
            report.closed = _close_missing(seen, source=source)
    logger.info("import_offers %s: %s", source, report.summary())
    return report
