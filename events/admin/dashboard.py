"""The events' dashboard in the admin: figures of an edition, within the user's scope."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from events import stats
from events.scoping import events_in_scope, registrations_in_scope, scope_for
from semaine.models import Edition


class EventDashboardMixin:
    """The dashboard page of EventAdmin (a link of the events' list)."""

    def get_urls(self):
        return [
            path(
                "tableau-de-bord/",
                self.admin_site.admin_view(self.dashboard_view),
                name="events_event_dashboard",
            ),
            *super().get_urls(),
        ]

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
