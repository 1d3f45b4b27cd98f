"""Events in and out of the admin as files (django-import-export): import, template, export.

The import's columns, formats and row checks live in events/imports/; this module is their
admin side: the upload and confirm forms (with a default organiser in the user's scope), the
downloadable template, the export of a selection in the import's columns.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from import_export import fields, resources
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ImportForm, SelectableFieldsExportForm

from events.imports.columns import (
    COLUMN_KEYS,
    COLUMN_LABELS,
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    REQUIRED,
    ImportFileError,
    template_dataset,
)
from events.imports.formats import (
    IMPORT_FORMATS,
    ExcelCSV,
    FranceTravailJSON,
    SpreadsheetCSV,
    SpreadsheetXLSX,
)
from events.imports.resources import EventResource
from events.imports.template import template_xlsx
from events.models import Event, Organiser
from events.scoping import organisers_in_scope
from semaine.geo.locate import LocationSource
from semaine.spreadsheets import neutralise

# The format of a file, from its name's extension: staff need not choose it by hand.
FORMAT_OF_EXTENSION = {
    "csv": SpreadsheetCSV,
    "txt": SpreadsheetCSV,
    "xlsx": SpreadsheetXLSX,
    "json": FranceTravailJSON,
}


class EventImportForm(ImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["format"]
        field.required = False
        field.label = "Format"
        field.help_text = (
            "Laissé vide, il est déduit de l'extension du fichier (.csv, .xlsx ou .json)."
        )
        field.choices = [("", "d'après l'extension du fichier"), *field.choices[1:]]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is not None and not cleaned.get("format"):
            extension = upload.name.rpartition(".")[2].lower() if "." in upload.name else ""
            file_format = FORMAT_OF_EXTENSION.get(extension)
            if file_format is None:
                self.add_error(
                    "format",
                    f"L'extension du fichier « {upload.name} » ne dit pas son format : "
                    "choisissez-le (CSV, XLSX ou JSON France Travail).",
                )
            else:
                cleaned["format"] = str(IMPORT_FORMATS.index(file_format))
        return cleaned

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"Ce fichier pèse plus de {MAX_FILE_BYTES // 2**20} Mo : un import compte au plus "
                f"{MAX_ROWS} lignes. Découpez-le en plusieurs fichiers."
            )
        return upload

    default_organiser = forms.ModelChoiceField(
        label="Organisateur par défaut",
        queryset=Organiser.objects.none(),
        required=False,
        help_text="Pour les lignes sans colonne « organisateur ». Un compte d'agence importe "
        "toujours pour sa propre agence.",
    )


class EventExportForm(SelectableFieldsExportForm):
    """The export form, its columns named in French (« Heure de début », not « Heure Debut »)."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        column = field.column_name if field else field_name
        return COLUMN_LABELS.get(column, column)


class EventConfirmImportForm(ConfirmImportForm):
    default_organiser = forms.CharField(widget=forms.HiddenInput(), required=False)


def _text_field(column, attribute):
    return fields.Field(attribute=attribute, column_name=column)


def _computed_field(column):
    return fields.Field(column_name=column, dehydrate_method=f"dehydrate_{column}")


class EventExportResource(resources.ModelResource):
    """The selection in the import's columns: an export can be edited and imported again."""

    reference = _text_field("reference", "external_id")
    titre = _text_field("titre", "title")
    type = _computed_field("type")
    modalite = _computed_field("modalite")
    date = _computed_field("date")
    heure_debut = _computed_field("heure_debut")
    heure_fin = _computed_field("heure_fin")
    lieu = _text_field("lieu", "venue_name")
    adresse = _text_field("adresse", "address")
    code_postal = _text_field("code_postal", "postcode")
    ville = _text_field("ville", "city")
    departement = _text_field("departement", "department_id")
    latitude = _computed_field("latitude")
    longitude = _computed_field("longitude")
    lien_connexion = _text_field("lien_connexion", "online_url")
    organisateur = _computed_field("organisateur")
    metiers = _computed_field("metiers")
    public = _computed_field("public")
    places_sur_place = _text_field("places_sur_place", "capacity_onsite")
    places_en_ligne = _text_field("places_en_ligne", "capacity_online")
    inscription_obligatoire = _computed_field("inscription_obligatoire")
    accessible_fauteuil = _computed_field("accessible_fauteuil")
    statut = _computed_field("statut")
    description = _text_field("description", "description")
    inscrits_sur_place = _text_field("inscrits_sur_place", "confirmed_onsite")
    inscrits_en_ligne = _text_field("inscrits_en_ligne", "confirmed_online")

    class Meta:
        model = Event
        fields = (
            *COLUMN_KEYS,
            "inscrits_sur_place",
            "inscrits_en_ligne",
        )
        export_order = fields

    @classmethod
    def get_display_name(cls):
        return "Événements (colonnes du modèle d'import)"

    def export_field(self, field, instance, **kwargs):
        # django-import-export only strips a leading "=": a title planted by one agency
        # ("+cmd|…", "@SUM(…)") must stay text in a colleague's spreadsheet. The import takes
        # the apostrophe off again (events.imports.columns.cell_text).
        value = super().export_field(field, instance, **kwargs)
        return neutralise(value) if isinstance(value, str) else value

    def export(self, queryset=None, **kwargs):
        queryset = queryset.select_related("organiser", "department").prefetch_related("trades")
        return super().export(queryset=queryset, **kwargs)

    def dehydrate_type(self, event):
        return event.get_type_display()

    def dehydrate_modalite(self, event):
        return event.get_modalite_display()

    def dehydrate_date(self, event):
        return event.local_start.strftime("%d/%m/%Y")

    def dehydrate_heure_debut(self, event):
        return event.local_start.strftime("%H:%M")

    def dehydrate_heure_fin(self, event):
        return event.local_end.strftime("%H:%M")

    # Only coordinates typed or imported for the venue itself: a commune's centre exported
    # here would come back from the spreadsheet as the venue's own.
    def dehydrate_latitude(self, event):
        return event.latitude if event.location_source == LocationSource.PRECISE else ""

    def dehydrate_longitude(self, event):
        return event.longitude if event.location_source == LocationSource.PRECISE else ""

    def dehydrate_organisateur(self, event):
        return event.organiser.name

    def dehydrate_metiers(self, event):
        return " ".join(sorted(t.code for t in event.trades.all()))

    def dehydrate_public(self, event):
        return event.get_audience_display()

    def dehydrate_inscription_obligatoire(self, event):
        return "oui" if event.registration_required else "non"

    def dehydrate_accessible_fauteuil(self, event):
        return "oui" if event.wheelchair_accessible else "non"

    def dehydrate_statut(self, event):
        return event.get_status_display()


class EventImportExportMixin:
    """The import and export hooks of EventAdmin; goes before ImportMixin in its bases."""

    import_template_name = "admin/events/event/import.html"
    import_form_class = EventImportForm
    export_form_class = EventExportForm
    confirm_form_class = EventConfirmImportForm
    import_error_display = ("message",)
    resource_classes = [EventResource]
    to_encoding = "utf-8-sig"

    def get_urls(self):
        return [
            path(
                "import/modele.<str:ext>",
                self.admin_site.admin_view(self.import_template_view),
                name="events_event_import_template",
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request, ext):
        if not self.has_import_permission(request):
            raise PermissionDenied
        dataset = template_dataset()
        if ext == "csv":
            response = HttpResponse(
                "\ufeff" + dataset.export("csv", delimiter=";"),
                content_type="text/csv; charset=utf-8",
            )
        elif ext == "xlsx":
            response = HttpResponse(
                template_xlsx(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            raise Http404("Modèle disponible en .csv ou .xlsx.")
        response["Content-Disposition"] = f'attachment; filename="modele-import-evenements.{ext}"'
        return response

    # -- import ---------------------------------------------------------------------------------

    def get_import_context_data(self, **kwargs):
        return {
            "import_columns": COLUMNS,
            "required_columns": REQUIRED,
            "max_rows": MAX_ROWS,
        }

    def get_import_formats(self):
        return IMPORT_FORMATS

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.fields["default_organiser"].queryset = organisers_in_scope(request.user)
        return form

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            organiser = import_form.cleaned_data.get("default_organiser")
            initial["default_organiser"] = organiser.pk if organiser else ""
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        default = None
        data = getattr(form, "cleaned_data", None) or {}
        value = data.get("default_organiser")
        if isinstance(value, Organiser):
            default = value
        elif value:
            default = organisers_in_scope(request.user).filter(pk=value).first()
        return {"user": request.user, "default_organiser": default}

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file",
                "Ce fichier n'a pas pu être lu dans le format choisi : vérifiez le format "
                "(CSV, XLSX ou JSON France Travail) et réessayez.",
            )

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                "Import annulé, rien n'a été enregistré : le fichier a changé ou contient des "
                "erreurs. Recommencez l'import pour voir le détail.",
            )
            return redirect(reverse("admin:events_event_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            f"Import terminé : {totals['new']} événement(s) créé(s), {totals['update']} mis à "
            f"jour, {totals['skip']} inchangé(s).",
        )

    # -- export ---------------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "export_admin_action" in actions:
            # django-import-export's French says « Exporter événements selectionné(e)s ».
            function, name, _ = actions["export_admin_action"]
            actions["export_admin_action"] = (
                function,
                name,
                "Exporter les %(verbose_name_plural)s sélectionnés (CSV ou XLSX)",
            )
        return actions

    def get_valid_export_item_pks(self, request):
        # The selection posted by the export action may only name events in the user's scope.
        return self.get_queryset(request).values_list("pk", flat=True)

    def get_export_formats(self):
        return [ExcelCSV, base_formats.XLSX]

    def get_export_resource_classes(self, request):
        return [EventExportResource]
