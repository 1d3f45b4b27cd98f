"""One row of the events import read into model values, column group by column group.

Each `read_…` method of RowReader reads a group of columns into `values` and reports what is
wrong under the column it concerns, in French. The resource (events/imports/resources.py) runs
them in order, then checks the row against the file's other rows and against the model.
"""

import datetime
import re
import zoneinfo

from django.conf import settings

from events.imports import francetravail
from events.imports.columns import (
    AUDIENCES,
    MODALITES,
    STATUSES,
    TYPES,
    cell_text,
    fold,
    parse_bool,
    parse_choice,
    parse_coordinate,
    parse_date,
    parse_seats,
    parse_time,
)
from events.models import Event, Organiser
from events.scoping import event_in_scope, organisers_in_scope, scope_for
from semaine.geo.locate import LocationSource, coordinates_doubt, find_commune
from semaine.geo.postcodes import check_postcode
from semaine.models import Department, Edition, Trade

# (column, model field, lookup, error, choices, value when the cell is empty)
CHOICE_COLUMNS = (
    ("type", "type", TYPES, "type inconnu", Event.Type.choices, None),
    ("modalite", "modalite", MODALITES, "modalité inconnue", Event.Modalite.choices, "presentiel"),
    ("public", "audience", AUDIENCES, "public inconnu", Event.Audience.choices, "tous"),
    ("statut", "status", STATUSES, "statut inconnu", Event.Status.choices, None),
)
SEAT_COLUMNS = (
    ("places_sur_place", "capacity_onsite"),
    ("places_en_ligne", "capacity_online"),
)
# (column, model field, value when the cell is empty)
YES_NO_COLUMNS = (
    ("inscription_obligatoire", "registration_required", True),
    ("accessible_fauteuil", "wheelchair_accessible", False),
)


class RowContext:
    """Reference data looked up once per import, not once per row."""

    def __init__(self):
        self.departments = {d.code: d for d in Department.objects.all()}
        current = list(Trade.objects.current())
        self.trades = {t.code: t.pk for t in current}
        self.trade_codes = {t.pk: t.code for t in current}
        self.trade_sectors = {t.pk: t.sector for t in current}
        self.organisers = {fold(o.name): o for o in Organiser.objects.all()}
        self.editions = list(Edition.objects.all())
        self.current_edition = Edition.objects.current_cached()

    def edition_for(self, day: datetime.date) -> Edition | None:
        for edition in self.editions:
            if edition.start_date <= day <= edition.end_date:
                return edition
        return self.current_edition


class RowReader:
    """The model values of one row, its trades and its errors keyed by column; `warnings`,
    keyed by column too, says what the import did differently from what the row asked."""

    def __init__(self, row, context: RowContext, user, default_organiser: Organiser | None):
        self.row = row
        self.ctx = context
        self.user = user
        self.default_organiser = default_organiser
        self.values = {}
        self.errors = {}
        self.warnings = {}

    def read(self) -> tuple[dict, list[int] | None, dict[str, list[str]]]:
        self.read_formulas()
        self.read_title_and_choices()
        department = self.read_place()
        self.read_coordinates()
        self.read_online_link()
        day = self.read_dates(department)
        self.read_organiser(department)
        self.read_edition(day)
        self.read_seats()
        trade_ids = self.read_trades()
        self.read_reference()
        return self.values, trade_ids, self.errors

    def get(self, key):
        return self.row.get(key)

    def text(self, key) -> str:
        return cell_text(self.row.get(key))

    def error(self, column, message):
        self.errors.setdefault(column, []).append(message[0].upper() + message[1:])

    # -- column groups --------------------------------------------------------------------------

    def read_formulas(self):
        # A CSV keeps a formula as its text ("=SOMME(A1)"): never store it as if it were data.
        for key, value in self.row.items():
            if isinstance(value, str) and value.startswith("=") and len(value) > 1:
                self.error(key, "formule de tableur refusée : saisissez la valeur elle-même.")

    def read_title_and_choices(self):
        """Title, description, and the columns of a list: type, modality, audience, status."""
        self.values["title"] = self.text("titre")[:200]
        if not self.values["title"]:
            self.error("titre", "titre manquant.")
        self.values["description"] = self.text("description")
        for key, attr, lookup, what, choices, default in CHOICE_COLUMNS:
            if not self.text(key):
                self.values[attr] = default
                if key == "type":
                    self.error("type", "type manquant.")
                continue
            try:
                self.values[attr] = parse_choice(self.get(key), lookup, what, choices)
            except ValueError as e:
                self.error(key, str(e))

    def read_place(self) -> Department | None:
        """Postcode, city, venue, address and department: the postcode's, when left empty; a
        postcode no commune has, or of another department, is an error (never padded: a
        spreadsheet's « 6900 » may be 69000 as much as 06900)."""
        postcode = self.text("code_postal")
        self.values["postcode"] = postcode[:5]
        self.values["city"] = self.text("ville")[:100]
        self.values["venue_name"] = self.text("lieu")[:200]
        self.values["address"] = self.text("adresse")[:300]
        code = self.text("departement").upper()
        if code.isdigit() and len(code) == 1:
            code = "0" + code
        department = self.ctx.departments.get(code) if code else None
        if code and department is None:
            self.error("departement", f"département inconnu : « {code[:10]} ».")
        check = check_postcode(
            postcode, city=self.values["city"], department=department.code if department else None
        )
        if check.field == "postcode":
            self.error("code_postal", check.error)
        elif check.error and (department is not None or not code):
            self.error("departement", check.error)  # not said again for an unknown code
        elif department is None and not code and check.department:
            department = self.ctx.departments.get(check.department)
        self.values["department"] = department
        return department

    def read_coordinates(self):
        """The venue's own coordinates (latitude, longitude columns), when they can be right.

        Coordinates that cannot be the venue's (outside France, or too far from the commune
        of the postcode and city) are set aside with a warning in the preview, and the event
        is placed at its commune's centre, as without coordinates. They are not a row error:
        France Travail's payloads carry such coordinates (a sample places a Paris event in
        Algeria), and an error would block the whole file over a figure its importer cannot
        correct, while the postcode and city still place the event within a few kilometres.
        A cell that is not a number at all is an error, as in any other column.
        """
        if "latitude" not in self.row and "longitude" not in self.row:
            return  # a file without these columns keeps the coordinates its events have
        self.values.update(latitude=None, longitude=None, location_source=LocationSource.NONE)
        latitude = self._parse("latitude", parse_coordinate)
        longitude = self._parse("longitude", parse_coordinate)
        for key, value, other in (
            ("latitude", latitude, longitude),
            ("longitude", longitude, latitude),
        ):
            if value is None and other is not None and not self.text(key):
                self.error(key, f"{key} manquante : la latitude et la longitude, ou aucune.")
        if latitude is None or longitude is None:
            return
        if self.values.get("modalite") == Event.Modalite.DISTANCIEL:
            return  # an online-only event has no venue to place (Event.locate)
        commune = find_commune(postcode=self.values["postcode"], city=self.values["city"])
        doubt = coordinates_doubt(latitude, longitude, commune)
        if doubt:
            where = (
                f"l'événement est placé au centre de {commune.label}."
                if commune
                else "le code postal et la ville ne désignent aucune commune : l'événement "
                "ne sera pas localisé (« Adresse non localisée »)."
            )
            self.warn(
                "latitude", f"coordonnées {latitude}, {longitude} écartées : {doubt} ; {where}"
            )
            return
        self.values.update(
            latitude=latitude, longitude=longitude, location_source=LocationSource.PRECISE
        )

    def warn(self, column, message):
        self.warnings.setdefault(column, []).append(message[0].upper() + message[1:])

    def read_online_link(self):
        self.values["online_url"] = self.text("lien_connexion")[:500]

    def read_dates(self, department: Department | None) -> datetime.date | None:
        """Start and end: a day and two local times, in the time zone of the place."""
        tz = self._time_zone(department)
        for key in ("date", "heure_debut", "heure_fin"):
            if not self.text(key) and not isinstance(self.get(key), datetime.date | datetime.time):
                self.error(key, f"{'date' if key == 'date' else 'heure'} manquante.")
        day = self._parse("date", parse_date)
        start_time = self._parse("heure_debut", parse_time)
        end_time = self._parse("heure_fin", parse_time)
        self.values["start"] = (
            datetime.datetime.combine(day, start_time, tzinfo=tz) if day and start_time else None
        )
        self.values["end"] = (
            datetime.datetime.combine(day, end_time, tzinfo=tz) if day and end_time else None
        )
        return day

    def _time_zone(self, department: Department | None) -> datetime.tzinfo:
        """The department's; without one, the fuseau_horaire column's, else Paris."""
        tz = department.tzinfo if department else zoneinfo.ZoneInfo(settings.TIME_ZONE)
        name = self.text("fuseau_horaire")
        if name and not department:
            try:
                tz = zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                self.error("fuseau_horaire", f"fuseau horaire inconnu : « {name[:40]} ».")
        return tz

    def _parse(self, key, parse):
        """The cell read by `parse`; None when it is empty or invalid (the error is reported)."""
        try:
            return parse(self.get(key)) if self.text(key) else None
        except ValueError as e:
            self.error(key, str(e))
            return None

    def read_organiser(self, department: Department | None):
        """The organiser, in the user's scope, and the department in the organiser's scope."""
        organiser = self._organiser()
        self.values["organiser"] = organiser
        if organiser is None:
            return
        probe = Event(organiser=organiser, department=department)
        probe.region_id = department.region_id if department else None
        if event_in_scope(self.user, probe):
            return
        if department:
            self.error("departement", "ce département n'est pas dans votre région.")
        else:
            # An online event has no region: only its organiser puts it in a scope. Imported
            # anyway, it would be an event its importer can neither see nor fix.
            self.error(
                "organisateur",
                "un événement sans département (en ligne) doit être organisé par votre "
                "organisme : il sortirait de votre périmètre.",
            )

    def _organiser(self) -> Organiser | None:
        scope = scope_for(self.user)
        name = self.text("organisateur")
        own = None
        if scope.organiser_id:
            own = next(
                (o for o in self.ctx.organisers.values() if o.pk == scope.organiser_id), None
            )
        if not name:
            organiser = self.default_organiser or own
            if organiser is None:
                self.error(
                    "organisateur",
                    "organisateur manquant : indiquez-le dans la colonne ou "
                    "choisissez un organisateur par défaut.",
                )
            return organiser
        organiser = self.ctx.organisers.get(fold(name))
        if organiser is None:
            self.error(
                "organisateur", f"organisateur inconnu : « {name[:80]} » ; créez-le d'abord."
            )
            return None
        if not organisers_in_scope(self.user).filter(pk=organiser.pk).exists():
            self.error("organisateur", f"« {organiser} » n'est pas dans votre périmètre.")
            return None
        return organiser

    def read_edition(self, day: datetime.date | None):
        """The edition column's year; without one, the edition of the event's day."""
        year = self.text("edition")
        if year:
            edition = next((e for e in self.ctx.editions if str(e.year) == year), None)
            if edition is None:
                self.error("edition", f"édition inconnue : « {year[:10]} ».")
        else:
            edition = self.ctx.edition_for(day) if day else self.ctx.current_edition
            if edition is None and day:
                self.error("date", "aucune édition de la Semaine n'est définie : créez-en une.")
        self.values["edition"] = edition

    def read_seats(self):
        """Seats on site and online, registration required, wheelchair access."""
        for key, attr in SEAT_COLUMNS:
            try:
                self.values[attr] = parse_seats(self.get(key))
            except ValueError as e:
                self.error(key, str(e))
        for key, attr, default in YES_NO_COLUMNS:
            try:
                self.values[attr] = parse_bool(self.get(key), default)
            except ValueError as e:
                self.error(key, str(e))

    def read_trades(self) -> list[int] | None:
        """The ROME codes' trades; None when the file has no metiers column (trades kept)."""
        if "metiers" not in self.row:
            return None
        trade_ids = []
        for code in re.split(r"[\s,;/]+", self.text("metiers").upper()):
            if not code:
                continue
            if code not in self.ctx.trades:
                self.error("metiers", f"code ROME inconnu : « {code[:10]} ».")
            else:
                trade_ids.append(self.ctx.trades[code])
        return trade_ids

    def read_reference(self):
        """The reference that makes a re-import update its event, numbered per organiser."""
        ref = self.text("reference")[:100]
        organiser = self.values["organiser"]
        if self.text("source") == francetravail.SOURCE:
            self.values["external_source"] = francetravail.SOURCE
            if not ref:
                self.error("reference", "identifiant France Travail (id) manquant.")
        elif organiser is not None:
            # Each organiser numbers its own rows: two agencies may both use "A1".
            self.values["external_source"] = f"tableur-{organiser.pk}"
        else:
            self.values["external_source"] = ""
        self.values["external_id"] = ref if self.values["external_source"] else ""
