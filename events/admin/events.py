"""Events in the admin: the scoped list and form; actions, files and dashboard come as mixins.

The actions (events/admin/actions.py), duplication on other days (events/admin/duplicate.py), the
import and export (events/admin/importexport.py) and the dashboard (events/admin/dashboard.py) are
mixins of EventAdmin, each with its own pages.
"""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ExportActionMixin, ImportMixin

from events.admin.actions import EventActionsMixin
from events.admin.attendance import EventAttendanceMixin
from events.admin.dashboard import AtRiskFilter, EventDashboardMixin
from events.admin.duplicate import EventDuplicateMixin
from events.admin.importexport import EventImportExportMixin
from events.admin.messages import EventMessagesMixin
from events.admin.registrant_filters import AutocompleteFiltersMedia, EventOrganiserListFilter
from events.admin.registrations import RegistrationInline
from events.admin.scoped import ScopedEventsMixin
from events.models import Event, RegistrantAccess
from events.scoping import (
    departments_in_scope,
    event_scope_error,
    events_in_scope,
    invitable_roles,
    organisers_in_scope,
    registrations_in_scope,
    scope_for,
)
from events.services.audit import record_registrant_access
from semaine.admin.mixins import FrenchTitlesMixin, HttpsLinksMixin
from semaine.geo.locate import LocationSource
from semaine.geo.postcodes import postcode_department
from semaine.models import Department, Edition


class EventAdmin(
    FrenchTitlesMixin,
    HttpsLinksMixin,
    ScopedEventsMixin,
    EventActionsMixin,
    EventDuplicateMixin,
    EventAttendanceMixin,
    EventDashboardMixin,
    EventMessagesMixin,
    EventImportExportMixin,
    ImportMixin,
    ExportActionMixin,
    AutocompleteFiltersMedia,
    admin.ModelAdmin,
):
    def changelist_view(self, request, extra_context=None):
        # A regional coordinator sets up their region's staff from here (no users' list).
        extra_context = {"may_invite": bool(invitable_roles(request.user)), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    title_changelist = "Événements"
    title_add = "Nouvel événement"
    title_change = "Modifier l'événement"
    title_view = "Événement"
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
        AtRiskFilter,
        EventOrganiserListFilter,
        "type",
        "modalite",
        ("region", admin.RelatedOnlyFieldListFilter),
        ("department", admin.RelatedOnlyFieldListFilter),
        ("start", admin.DateFieldListFilter),
        ("edition", admin.RelatedOnlyFieldListFilter),
        "location_source",
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
        "location_source",
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
                    ("latitude", "longitude"),
                    "location_source",
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
    # « Voir sur le site » is the change form's own link (a draft's preview too), not Django's.
    view_on_site = False
    change_list_template = "admin/events/event/change_list.html"
    change_form_template = "admin/events/event/change_form.html"

    # -- scope ----------------------------------------------------------------------------------

    def get_queryset(self, request):
        return events_in_scope(request.user, super().get_queryset(request))

    def has_delete_permission(self, request, obj=None):
        # An event people registered to is cancelled, not deleted: they must be warned.
        if obj is not None and obj.registrations.active().exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_inlines(self, request, obj):
        # The registrations inline is read only: a save of the event takes nothing from it,
        # and a pending registration that expired since the page was shown must not fail it.
        return [] if request.method == "POST" else super().get_inlines(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "organiser":
            field.queryset = organisers_in_scope(request.user, field.queryset)
        elif db_field.name == "department":
            field.queryset = departments_in_scope(request.user, field.queryset)
            field.help_text = "Sur place : celui du code postal (vide : déduit de lui)."
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
                if (
                    not cleaned.get("department")
                    and cleaned.get("modalite") in Event.ONSITE_MODES
                    and "department" not in self.errors
                ):
                    # Left empty: the postcode's (Event.clean_place checks a chosen one), here
                    # already, so that the scope below is the event's as it will be saved.
                    code = postcode_department(cleaned.get("postcode"), cleaned.get("city", ""))
                    if code:
                        cleaned["department"] = Department.objects.get(pk=code)
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
        code = None
        if request.method == "POST":
            # Left empty, the department will be the postcode's (Event.clean_place).
            code = request.POST.get("department") or postcode_department(
                request.POST.get("postcode", "")[:10], request.POST.get("city", "")[:100]
            )
        elif object_id:
            code = (
                self.get_queryset(request)
                .filter(pk=object_id if str(object_id).isdigit() else None)
                .values_list("department_id", flat=True)
                .first()
            )
        department = Department.objects.filter(pk=code).first() if code else None
        with timezone.override(department.tzinfo if department else None):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        event = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and event is not None:
            # The page lists the event's registrants (RegistrationInline).
            registrants = registrations_in_scope(request.user, event.registrations.all()).count()
            if registrants:
                record_registrant_access(
                    request.user, RegistrantAccess.Action.EVENT_PAGE, [event], rows=registrants
                )
        return response

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        if {"latitude", "longitude"} & set(form.changed_data):
            # Coordinates typed by staff are the venue's own; emptied, the commune's centre.
            located = obj.latitude is not None and obj.longitude is not None
            obj.location_source = LocationSource.PRECISE if located else LocationSource.NONE
        super().save_model(request, obj, form, change)
        if obj.location_source == LocationSource.NOT_FOUND:
            messages.warning(
                request,
                f"Adresse non localisée : aucune commune ne correspond au code postal "
                f"« {obj.postcode} » et à la ville « {obj.city} ». L'événement n'apparaît pas "
                "dans les recherches autour d'un lieu : corrigez le code postal ou la ville, ou "
                "saisissez la latitude et la longitude du lieu.",
            )

    def save_related(self, request, form, formsets, change):
        # The registrations inline is read only: its actions are pages of their own.
        form.save_m2m()
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


admin.site.register(Event, EventAdmin)
