"""What EventAdmin does to many events at once, and the registrants' CSV of its events.

Actions: publish, unpublish, cancel (each logged in the events' history), duplicate (its page is
events/admin/duplicate.py) and the registrants of a selection; the registrants of one event are
also a page of its own.
"""

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path

from events.exports.registrants import registrants_csv_response
from events.models import Event, RegistrantAccess, Registration
from events.scoping import registrations_in_scope
from events.services.audit import record_registrant_access
from events.services.events import event_cancel, event_publish, event_unpublish


class EventActionsMixin:
    """The actions of EventAdmin, offered to the users allowed to run them."""

    actions = [
        "publish",
        "unpublish",
        "cancel",
        "duplicate",
        "export_registrants",
        "attendance_sheets_pdf",
        "attendance_sheets_xlsx",
        "mark_absent",
    ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        # One by one, so that EventAdmin.has_delete_permission is checked for each event.
        actions.pop("delete_selected", None)
        if not self.has_change_permission(request):
            for name in ("publish", "unpublish", "cancel", "mark_absent"):
                actions.pop(name, None)
        if not self.has_add_permission(request):
            actions.pop("duplicate", None)
        return actions

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
            f"{len(ids)} événement(s) annulé(s). Les {kept} inscription(s) sont conservées ; "
            "chaque personne inscrite reçoit un e-mail d'annulation (file d'attente des e-mails).",
            messages.WARNING,
        )

    # -- registrants' CSV -----------------------------------------------------------------------

    @admin.action(description="Exporter les inscrits des événements sélectionnés (CSV)")
    def export_registrants(self, request, queryset):
        registrations = registrations_in_scope(
            request.user, Registration.objects.filter(event__in=queryset)
        )
        record_registrant_access(request.user, RegistrantAccess.Action.EXPORT, queryset)
        return registrants_csv_response(registrations, "inscrits.csv")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/inscrits.csv",
                self.admin_site.admin_view(self.registrants_view),
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
        record_registrant_access(request.user, RegistrantAccess.Action.EXPORT, [event])
        return registrants_csv_response(registrations, f"inscrits-evenement-{event.pk}.csv")
