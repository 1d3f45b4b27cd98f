"""Duplicate events on other days: a page of the event (« Dupliquer ») and the same page as an
action on a selection. Both ask for the days, and copy each event on each of them as a draft,
with its title and its times of day (events.services.events.event_duplicate)."""

import datetime
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from events.models import Event
from events.services.events import MAX_COPIES, duplicate_refusal, event_duplicate
from semaine.models import Edition

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_dates(text: str) -> tuple[list[datetime.date], list[str]]:
    """The dates typed (JJ/MM/AAAA, separated by spaces, commas or semicolons), and the words
    that are not dates."""
    dates, wrong = [], []
    for word in re.split(r"[\s,;]+", text.strip()):
        if not word:
            continue
        for pattern in DATE_FORMATS:
            try:
                dates.append(datetime.datetime.strptime(word, pattern).date())
                break
            except ValueError:
                continue
        else:
            wrong.append(word)
    return dates, wrong


class DuplicateForm(forms.Form):
    days = forms.TypedMultipleChoiceField(
        label="Jours de la Semaine",
        coerce=datetime.date.fromisoformat,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_dates = forms.CharField(
        label="Autres dates",
        required=False,
        max_length=500,
        help_text="JJ/MM/AAAA, séparées par des espaces ou des virgules (24/04/2030 25/04/2030).",
    )

    def __init__(self, *args, events: list[Event], **kwargs):
        super().__init__(*args, **kwargs)
        self.events = events
        self.fields["days"].choices = [
            (day.isoformat(), date_format(day, "l j F Y")) for day in self.offered_days()
        ]

    def offered_days(self) -> list[datetime.date]:
        """The days to come of the events' editions and of the current one, but the day of the
        event when there is one: the days of the week it is usually copied on."""
        editions = {event.edition for event in self.events}
        current = Edition.objects.current_cached()
        if current is not None:
            editions.add(current)
        today = timezone.localdate()
        own = {event.local_start.date() for event in self.events} if len(self.events) == 1 else ()
        return sorted(
            {day for edition in editions for day in edition.days if day >= today} - set(own)
        )

    def clean(self):
        cleaned = super().clean()
        dates, wrong = parse_dates(cleaned.get("other_dates", ""))
        if wrong:
            self.add_error(
                "other_dates",
                "Ces dates ne sont pas au format JJ/MM/AAAA : "
                + ", ".join(f"« {word[:20]} »" for word in wrong[:5])
                + ".",
            )
        days = sorted(set(cleaned.get("days") or []) | set(dates))
        if not days and not wrong and not self.errors:
            raise forms.ValidationError("Choisissez au moins un jour, ou saisissez une date.")
        if len(days) * len(self.events) > MAX_COPIES:
            raise forms.ValidationError(
                f"{len(days) * len(self.events)} copies : {MAX_COPIES} au plus en une fois."
            )
        refusals = [
            refusal
            for event in self.events
            for day in days
            if (refusal := duplicate_refusal(event, day))
        ]
        if refusals:
            raise forms.ValidationError(
                [f"Impossible : {refusal}." for refusal in dict.fromkeys(refusals)]
            )
        cleaned["dates"] = days
        return cleaned


class EventDuplicateMixin:
    """« Dupliquer » on an event's page, and the action that asks the same for a selection."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/dupliquer/",
                self.admin_site.admin_view(self.duplicate_view),
                name="events_event_duplicate",
            ),
            *super().get_urls(),
        ]

    def duplicate_view(self, request, object_id):
        event = self.get_object(request, object_id)
        if event is None:
            raise Http404("Événement introuvable.")
        return self._duplicate(request, [event])

    @admin.action(description="Dupliquer à d'autres dates (copies en brouillon)")
    def duplicate(self, request, queryset):
        events = list(queryset.select_related("department", "edition"))
        return self._duplicate(request, events, from_action=True)

    def _duplicate(self, request, events: list[Event], *, from_action: bool = False):
        if not self.has_add_permission(request) or not all(
            self.has_view_permission(request, event) for event in events
        ):
            raise PermissionDenied
        submitted = request.method == "POST" and "dupliquer" in request.POST
        form = DuplicateForm(request.POST if submitted else None, events=events)
        if submitted and form.is_valid():
            return self._make_copies(request, events, form.cleaned_data["dates"])
        context = {
            **self.admin_site.each_context(request),
            "title": "Dupliquer " + (f"« {events[0]} »" if len(events) == 1 else "des événements"),
            "opts": self.model._meta,
            "events": events,
            "form": form,
            "from_action": from_action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        status = 400 if form.errors else 200
        return TemplateResponse(
            request, "admin/events/event/duplicate.html", context, status=status
        )

    def _make_copies(self, request, events: list[Event], days: list[datetime.date]):
        copies = []
        for event in events:
            for copy in event_duplicate(event=event, user=request.user, days=days):
                self.log_addition(
                    request,
                    copy,
                    f"Créé en dupliquant l'événement n° {event.pk} au "
                    f"{copy.local_start.strftime('%d/%m/%Y')}.",
                )
                copies.append(copy)
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (
                    reverse("admin:events_event_change", args=[copy.pk]),
                    date_format(copy.local_start, "l j F"),
                )
                for copy in copies
            ),
        )
        self.message_user(
            request,
            format_html(
                "{} copie(s) créée(s) en brouillon, sans inscrit : {}. Vérifiez-les puis "
                "publiez-les.",
                len(copies),
                links,
            ),
            messages.SUCCESS,
        )
        changelist = reverse("admin:events_event_changelist")
        if len(events) == 1:
            # The original and its copies, side by side.
            return redirect(f"{changelist}?{urlencode({'q': events[0].title})}")
        return redirect(changelist)
