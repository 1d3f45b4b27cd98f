"""Registrations in the admin (read-only personal data, the actions the rules allow) and the
registrants' CSV export."""

from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from events.admin.registrant_actions import RegistrantActionsMixin
from events.admin.registrant_filters import (
    EventListFilter,
    OrganiserListFilter,
    RegistrationFiltersMixin,
    as_id,
)
from events.admin.scoped import ScopedEventsMixin
from events.exports.registrants import registrants_csv_response
from events.models import Event, RegistrantAccess, Registration
from events.scoping import events_in_scope, registrations_in_scope
from events.services.audit import record_registrant_access
from events.services.registrant_actions import (
    ActionPlan,
    registration_action_plan,
    registration_actions,
)
from semaine.admin.mixins import FrenchTitlesMixin

# -- registrations ------------------------------------------------------------------------------


def action_links(registration: Registration, back: str = "") -> str:
    """Links to the actions the rules allow on `registration`, each asking for confirmation
    on a page that says who is e-mailed."""
    query = f"?{urlencode({'next': back})}" if back else ""
    person = f"{registration.first_name} {registration.last_name}"
    links = [
        (
            reverse(f"admin:events_registration_{plan.action.name.lower()}", args=[registration.pk])
            + query,
            # Said to a screen reader with whose registration it is: a list repeats the labels.
            f"{plan.label} : {person}",
            plan.label,
        )
        for plan in registration_actions(registration)
    ]
    if not links:
        return "—"
    return format_html(
        '<ul class="semaine-registrant-actions">{}</ul>',
        format_html_join("", '<li><a href="{}" aria-label="{}">{}</a></li>', links),
    )


def without_actions_unless_allowed(model_admin, request, fields, obj=None) -> list:
    """The fields shown, without the actions column for staff who may only look."""
    if model_admin.has_change_permission(request, obj):
        return list(fields)
    return [name for name in fields if name not in {"staff_actions", "registrant_actions"}]


class RegistrationInline(admin.TabularInline):
    """The event's registrants on its page: read only, with the actions the rules allow."""

    model = Registration
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
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
        "registrant_actions",
    ]
    readonly_fields = fields
    verbose_name_plural = "inscriptions (données personnelles en lecture seule)"

    def has_add_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        return without_actions_unless_allowed(self, request, super().get_fields(request, obj))

    @admin.display(description="actions")
    def registrant_actions(self, obj):
        if obj.pk is None:
            return ""
        back = reverse("admin:events_event_change", args=[obj.event_id])
        return action_links(obj, back)


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
class RegistrationAdmin(
    FrenchTitlesMixin,
    RegistrantActionsMixin,
    RegistrationFiltersMixin,
    ScopedEventsMixin,
    admin.ModelAdmin,
):
    title_changelist = "Inscriptions"
    title_change = title_view = "Inscription"
    # Few and narrow columns: the list fits 1,366 px beside its filters, date and status
    # included (the e-mail goes under the name, a failed e-mail with the status).
    list_display = [
        "person",
        "event_link",
        "event_start",
        "mode",
        "status_display",
        "created_at_display",
    ]
    list_display_links = ["person"]
    list_filter = [
        EventListFilter,
        OrganiserListFilter,
        "status",
        "mode",
        "attendance",
        EmailFailureFilter,
        ("event__region", admin.RelatedOnlyFieldListFilter),
        # Behind the dashboard's figures by department, of an edition. Every department and
        # edition is listed: « only those used » would read the distinct values of every
        # registration in scope on each page of the list.
        ("event__department", admin.RelatedFieldListFilter),
        ("event__edition", admin.RelatedFieldListFilter),
    ]
    search_fields = ["last_name", "first_name", "email", "event__title"]
    list_select_related = ["event", "event__department"]
    list_per_page = 50
    readonly_fields = [
        "event",
        "mode",
        "first_name",
        "last_name",
        "email",
        "phone",
        "situation",
        "consent_contact",
        "status",
        "staff_actions",
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
    # Nothing here is typed: a status changes through the actions the rules allow, which say
    # who is e-mailed (registrant_actions.py).
    fields = readonly_fields
    actions = ["export_registrants"]
    change_list_template = "admin/events/registration/change_list.html"

    def _obj_event(self, obj):
        return obj.event

    def get_queryset(self, request):
        return registrations_in_scope(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        # People register on the public site, which keeps the seat counters right.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        return without_actions_unless_allowed(self, request, super().get_fields(request, obj), obj)

    def save_model(self, request, obj, form, change):
        # Nothing on this page is typed: a save would only write the row back as it was read,
        # over a change the registration services made meanwhile under the event's lock.
        pass

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False}
        extra_context["show_save_and_continue"] = False
        response = super().change_view(request, object_id, form_url, extra_context)
        registration = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and registration is not None:
            record_registrant_access(
                request.user, RegistrantAccess.Action.REGISTRATION, [registration.event], rows=1
            )
        return response

    # -- columns --------------------------------------------------------------------------------

    @admin.display(description="personne", ordering="last_name")
    def person(self, obj):
        return format_html(
            "{} {}<br><small>{}</small>", obj.last_name.upper(), obj.first_name, obj.email
        )

    @admin.display(description="événement", ordering="event__title")
    def event_link(self, obj):
        # The registrations of that event: the list filtered by it.
        url = reverse("admin:events_registration_changelist") + f"?evenement={obj.event_id}"
        return format_html(
            '<a href="{}" title="{}">{}</a>',
            url,
            obj.event.title,
            Truncator(obj.event.title).chars(60),
        )

    @admin.display(description="date", ordering="event__start")
    def event_start(self, obj):
        return obj.event.local_start.strftime("%d/%m/%Y %H:%M")

    @admin.display(description="statut", ordering="status")
    def status_display(self, obj):
        failure = (
            format_html('<br><small title="{}">⚠ e-mail non délivré</small>', obj.email_failure)
            if obj.email_failure
            else ""
        )
        presence = (
            format_html("<br><small>{}</small>", obj.get_attendance_display())
            if obj.attendance
            else ""
        )
        return format_html("{}{}{}", obj.get_status_display(), presence, failure)

    @admin.display(description="inscrit le", ordering="created_at")
    def created_at_display(self, obj):
        return timezone.localtime(obj.created_at).strftime("%d/%m/%Y")

    @admin.display(description="actions possibles")
    def staff_actions(self, obj):
        plans = [registration_action_plan(obj, plan.action) for plan in registration_actions(obj)]
        if not plans:
            return "Aucune : l'événement a commencé, ou rien ne peut plus changer."
        return format_html_join(
            "",
            '<p class="semaine-action-notice"><a class="button" href="{}">{}</a> {}</p>',
            (
                (
                    reverse(f"admin:events_registration_{plan.action.name.lower()}", args=[obj.pk]),
                    plan.label,
                    plan.notice,
                )
                for plan in plans
                if isinstance(plan, ActionPlan)
            ),
        )

    # -- registrants' CSV -----------------------------------------------------------------------

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
        # Filtered by one event: its page and its message are a click away.
        chosen = as_id(request.GET.get("evenement"))
        event = events_in_scope(request.user).filter(pk=chosen).first() if chosen else None
        extra_context = {**(extra_context or {}), "filtered_event": event}
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
