"""The events' dashboard in the admin: figures of an edition, within the user's scope, the
regional tables (by organiser and by department) with a link behind each figure, their CSV and
XLSX exports, and the « à surveiller » filter of the events' list."""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse

from events import stats
from events.models import Event, Registration
from events.models.querysets import AT_RISK_DAYS, AT_RISK_FILL
from events.scoping import (
    events_in_scope,
    proposals_in_scope,
    registrations_in_scope,
    scope_for,
)
from events.services.proposals import pending_by_department
from semaine.models import Edition
from semaine.spreadsheets import table_csv, table_xlsx

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class AtRiskFilter(admin.SimpleListFilter):
    """The events « à surveiller » (Event.objects.at_risk): the dashboard's list, as a filter."""

    title = "suivi"  # Django says « Par suivi »
    parameter_name = "a_surveiller"

    def lookups(self, request, model_admin):
        return [
            (
                "1",
                f"À surveiller : dans les {AT_RISK_DAYS} jours, remplis à moins de "
                f"{AT_RISK_FILL} %",
            )
        ]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.at_risk()
        return queryset


def figure_links(grouping: str, line: stats.GroupFigures, edition: Edition | None) -> dict:
    """The admin lists behind each figure of a line of a regional table: the events' list or
    the registrations' list, filtered by the line's organiser or department and the edition."""
    on_events, on_registrations = {}, {}
    if edition:
        on_events["edition__year__exact"] = edition.year
        on_registrations["event__edition__year__exact"] = edition.year
    if line.is_total:
        pass
    elif grouping == "organisateur":
        on_events["organisateur"] = on_registrations["organisateur"] = line.key
    elif line.key is None:
        on_events["department__isnull"] = on_registrations["event__department__isnull"] = "True"
    else:
        on_events["department__code__exact"] = line.key
        on_registrations["event__department__code__exact"] = line.key
    events_url = reverse("admin:events_event_changelist")
    registrations_url = reverse("admin:events_registration_changelist")

    def events(**more):
        return f"{events_url}?{urlencode({**on_events, **more})}"

    def registrations(**more):
        return f"{registrations_url}?{urlencode({**on_registrations, **more})}"

    confirmed, waitlisted = Registration.Status.CONFIRMED, Registration.Status.WAITLISTED
    attendance = Registration.Attendance
    return {
        "events": events(),
        "published": events(status__exact=Event.Status.PUBLISHED),
        "at_risk": events(a_surveiller=1),
        "confirmed": registrations(status__exact=confirmed),
        "waitlisted": registrations(status__exact=waitlisted),
        "present": registrations(status__exact=confirmed, attendance__exact=attendance.PRESENT),
        "absent": registrations(status__exact=confirmed, attendance__exact=attendance.ABSENT),
    }


class EventDashboardMixin:
    """The dashboard page of EventAdmin (a link of the events' list) and its exports."""

    def get_urls(self):
        return [
            path(
                "tableau-de-bord/",
                self.admin_site.admin_view(self.dashboard_view),
                name="events_event_dashboard",
            ),
            path(
                "tableau-de-bord/export/",
                self.admin_site.admin_view(self.dashboard_export_view),
                name="events_event_dashboard_export",
            ),
            *super().get_urls(),
        ]

    def _dashboard_edition(self, request, editions) -> tuple[Edition | None, str]:
        """The edition asked for (`?edition=2027`, or « toutes »), else the current one."""
        year = request.GET.get("edition", "")
        edition = next((e for e in editions if str(e.year) == year), None)
        if edition is None and year != "toutes":
            edition = Edition.objects.current_cached()
        return edition, year if year == "toutes" else (edition.year if edition else "")

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        editions = list(Edition.objects.all())
        edition, selected = self._dashboard_edition(request, editions)
        figures = stats.dashboard_figures(
            events_in_scope(request.user),
            registrations_in_scope(request.user),
            edition,
        )
        for table in (figures["by_organiser"], figures["by_department"]):
            for line in [*table["lines"], table["total"]]:
                line.links = figure_links(table["grouping"], line, edition)
        # The partners' proposals waiting in the user's queue, per department's agencies.
        pending = pending_by_department(proposals_in_scope(request.user))
        context = {
            **self.admin_site.each_context(request),
            **figures,
            "pending_proposals": pending,
            "pending_proposals_total": sum(line.count for line in pending),
            "title": "Tableau de bord",
            "opts": self.model._meta,
            "editions": editions,
            "selected": selected,
            "scope": scope_for(request.user).describe(),
            "bar_width": stats.BAR_WIDTH,
            "at_risk_days": AT_RISK_DAYS,
            "at_risk_fill": AT_RISK_FILL,
        }
        return TemplateResponse(request, "admin/events/event/dashboard.html", context)

    def dashboard_export_view(self, request):
        """A regional table (`?par=organisateur|departement`) as CSV or XLSX (`?format=`)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        grouping, kind = request.GET.get("par", ""), request.GET.get("format", "")
        if grouping not in stats.GROUPINGS or kind not in EXPORT_TYPES:
            raise Http404("Export inconnu : par=organisateur|departement, format=csv|xlsx.")
        edition, selected = self._dashboard_edition(request, list(Edition.objects.all()))
        events, registrations = stats.of_edition(
            events_in_scope(request.user), registrations_in_scope(request.user), edition
        )
        table = stats.regional_table(events, registrations, grouping)
        header = [table["heading"], *stats.EXPORT_HEADERS]
        rows = [
            [line.label, *stats.group_export_row(line)]
            for line in [*table["lines"], table["total"]]
        ]
        if kind == "csv":
            body = table_csv(header, rows)
        else:
            widths = [40] + [14] * len(stats.EXPORT_HEADERS)
            body = table_xlsx(f"Par {table['heading'].lower()}", header, rows, widths)
        response = HttpResponse(body, content_type=EXPORT_TYPES[kind])
        name = f"tableau-de-bord-{grouping}-{selected or 'edition'}.{kind}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
