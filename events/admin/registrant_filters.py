"""Filters of the registrations' list by event and by organiser, as searchable fields.

A list filter of Django lists every choice: a hundred thousand events would not fit a page.
These show the choice made (if any) and search the rest as staff type (Django's own
autocomplete widget, select2), from suggestions that only hold what the user's scope lets
them see: the events of `events_in_scope`, and their organisers.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.urls import path, reverse

from events.models import Event, Organiser, Registration
from events.scoping import events_in_scope, scope_for

SUGGESTIONS = 20


def organisers_of_events_in_scope(user):
    """The organisers whose events `user` sees: those a registration may be filtered by."""
    if scope_for(user).everything:
        return Organiser.objects.all()
    return Organiser.objects.filter(pk__in=events_in_scope(user).values("organiser_id"))


def as_id(value: str | None) -> int | None:
    """A row id typed in an address, or None: ASCII digits that fit a bigint only (« ² » is a
    digit to Python, 10**20 overflows PostgreSQL)."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def event_label(event: Event) -> str:
    """An event as staff tell it from its namesakes: title, local date, city."""
    where = event.city or "en ligne"
    return f"{event.title} — {event.local_start:%d/%m/%Y %H:%M} — {where}"


class AutocompleteListFilter(admin.SimpleListFilter):
    """A list filter whose choices come from a JSON view of suggestions, as staff type."""

    template = "admin/events/registration/autocomplete_filter.html"
    field_path = ""  # the registration's lookup the chosen id filters on
    url_name = ""  # the admin URL of the suggestions

    def chosen(self, request, pk: int) -> tuple[str, str] | None:
        """(id, label) of the chosen object, if the user may see it."""
        raise NotImplementedError

    def lookups(self, request, model_admin):
        pk = as_id(self.value())
        found = self.chosen(request, pk) if pk is not None else None
        return [found] if found else []

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        pk = as_id(self.value())
        if pk is None:
            # A mistyped address lists nothing rather than everything.
            return queryset.none()
        return queryset.filter(**{self.field_path: pk})

    def has_output(self):
        return True

    def choices(self, changelist):
        # Everything the template needs, in one "choice": the other filters of the page (kept
        # as hidden fields), the choice made, and the widget's attributes.
        others = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name != self.parameter_name
            for value in values
        ]
        yield {
            "parameter_name": self.parameter_name,
            "others": others,
            "chosen": self.lookup_choices[0] if self.lookup_choices else None,
            "url": reverse(f"admin:{self.url_name}"),
            "clear_url": changelist.get_query_string(remove=[self.parameter_name]),
        }


class EventListFilter(AutocompleteListFilter):
    title = "événement"
    parameter_name = "evenement"
    field_path = "event_id"
    url_name = "events_registration_event_suggestions"

    def chosen(self, request, pk):
        event = events_in_scope(request.user).select_related("department").filter(pk=pk).first()
        return (str(event.pk), event_label(event)) if event else None


class OrganiserListFilter(AutocompleteListFilter):
    title = "organisateur"
    parameter_name = "organisateur"
    field_path = "event__organiser_id"
    url_name = "events_registration_organiser_suggestions"

    def chosen(self, request, pk):
        organiser = organisers_of_events_in_scope(request.user).filter(pk=pk).first()
        return (str(organiser.pk), organiser.name) if organiser else None


class EventOrganiserListFilter(OrganiserListFilter):
    """The events' list by organiser: the same parameter and suggestions as the registrations'
    (the dashboard links both lists with `?organisateur=`)."""

    field_path = "organiser_id"


class AutocompleteFiltersMedia:
    """The scripts of the searchable filters: Django's autocomplete widget brings jQuery,
    select2 (in French) and its set-up; admin-filters.js applies a choice at once."""

    @property
    def media(self):
        widget = AutocompleteSelect(Registration._meta.get_field("event"), self.admin_site)
        return (
            super().media
            + widget.media
            + forms.Media(js=["js/admin-filters.js"], css={"all": ["css/admin-semaine.css"]})
        )


class RegistrationFiltersMixin(AutocompleteFiltersMedia):
    """The suggestions behind the filters of RegistrationAdmin (the events' list uses them too),
    and the widget's scripts."""

    def get_urls(self):
        return [
            path(
                "suggestions/evenements/",
                self.admin_site.admin_view(self.event_suggestions_view),
                name="events_registration_event_suggestions",
            ),
            path(
                "suggestions/organisateurs/",
                self.admin_site.admin_view(self.organiser_suggestions_view),
                name="events_registration_organiser_suggestions",
            ),
            *super().get_urls(),
        ]

    def _suggestions(self, request, rows, label) -> JsonResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        page_number = request.GET.get("page", "1")
        page = Paginator(rows, SUGGESTIONS).get_page(page_number if page_number.isdigit() else 1)
        return JsonResponse(
            {
                "results": [{"id": str(row.pk), "text": label(row)} for row in page],
                "pagination": {"more": page.has_next()},
            }
        )

    def event_suggestions_view(self, request):
        term = " ".join(request.GET.get("term", "").split())[:100]
        events = events_in_scope(request.user).select_related("department")
        if term:
            # The events list's own search (title, city, organiser), in the user's scope.
            events, _ = self.admin_site.get_model_admin(Event).get_search_results(
                request, events, term
            )
        # The coming edition first, as the events list.
        return self._suggestions(request, events.order_by("-start", "id"), event_label)

    def organiser_suggestions_view(self, request):
        term = " ".join(request.GET.get("term", "").split())[:100]
        organisers = organisers_of_events_in_scope(request.user)
        if term:
            organisers = organisers.filter(name__unaccent__icontains=term)
        return self._suggestions(request, organisers.order_by("name", "id"), lambda o: o.name)
