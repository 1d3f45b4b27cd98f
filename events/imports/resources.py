"""Bulk import of events from CSV, XLSX and France Travail payloads (django-import-export).

The admin's import page runs the whole file as a dry run first and lists every row error in
French; only a file without any error can be confirmed, and it is then written in one transaction
(all or nothing). A row carrying a reference (or a France Travail id) updates the event it
imported the first time, so importing the same file twice creates nothing new. Imported events
are forced into the importing user's scope (events/scoping.py).
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.encoding import force_str
from django.utils.html import conditional_escape, format_html
from import_export import fields, resources

from events.imports.columns import (
    COLUMN_KEYS,
    COLUMN_LABELS,
    COLUMN_MODEL_FIELDS,
    EXTRA_KEYS,
    IGNORED_KEYS,
    MAX_ROWS,
    MODEL_FIELD_COLUMNS,
    REQUIRED,
    ImportFileError,
    cell_text,
    column_key,
)
from events.imports.rows import RowContext, RowReader
from events.models import Event
from events.scoping import event_in_scope
from semaine.geo.locate import LocationSource

# -- the resource -------------------------------------------------------------------------------


class PreviewDiff(resources.Diff):
    """The preview's cells: labels and local times (the dehydrate methods), changes marked with
    <del>/<ins> and no inline style (the site's CSP forbids them)."""

    def __init__(self, resource, instance, new):
        self.left = self._values(resource, instance)
        self.right = []
        self.new = new

    def compare_with(self, resource, instance):
        self.right = self._values(resource, instance)

    @staticmethod
    def _values(resource, instance):
        fields_ = resource.get_import_fields()
        if instance is None:
            return ["" for _ in fields_]
        return [force_str(resource.export_field(f, instance)) for f in fields_]

    def as_html(self):
        cells = []
        for old, new in zip(self.left, self.right, strict=True):
            if self.new or old == new:
                cells.append(conditional_escape(new))
            else:
                cells.append(format_html("<del>{}</del> <ins>{}</ins>", old, new))
        return cells


class EventResource(resources.ModelResource):
    """Events as rows of the documented columns; see COLUMNS and the downloadable template."""

    ligne = fields.Field(column_name="ligne", dehydrate_method="dehydrate_ligne")
    reference = fields.Field(attribute="external_id", column_name="reference")
    titre = fields.Field(attribute="title", column_name="titre")
    type = fields.Field(column_name="type", dehydrate_method="dehydrate_type")
    modalite = fields.Field(column_name="modalite", dehydrate_method="dehydrate_modalite")
    debut = fields.Field(column_name="début", dehydrate_method="dehydrate_debut")
    fin = fields.Field(column_name="fin", dehydrate_method="dehydrate_fin")
    adresse = fields.Field(attribute="address", column_name="adresse")
    ville = fields.Field(attribute="city", column_name="ville")
    departement = fields.Field(attribute="department_id", column_name="departement")
    lien_connexion = fields.Field(attribute="online_url", column_name="lien_connexion")
    organisateur = fields.Field(column_name="organisateur", dehydrate_method="dehydrate_org")
    metiers = fields.Field(column_name="metiers", dehydrate_method="dehydrate_metiers")
    places_sur_place = fields.Field(attribute="capacity_onsite", column_name="places_sur_place")
    places_en_ligne = fields.Field(attribute="capacity_online", column_name="places_en_ligne")
    statut = fields.Field(column_name="statut", dehydrate_method="dehydrate_statut")
    localisation = fields.Field(
        column_name="localisation", dehydrate_method="dehydrate_localisation"
    )

    # What a re-import compares to decide that a row changed nothing.
    COMPARED = (
        "title", "description", "type", "modalite", "start", "end", "venue_name", "address",
        "postcode", "city", "department_id", "online_url", "organiser_id", "audience",
        "capacity_onsite", "capacity_online", "registration_required", "wheelchair_accessible",
        "status", "edition_id", "latitude", "longitude", "location_source",
    )  # fmt: skip

    class Meta:
        model = Event
        fields = (
            "ligne", "reference", "titre", "type", "modalite", "debut", "fin", "adresse",
            "ville", "departement", "lien_connexion", "organisateur", "metiers",
            "places_sur_place", "places_en_ligne", "statut", "localisation",
        )  # fmt: skip
        import_id_fields = ()
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def __init__(self, user=None, default_organiser=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.default_organiser = default_organiser
        self.context = None
        self.seen = {}
        self.parsed = {}
        self.warnings = {}

    @classmethod
    def get_display_name(cls):
        return "Événements"

    def get_diff_class(self):
        return PreviewDiff

    def import_data(self, *args, **kwargs):
        result = super().import_data(*args, **kwargs)
        # The preview's headers in French (« Heure de début »), not the columns' keys; only
        # once the rows are read, which look their cells up by those keys.
        result.diff_headers = [COLUMN_LABELS.get(key, key) for key in result.diff_headers]
        return result

    # -- whole file -----------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        try:
            self._read_headers_and_rows(dataset)
        except ImportFileError:
            # django-import-export goes on to the rows after an error here: none are left, so
            # the file's own error is not followed by a « Ligne 1 : 'ligne' » for each row.
            dataset.wipe()
            raise

    def _read_headers_and_rows(self, dataset):
        if self.user is None:
            raise ImportFileError("Import impossible sans utilisateur connecté.")
        headers = [column_key(h) for h in dataset.headers or []]
        known = set(COLUMN_KEYS) | set(EXTRA_KEYS) | set(IGNORED_KEYS)
        if not set(headers) & known:
            # Not one known column: the first line is data, not the headers.
            first_cells = ", ".join(f"« {cell_text(h)[:40]} »" for h in (dataset.headers or [])[:3])
            raise ImportFileError(
                "La ligne d'en-têtes manque : la première ligne du fichier doit nommer les "
                "colonnes (reference, titre, type, date, heure_debut, heure_fin…), or elle "
                f"commence par {first_cells}. Ajoutez la ligne d'en-têtes du modèle au-dessus "
                "de vos données."
            )
        unknown = [
            h for h, key in zip(dataset.headers, headers, strict=True) if key and key not in known
        ]
        if unknown:
            raise ImportFileError(
                "Colonnes inconnues : "
                + ", ".join(f"« {h} »" for h in unknown)
                + ". Téléchargez le modèle pour voir les colonnes attendues."
            )
        duplicates = sorted({h for h in headers if h and headers.count(h) > 1})
        if duplicates:
            raise ImportFileError("Colonnes en double : " + ", ".join(duplicates) + ".")
        missing = [key for key in REQUIRED if key not in headers]
        if missing:
            raise ImportFileError(
                "Colonnes obligatoires manquantes : "
                + ", ".join(missing)
                + ". Téléchargez le modèle pour voir les colonnes attendues."
            )
        rows = []
        # A spreadsheet's first data row is its line 2; a JSON payload's first event is n° 1.
        first = 1 if "source" in headers else 2
        for number, row in enumerate(dataset, start=first):
            if all(cell_text(value) == "" for value in row):
                continue  # empty lines of a spreadsheet are not rows
            rows.append([number, *row])
        if not rows:
            raise ImportFileError("Le fichier ne contient aucune ligne d'événement.")
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                f"Le fichier contient {len(rows):,} lignes : {MAX_ROWS:,} au plus par import. "
                "Découpez-le en plusieurs fichiers.".replace(",", "\u202f")
            )
        dataset.wipe()
        dataset.headers = ["ligne", *(h or f"_vide_{i}" for i, h in enumerate(headers))]
        for row in rows:
            dataset.append(row)
        self.context = RowContext()
        self.seen = {}
        self.parsed = {}
        self.warnings = {}

    def after_import(self, dataset, result, **kwargs):
        # What the import did differently from what a row asked, for the preview: (line,
        # column, message), in the file's order.
        result.row_warnings = [
            (line, column, message)
            for line, columns in sorted(self.warnings.items())
            for column, messages in columns.items()
            for message in messages
        ]
        super().after_import(dataset, result, **kwargs)

    # -- one row --------------------------------------------------------------------------------

    def get_instance(self, instance_loader, row):
        values, _, errors = self._parsed(row)
        if errors:
            return None
        source, ref = values["external_source"], values["external_id"]
        if ref:
            return Event.objects.filter(external_source=source, external_id=ref).first()
        return Event.objects.filter(
            organiser=values["organiser"],
            title__iexact=values["title"],
            start=values["start"],
            external_id="",
        ).first()

    def _parsed(self, row):
        # Parsed once per row: the instance lookup and the import both need the values.
        line = row["ligne"]
        if line not in self.parsed:
            self.parsed[line] = self.parse_row(row)
        return self.parsed[line]

    def parse_row(self, row) -> tuple[dict, list[int] | None, dict[str, list[str]]]:
        """The model values of a row, its trades and its errors keyed by column."""
        reader = RowReader(row, self.context, self.user, self.default_organiser)
        values, trade_ids, errors = reader.read()
        if reader.warnings:
            self.warnings[row["ligne"]] = reader.warnings
        if not errors:
            self._check_duplicate(row, values, reader.error)
        return values, trade_ids, errors

    def _check_duplicate(self, row, values, error):
        if values["external_id"]:
            key = ("ref", values["external_source"], values["external_id"])
            what = "même référence"
        else:
            key = ("row", values["organiser"].pk, values["title"].lower(), values["start"])
            what = "même titre, organisateur, date et heures"
        first = self.seen.setdefault(key, row["ligne"])
        if first != row["ligne"]:
            error(NON_FIELD_ERRORS, f"ligne en double : {what} que la ligne {first}.")

    def import_instance(self, instance, row, **kwargs):
        values, trade_ids, errors = self._parsed(row)
        if instance.pk and not event_in_scope(self.user, instance):
            raise ValidationError(
                {
                    "reference": "Cette référence désigne l'événement d'un autre organisateur : "
                    "vous ne pouvez pas le modifier."
                }
            )
        if (
            "location_source" not in values
            and instance.location_source == LocationSource.PRECISE
            and any(getattr(instance, a) != values[a] for a in ("address", "postcode", "city"))
        ):
            # A file without coordinates moves the venue: the coordinates were the old one's.
            instance.location_source = LocationSource.NONE
        # Values that parsed are set even when others did not, so that the model's own rules
        # (link of an online event, address on site…) are reported in the same preview.
        for attr, value in values.items():
            if value is None and attr in ("status", "type", "title", "modalite"):
                continue  # a re-import without status keeps the event's own
            setattr(instance, attr, value)
        if not instance.status:
            instance.status = Event.Status.DRAFT
        instance._import_line = row["ligne"]
        instance._import_trade_ids = trade_ids
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        exclude = {f for column in errors for f in COLUMN_MODEL_FIELDS.get(column, ())}
        # These were looked up in the database by the row's parsing: no need to check again.
        exclude |= {"department", "organiser", "edition"}
        try:
            # The check constraints repeat Event.clean() (same rules, same messages): skip them.
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as e:
            for name, messages in e.message_dict.items():
                column = MODEL_FIELD_COLUMNS.get(name, name)
                if column in errors or name in exclude:
                    continue  # the row's own error on that column already says it
                errors.setdefault(column, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        instance.locate()  # as save() would: the commune's centre, when not precise
        if any(getattr(instance, a) != getattr(original, a) for a in self.COMPARED):
            return False
        trade_ids = getattr(instance, "_import_trade_ids", None)
        if trade_ids is None:
            return True
        return set(trade_ids) == set(original.trades.values_list("pk", flat=True))

    def before_save_instance(self, instance, row, **kwargs):
        instance._import_new = instance.pk is None
        trade_ids = getattr(instance, "_import_trade_ids", None)
        if instance.pk is None and trade_ids is not None:
            sectors = {self.context.trade_sectors[pk] for pk in trade_ids}
            instance.sectors = "".join(sorted(sectors))
        if instance.pk is None:
            instance.created_by = self.user
        instance.updated_by = self.user

    def save_m2m(self, instance, row, **kwargs):
        trade_ids = getattr(instance, "_import_trade_ids", None)
        if trade_ids is None:
            return
        if getattr(instance, "_import_new", False):
            instance.trades.add(*trade_ids)  # sectors were set before the insert
        else:
            instance.trades.set(trade_ids)
            instance.refresh_sectors()

    # -- preview columns ------------------------------------------------------------------------

    def dehydrate_ligne(self, event):
        return getattr(event, "_import_line", "")

    def dehydrate_type(self, event):
        return event.get_type_display() if event.type else ""

    def dehydrate_modalite(self, event):
        return event.get_modalite_display() if event.modalite else ""

    def dehydrate_debut(self, event):
        return event.local_start.strftime("%d/%m/%Y %H:%M") if event.start else ""

    def dehydrate_fin(self, event):
        return event.local_end.strftime("%d/%m/%Y %H:%M") if event.end else ""

    def dehydrate_org(self, event):
        return str(event.organiser) if event.organiser_id else ""

    def dehydrate_metiers(self, event):
        trade_ids = getattr(event, "_import_trade_ids", None)
        if trade_ids is not None and self.context:
            return " ".join(sorted(self.context.trade_codes[pk] for pk in trade_ids))
        if not event.pk:
            return ""
        return " ".join(event.trades.order_by("code").values_list("code", flat=True))

    def dehydrate_statut(self, event):
        return event.get_status_display() if event.status else ""

    def dehydrate_localisation(self, event):
        # Where the event lands on the map: its own coordinates, or where they come from.
        if event.location_source == LocationSource.PRECISE and event.is_located:
            return f"{event.latitude:.5f}, {event.longitude:.5f}"
        return event.get_location_source_display() if event.location_source else ""
