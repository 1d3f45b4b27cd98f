"""Events in the admin: scoped lists and forms, actions, import, export, dashboard."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from import_export import fields, resources
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ImportForm

from events import stats
from events.admin.registrations import (
    RegistrationInline,
    registrants_csv_response,
    save_registration_changes,
)
from events.admin.scoped import ScopedEventsMixin
from events.imports import resources as import_resources
from events.models import Event, Organiser, Registration
from events.scoping import (
    departments_in_scope,
    event_scope_error,
    events_in_scope,
    organisers_in_scope,
    registrations_in_scope,
    scope_for,
)
from events.services.events import (
    event_cancel,
    event_duplicate,
    event_publish,
    event_unpublish,
)
from semaine.admin.mixins import HttpsLinksMixin
from semaine.models import Department, Edition

# -- events -------------------------------------------------------------------------------------


class EventImportForm(ImportForm):
    default_organiser = forms.ModelChoiceField(
        label="Organisateur par défaut",
        queryset=Organiser.objects.none(),
        required=False,
        help_text="Pour les lignes sans colonne « organisateur ». Un compte d'agence importe "
        "toujours pour sa propre agence.",
    )


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
            *import_resources.COLUMN_KEYS,
            "inscrits_sur_place",
            "inscrits_en_ligne",
        )
        export_order = fields

    @classmethod
    def get_display_name(cls):
        return "Événements (colonnes du modèle d'import)"

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


class EventAdmin(
    HttpsLinksMixin, ScopedEventsMixin, ImportMixin, ExportActionMixin, admin.ModelAdmin
):
    list_display = [
        "start_display",
        "title",
        "type",
        "modalite",
        "city",
        "department",
        "status_display",
        "seats_display",
    ]
    list_display_links = ["start_display", "title"]
    list_filter = [
        "status",
        "type",
        "modalite",
        ("region", admin.RelatedOnlyFieldListFilter),
        ("department", admin.RelatedOnlyFieldListFilter),
        ("start", admin.DateFieldListFilter),
        ("edition", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "city", "organiser__name"]
    date_hierarchy = "start"
    list_select_related = ["department", "organiser"]
    list_per_page = 50
    ordering = ["-start", "id"]  # the coming edition first, archives after
    autocomplete_fields = ["organiser", "trades", "department"]
    readonly_fields = [
        "confirmed_onsite",
        "confirmed_online",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "external_source",
        "external_id",
    ]
    fieldsets = [
        (
            "Événement",
            {"fields": ["title", "type", "status", "organiser", "description", "edition"]},
        ),
        ("Public et métiers", {"fields": ["audience", "trades"]}),
        (
            "Date et modalité",
            {
                "fields": ["modalite", "start", "end"],
                "description": "Heures locales du lieu : heure de Paris, ou heure du département "
                "d'outre-mer choisi plus bas.",
            },
        ),
        (
            "Lieu (sur place)",
            {
                "fields": [
                    "venue_name",
                    "address",
                    ("postcode", "city"),
                    "department",
                    "wheelchair_accessible",
                ]
            },
        ),
        ("En ligne", {"fields": ["online_url"]}),
        (
            "Inscriptions",
            {
                "fields": [
                    "registration_required",
                    ("capacity_onsite", "confirmed_onsite"),
                    ("capacity_online", "confirmed_online"),
                ]
            },
        ),
        (
            "Historique",
            {
                "classes": ["collapse"],
                "fields": [
                    ("created_at", "created_by"),
                    ("updated_at", "updated_by"),
                    ("external_source", "external_id"),
                ],
            },
        ),
    ]
    inlines = [RegistrationInline]
    actions = [
        "publish",
        "unpublish",
        "cancel",
        "duplicate",
        "export_registrants",
    ]
    change_list_template = "admin/events/event/change_list.html"
    change_form_template = "admin/events/event/change_form.html"
    import_template_name = "admin/events/event/import.html"
    import_form_class = EventImportForm
    confirm_form_class = EventConfirmImportForm
    import_error_display = ("message",)
    resource_classes = [import_resources.EventResource]
    to_encoding = "utf-8-sig"

    # -- scope ----------------------------------------------------------------------------------

    def get_queryset(self, request):
        return events_in_scope(request.user, super().get_queryset(request))

    def has_delete_permission(self, request, obj=None):
        # An event people registered to is cancelled, not deleted: they must be warned.
        if obj is not None and obj.registrations.exclude(status="cancelled").exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one by one, so the rule above is checked
        if not self.has_change_permission(request):
            for name in ("publish", "unpublish", "cancel"):
                actions.pop(name, None)
        if not self.has_add_permission(request):
            actions.pop("duplicate", None)
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "organiser":
            field.queryset = organisers_in_scope(request.user, field.queryset)
        elif db_field.name == "department":
            field.queryset = departments_in_scope(request.user, field.queryset)
        return field

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        scope = scope_for(request.user)
        if scope.organiser_id:
            initial.setdefault("organiser", scope.organiser_id)
        edition = Edition.objects.current_cached()
        if edition:
            initial.setdefault("edition", edition.pk)
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class ScopedEventForm(form_class):
            def clean(self):
                cleaned = super().clean()
                organiser = cleaned.get("organiser")
                if organiser is None:
                    return cleaned  # the field's own error says it is missing
                # The event as submitted (the instance is only updated after clean()).
                probe = Event(organiser=organiser, department=cleaned.get("department"))
                message = event_scope_error(user, probe)
                if message:
                    raise forms.ValidationError(message)
                return cleaned

        return ScopedEventForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Times are typed and shown in the local time of the event's department (overseas
        # included): the department being submitted, else the saved one, else Paris.
        code = request.POST.get("department") if request.method == "POST" else None
        if code is None and object_id:
            code = (
                self.get_queryset(request)
                .filter(pk=object_id if str(object_id).isdigit() else None)
                .values_list("department_id", flat=True)
                .first()
            )
        department = Department.objects.filter(pk=code).first() if code else None
        with timezone.override(department.tzinfo if department else None):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        for formset in formsets:
            if formset.model is Registration:
                save_registration_changes(request, formset)
            else:
                self.save_formset(request, form, formset, change=change)
        form.instance.refresh_sectors()

    # -- list columns ---------------------------------------------------------------------------

    @admin.display(description="date", ordering="start")
    def start_display(self, obj):
        return obj.local_start.strftime("%d/%m/%Y %H:%M")

    @admin.display(description="statut", ordering="status")
    def status_display(self, obj):
        return format_html(
            '<span class="statut statut-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description="places prises / capacité")
    def seats_display(self, obj):
        capacity = obj.total_capacity
        return f"{obj.confirmed_total} / {'∞' if capacity is None else capacity}"

    # -- actions --------------------------------------------------------------------------------

    def _log(self, request, ids, message):
        """The actions change many rows at once: the event's history must still show them."""
        if ids:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=Event.objects.filter(pk__in=ids),
                action_flag=CHANGE,
                change_message=message,
            )

    @admin.action(description="Publier les événements sélectionnés")
    def publish(self, request, queryset):
        ids = event_publish(events=queryset, user=request.user)
        self._log(request, ids, "Publié.")
        self.message_user(request, f"{len(ids)} événement(s) publié(s).", messages.SUCCESS)

    @admin.action(description="Dépublier (repasser en brouillon)")
    def unpublish(self, request, queryset):
        ids = event_unpublish(events=queryset, user=request.user)
        self._log(request, ids, "Repassé en brouillon.")
        self.message_user(
            request,
            f"{len(ids)} événement(s) repassé(s) en brouillon : plus visibles sur le site.",
            messages.SUCCESS,
        )

    @admin.action(description="Annuler les événements sélectionnés (inscriptions conservées)")
    def cancel(self, request, queryset):
        ids, kept = event_cancel(events=queryset, user=request.user)
        self._log(request, ids, "Annulé (inscriptions conservées).")
        self.message_user(
            request,
            f"{len(ids)} événement(s) annulé(s). Les {kept} inscription(s) sont conservées : "
            "prévenez les personnes inscrites (export CSV des inscrits).",
            messages.WARNING,
        )

    @admin.action(description="Dupliquer (copie en brouillon)")
    def duplicate(self, request, queryset):
        copies = [event_duplicate(event=event, user=request.user) for event in queryset]
        for copy in copies:
            self.log_addition(request, copy, "Créé par l'action « Dupliquer ».")
        if len(copies) == 1:
            self.message_user(
                request,
                f"Copie créée en brouillon : « {copies[0].title} ». Modifiez-la puis publiez-la.",
                messages.SUCCESS,
            )
            return redirect(reverse("admin:events_event_change", args=[copies[0].pk]))
        self.message_user(request, f"{len(copies)} copies créées en brouillon.", messages.SUCCESS)

    @admin.action(description="Exporter les inscrits des événements sélectionnés (CSV)")
    def export_registrants(self, request, queryset):
        registrations = registrations_in_scope(
            request.user, Registration.objects.filter(event__in=queryset)
        )
        return registrants_csv_response(registrations, "inscrits.csv")

    # -- extra pages ----------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("tableau-de-bord/", view(self.dashboard_view), name="events_event_dashboard"),
            path(
                "import/modele.<str:ext>",
                view(self.import_template_view),
                name="events_event_import_template",
            ),
            path(
                "<path:object_id>/inscrits.csv",
                view(self.registrants_view),
                name="events_event_registrants",
            ),
            *super().get_urls(),
        ]

    def registrants_view(self, request, object_id):
        event = self.get_object(request, object_id)
        if event is None:
            raise Http404("Événement introuvable.")
        if not self.has_view_permission(request, event):
            raise PermissionDenied
        registrations = registrations_in_scope(request.user, event.registrations.all())
        return registrants_csv_response(registrations, f"inscrits-evenement-{event.pk}.csv")

    def import_template_view(self, request, ext):
        if not self.has_import_permission(request):
            raise PermissionDenied
        dataset = import_resources.template_dataset()
        if ext == "csv":
            response = HttpResponse(
                "\ufeff" + dataset.export("csv", delimiter=";"),
                content_type="text/csv; charset=utf-8",
            )
        elif ext == "xlsx":
            response = HttpResponse(
                dataset.export("xlsx"),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            raise Http404("Modèle disponible en .csv ou .xlsx.")
        response["Content-Disposition"] = f'attachment; filename="modele-import-evenements.{ext}"'
        return response

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        editions = list(Edition.objects.all())
        year = request.GET.get("edition", "")
        edition = next((e for e in editions if str(e.year) == year), None)
        if edition is None and year != "toutes":
            edition = Edition.objects.current_cached()
        figures = stats.dashboard_figures(
            events_in_scope(request.user),
            registrations_in_scope(request.user),
            edition,
        )
        context = {
            **self.admin_site.each_context(request),
            **figures,
            "title": "Tableau de bord",
            "opts": self.model._meta,
            "editions": editions,
            "selected": year if year == "toutes" else (edition.year if edition else ""),
            "scope": scope_for(request.user).describe(),
            "bar_width": stats.BAR_WIDTH,
        }
        return TemplateResponse(request, "admin/events/event/dashboard.html", context)

    # -- import (django-import-export) ----------------------------------------------------------

    def get_import_context_data(self, **kwargs):
        return {
            "import_columns": import_resources.COLUMNS,
            "required_columns": import_resources.REQUIRED,
            "max_rows": import_resources.MAX_ROWS,
        }

    def get_import_formats(self):
        return import_resources.IMPORT_FORMATS

    def get_valid_export_item_pks(self, request):
        # The selection posted by the export action may only name events in the user's scope.
        return self.get_queryset(request).values_list("pk", flat=True)

    def get_export_formats(self):
        return [import_resources.ExcelCSV, base_formats.XLSX]

    def get_export_resource_classes(self, request):
        return [EventExportResource]

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
        if isinstance(e, import_resources.ImportFileError):
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


admin.site.register(Event, EventAdmin)
