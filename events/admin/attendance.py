"""The check-in page at the door (« accueil ») of one event: a phone-first admin page.

Staff search a name, tap « Présent·e » (or undo it) and add walk-ins; every form is a plain POST
that redirects back to the page (no JavaScript needed), keeping the search.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.postgres.lookups import Unaccent
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from events.exports.attendance_sheet import (
    attendance_sheet_pdf,
    attendance_sheet_xlsx,
    sheet_events,
)
from events.models import Event, RegistrantAccess, Registration
from events.scoping import events_in_scope, registrations_in_scope
from events.services.attendance import (
    AttendanceError,
    attendance_counts,
    attendance_record,
    attendance_refusal,
    mark_unrecorded_absent,
    walk_in_add,
)
from events.services.audit import record_registrant_access


class WalkInForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=100)
    last_name = forms.CharField(label="Nom", max_length=100)
    email = forms.EmailField(label="E-mail (facultatif)", required=False, max_length=254)


def registrants_matching(registrations, query: str):
    """Registrations whose first or last name contains `query`, accents and case aside."""
    query = " ".join(query.split())[:100]
    if not query:
        return registrations
    words = Q()
    for word in query.split(" "):
        words &= Q(**{"first_name__unaccent__icontains": word}) | Q(
            **{"last_name__unaccent__icontains": word}
        )
    return registrations.filter(words)


SHEET_FORMATS = {
    "pdf": (attendance_sheet_pdf, "application/pdf"),
    "xlsx": (
        attendance_sheet_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


class EventAttendanceMixin:
    """The check-in page of EventAdmin (a link of the event's page), the attendance sheets
    (a link of the page and actions on a selection) and the no-shows' action."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/accueil/",
                self.admin_site.admin_view(self.checkin_view),
                name="events_event_checkin",
            ),
            path(
                "<path:object_id>/emargement.pdf",
                self.admin_site.admin_view(self.attendance_sheet_view),
                {"fmt": "pdf"},
                name="events_event_attendance_sheet_pdf",
            ),
            path(
                "<path:object_id>/emargement.xlsx",
                self.admin_site.admin_view(self.attendance_sheet_view),
                {"fmt": "xlsx"},
                name="events_event_attendance_sheet_xlsx",
            ),
            *super().get_urls(),
        ]

    # -- attendance sheets ----------------------------------------------------------------------

    def _attendance_sheet(self, request, events, fmt: str, filename: str) -> HttpResponse:
        render, content_type = SHEET_FORMATS[fmt]
        # Scoped twice: the selection (already the admin's queryset) and its registrants.
        events = Event.objects.filter(pk__in=events_in_scope(request.user, events).values("pk"))
        sheets = sheet_events(events, registrations_in_scope(request.user))
        record_registrant_access(
            request.user,
            RegistrantAccess.Action.SHEET,
            [sheet.event for sheet in sheets],
            rows=sum(len(s.confirmed) + len(s.waitlisted) for s in sheets),
        )
        response = HttpResponse(render(sheets), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
        return response

    def attendance_sheet_view(self, request, object_id, fmt):
        event = self._checkin_event(request, object_id)
        return self._attendance_sheet(
            request, Event.objects.filter(pk=event.pk), fmt, f"emargement-evenement-{event.pk}"
        )

    @admin.action(description="Feuilles d'émargement des événements sélectionnés (PDF)")
    def attendance_sheets_pdf(self, request, queryset):
        return self._attendance_sheet(request, queryset, "pdf", "emargement")

    @admin.action(description="Feuilles d'émargement des événements sélectionnés (XLSX)")
    def attendance_sheets_xlsx(self, request, queryset):
        return self._attendance_sheet(request, queryset, "xlsx", "emargement")

    @admin.action(description="Événements terminés : marquer absent·es les présences non relevées")
    def mark_absent(self, request, queryset):
        marked, skipped = mark_unrecorded_absent(events=queryset, user=request.user)
        self.message_user(
            request,
            f"{marked} inscrit·e(s) marqué·e(s) absent·e(s)."
            + (
                f" {skipped} événement(s) ignoré(s) : pas encore terminé(s) ou annulé(s)."
                if skipped
                else ""
            ),
            messages.SUCCESS if not skipped else messages.WARNING,
        )

    # -- check-in at the door -------------------------------------------------------------------

    def _checkin_event(self, request, object_id):
        event = self.get_object(request, object_id)
        if event is None:
            raise Http404("Événement introuvable.")
        if not self.has_view_permission(request, event):
            raise PermissionDenied
        return event

    def checkin_view(self, request, object_id):
        event = self._checkin_event(request, object_id)
        query = request.GET.get("q", "") if request.method == "GET" else request.POST.get("q", "")
        back = reverse("admin:events_event_checkin", args=[event.pk])
        if query:
            back += "?" + urlencode({"q": query})
        walk_in_form = WalkInForm(prefix="walkin")
        if request.method == "POST":
            if not self.has_change_permission(request, event):
                raise PermissionDenied
            if "walkin-last_name" in request.POST:
                walk_in_form = WalkInForm(request.POST, prefix="walkin")
                if walk_in_form.is_valid():
                    try:
                        walk_in_add(event=event, user=request.user, **walk_in_form.cleaned_data)
                    except AttendanceError as exc:
                        messages.error(request, str(exc))
                    else:
                        data = walk_in_form.cleaned_data
                        messages.success(
                            request,
                            f"{data['first_name']} {data['last_name']} ajouté·e, "
                            "compté·e présent·e.",
                        )
                    return redirect(back)
            else:
                self._record(request, event)
                return redirect(back)
        registrations = registrations_in_scope(
            request.user, Registration.objects.confirmed().filter(event=event)
        )
        shown = list(
            registrants_matching(registrations, query).order_by(
                Unaccent("last_name").asc(), Unaccent("first_name").asc(), "id"
            )
        )
        if shown:
            record_registrant_access(
                request.user, RegistrantAccess.Action.CHECKIN, [event], rows=len(shown)
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Accueil : {event.title}",
            "opts": self.model._meta,
            "event": event,
            "registrations": shown,
            "query": query,
            "counts": attendance_counts(event),
            "refusal": attendance_refusal(event),
            "walk_in_form": walk_in_form,
            "Attendance": Registration.Attendance,
        }
        status = 400 if walk_in_form.errors else 200
        return TemplateResponse(request, "admin/events/event/checkin.html", context, status=status)

    def _record(self, request, event):
        registration = (
            Registration.objects.filter(event=event, pk=request.POST.get("registration")).first()
            if str(request.POST.get("registration", "")).isdigit()
            else None
        )
        if registration is None:
            messages.error(request, "Inscription introuvable pour cet événement.")
            return
        attendance = request.POST.get("attendance", "")
        name = f"{registration.first_name} {registration.last_name}"
        try:
            result = attendance_record(
                registration=registration, attendance=attendance, user=request.user
            )
        except AttendanceError as exc:
            messages.error(request, f"{name} : {exc}")
            return
        label = Registration.Attendance(attendance).label.lower()
        if not result.changed:
            messages.info(request, f"{name} était déjà {label} : rien de changé.")
        elif attendance == Registration.Attendance.UNRECORDED:
            messages.warning(request, f"Présence de {name} annulée.")
        else:
            messages.success(request, f"{name} : {label}.")
