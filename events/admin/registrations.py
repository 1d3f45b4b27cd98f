"""Registrations in the admin (read-only personal data) and the registrants' CSV export."""

import csv

from django import forms
from django.contrib import admin, messages
from django.http import StreamingHttpResponse
from django.utils import timezone

from events.admin.scoped import ScopedEventsMixin
from events.models import Event, RegistrantAccess, Registration
from events.scoping import (
    registrations_in_scope,
)
from events.services.audit import record_registrant_access
from events.services.registration import RegistrationError, registration_cancel
from semaine.spreadsheets import neutralise

# -- registrants' CSV ---------------------------------------------------------------------------

REGISTRANT_COLUMNS = [
    "événement",
    "date",
    "organisateur",
    "prénom",
    "nom",
    "e-mail",
    "téléphone",
    "participation",
    "situation",
    "accepte d'être contacté·e",
    "statut",
    "inscrit le",
    "présence",
]


class _Echo:
    def write(self, value):
        return value


def registrants_csv_response(registrations, filename: str) -> StreamingHttpResponse:
    """Registrants as an Excel-friendly CSV (UTF-8 with BOM, `;`), streamed row by row."""
    writer = csv.writer(_Echo(), delimiter=";")
    rows = (
        registrations.select_related("event", "event__organiser", "event__department")
        .order_by("event__start", "event_id", "created_at", "id")
        .iterator(chunk_size=2000)
    )

    def lines():
        yield "\ufeff" + writer.writerow(REGISTRANT_COLUMNS)
        for r in rows:
            yield writer.writerow(
                [
                    neutralise(r.event.title),
                    r.event.local_start.strftime("%d/%m/%Y %H:%M"),
                    neutralise(r.event.organiser.name),
                    neutralise(r.first_name),
                    neutralise(r.last_name),
                    neutralise(r.email),
                    neutralise(r.phone),
                    r.get_mode_display(),
                    r.get_situation_display(),
                    "oui" if r.consent_contact else "non",
                    r.get_status_display(),
                    timezone.localtime(r.created_at).strftime("%d/%m/%Y %H:%M"),
                    r.get_attendance_display() if r.is_confirmed else "",
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- registrations ------------------------------------------------------------------------------


class RegistrationInlineForm(forms.ModelForm):
    class Meta:
        model = Registration
        fields = ["status"]

    def clean_status(self):
        status = self.cleaned_data["status"]
        initial = self.instance.status
        if status == initial:
            return status
        if status != Registration.Status.CANCELLED:
            raise forms.ValidationError(
                "Ici, une inscription ne peut qu'être annulée : la place libérée va au premier "
                "de la liste d'attente."
            )
        reason = self.instance.event.cancellation_closed_reason()
        if reason:
            raise forms.ValidationError(reason)
        return status


class RegistrationInline(admin.TabularInline):
    model = Registration
    form = RegistrationInlineForm
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    fields = [
        "last_name",
        "first_name",
        "email",
        "phone",
        "mode",
        "situation",
        "created_at",
        "status",
        "attendance",
    ]
    readonly_fields = [f for f in fields if f != "status"]
    verbose_name_plural = "inscriptions (données personnelles en lecture seule)"

    def has_add_permission(self, request, obj=None):
        return False


def save_registration_changes(request, formset):
    """Cancel through the registration service, so counters and the waitlist stay right."""
    promoted = 0
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        if form.instance.pk and "status" in form.changed_data:
            try:
                promoted += len(registration_cancel(registration=form.instance))
            except RegistrationError as e:
                messages.error(request, str(e))
            else:
                formset.changed_objects.append((form.instance, ["status"]))
    if promoted:
        messages.info(
            request,
            f"{promoted} personne(s) de la liste d'attente ont reçu la place libérée.",
        )


class EmailFailureFilter(admin.SimpleListFilter):
    """The people whose e-mail the mail server refused for good (or never took): staff call
    them, or check the address they typed."""

    title = "e-mail non délivré"
    parameter_name = "email_non_delivre"

    def lookups(self, request, model_admin):
        return [("1", "Oui")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.exclude(email_failure="")
        return queryset


@admin.register(Registration)
class RegistrationAdmin(ScopedEventsMixin, admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "email",
        "event",
        "event_start",
        "mode",
        "status",
        "attendance",
        "created_at",
        "email_failure",
    ]
    list_filter = [
        "status",
        "attendance",
        "mode",
        EmailFailureFilter,
        ("event__region", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["last_name", "first_name", "email", "event__title"]
    list_select_related = ["event", "event__department"]
    readonly_fields = [
        "event",
        "mode",
        "first_name",
        "last_name",
        "email",
        "phone",
        "situation",
        "consent_contact",
        "created_at",
        "updated_at",
        "reminder_sent_at",
        "anonymised_at",
        "email_failed_at",
        "email_failure",
        # Recorded at the door (the event's « Accueil » page), not edited here.
        "attendance",
        "attendance_at",
        "attendance_by",
        "followup_sent_at",
    ]
    fields = readonly_fields[:9] + ["status"] + readonly_fields[9:]
    form = RegistrationInlineForm
    actions = ["export_registrants"]

    def _obj_event(self, obj):
        return obj.event

    def get_queryset(self, request):
        return registrations_in_scope(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        # People register on the public site, which keeps the seat counters right.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="date", ordering="event__start")
    def event_start(self, obj):
        return obj.event.local_start.strftime("%d/%m/%Y %H:%M")

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            try:
                registration_cancel(registration=obj)
            except RegistrationError as e:
                messages.error(request, str(e))

    @admin.action(description="Exporter les inscriptions sélectionnées (CSV)")
    def export_registrants(self, request, queryset):
        registrations = registrations_in_scope(request.user, queryset)
        events = Event.objects.filter(pk__in=registrations.values("event_id"))
        record_registrant_access(
            request.user, RegistrantAccess.Action.EXPORT, events, rows=registrations.count()
        )
        return registrants_csv_response(registrations, "inscriptions.csv")

    # -- audit: who looked at whom ------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and getattr(response, "context_data", None):
            changelist = response.context_data.get("cl")
            if changelist is not None:
                record_registrant_access(
                    request.user,
                    RegistrantAccess.Action.LIST,
                    rows=changelist.result_count,
                    detail=request.GET.urlencode(),
                )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        registration = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and registration is not None:
            record_registrant_access(
                request.user, RegistrantAccess.Action.REGISTRATION, [registration.event], rows=1
            )
        return response
